"""Which words the articles use, for telling whether a name in a question is mentioned at all.

Words are compared folded: lower case, accents dropped ("Beauséjour" and "Beausejour" are one word),
and a word of five letters or more also matches a word one edit away ("Celeron"/"Céloron" after
folding, "recieve"/"receive"), so a spelling slip or a missing accent does not read as "never
mentioned". An acronym matches the initials of a name the articles spell out ("IOPC", "Independent
Office for Police Conduct"), and a spelled-out name matches its acronym; a name matches its usual other
forms ("Britain" the UK, "Tories" the Conservatives: aliases.py), a people its country ("Korean",
"Korea"), and a plural its singular.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from citeqa.answers import aliases
from citeqa.records import Article

_WORD = re.compile(r"\w+(?:[’'.]\w+)*")
# Small words inside names ("Office for Police Conduct") that neither make nor break a match.
NAME_GLUE = frozenset("of for the and de da del der van von la le du al on in at to".split())
_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'\-]*(?:\s+(?:(?:of|for|the|and|on)\s+)*[A-Z][\w’'\-]*)+")
_NEAR_MISS_LENGTH = 5
_PREFIX = 5
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def fold(text: str) -> str:
    """``text`` in lower case without accents: the form in which words are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``: possessives and hyphens split off, and figures written without
    thousands separators ("13,000" -> "13000") or a percent sign, so that they compare however written."""
    out = []
    text = _THOUSANDS.sub("", fold(text)).replace("-", " ").replace("%", " ")
    for word in _WORD.findall(text):
        word = re.sub(r"[’']s$", "", word)
        out.extend(w for w in re.split(r"[’'.](?!\d)", word) if w)
    return out


def acronyms(text: str) -> set[str]:
    """Acronyms in ``text``, folded: those it writes ("US", "U.S.") and the initials of its capitalised
    names ("Independent Office for Police Conduct" -> "iopc")."""
    found = {fold(a.replace(".", "")) for a in _WRITTEN_ACRONYM.findall(text)}
    for run in _CAPITALISED_RUN.findall(text):
        initials = [w[0] for w in run.split() if w.lower() not in NAME_GLUE]
        if len(initials) >= 2:
            found.add(fold("".join(initials)))
    return found


# Two or more capitals, or capitals with full stops ("U.S."): an acronym as written.
_WRITTEN_ACRONYM = re.compile(r"\b[A-Z](?:\.?[A-Z])+\b\.?")
_ALIASES = aliases.table(fold)


def aliases_of(name_words: list[str] | tuple[str, ...]) -> tuple[aliases.Form, ...]:
    """The usual other forms of the name whose folded words are ``name_words`` (aliases.py), or ()."""
    return _ALIASES.get(tuple(name_words), ())


_PEOPLE = ("ians", "ian", "ans", "an", "ese", "is", "i", "ns", "n")  # "Iranians", "Korean", "Chinese", "Iraqi"
_PLACE = ("", "a", "y", "o", "e", "ia")  # "Korea", "Italy", "Mexico", "India"


def demonym(people: str, place: str) -> bool:
    """Whether ``people`` (folded) names the people of ``place``: "korean" "korea", "chinese" "china",
    "indian" "india", "iraqi" "iraq", "italian" "italy". Irregular ones are in the alias table."""
    for ending in _PEOPLE:
        root = people[: -len(ending)]
        if people.endswith(ending) and len(root) >= 3 and place.startswith(root) and place[len(root) :] in _PLACE:
            return place != people
    return False


def singular(word: str) -> str:
    """A folded word without a plural ending ("tories" -> "tory", "iphones" -> "iphone"): a name asked
    for in the plural is mentioned in the singular, and the other way round."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def article_text(article: Article) -> str:
    """Everything an article says of itself: headline, subtitle, standfirst, outlet, author, date."""
    date = f"{article.date.year} {article.date:%B} {article.date.day}" if article.date else ""
    parts = (article.title, article.subtitle, article.standfirst, article.outlet, article.author, date)
    return "\n".join(p for p in parts if p)


@dataclass
class Lexicon:
    """The folded words of a collection, per article and in all, with how many articles use each."""

    by_article: dict[str, frozenset[str]]
    acronyms_by_article: dict[str, frozenset[str]]
    frequency: Counter[str]  # word -> articles that use it
    read: dict[str, Article] = field(default_factory=dict, repr=False)  # what the words were read from
    _variants: dict[str, set[str]] | None = field(default=None, repr=False)
    _prefixes: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _whole: tuple[frozenset[str], frozenset[str]] | None = field(default=None, repr=False)
    _stems: dict[str, set[str]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, articles: Iterable[Article], previous: Lexicon | None = None) -> Lexicon:
        """The lexicon of ``articles``; an article ``previous`` holds unchanged is not read again
        (adding one article to thousands reads one)."""
        by_article, acronym_sets, frequency, read = {}, {}, Counter(), {}
        for article in articles:
            before = previous.read.get(article.id) if previous is not None else None
            if before is not None and (before is article or before == article):
                vocabulary, found = previous.by_article[article.id], previous.acronyms_by_article[article.id]
            else:
                text = article_text(article) + "\n" + "\n".join(article.paragraphs)
                vocabulary, found = frozenset(words(text)), frozenset(acronyms(text))
            by_article[article.id], acronym_sets[article.id], read[article.id] = vocabulary, found, article
            frequency.update(vocabulary)
        return cls(by_article, acronym_sets, frequency, read)

    def scope(self, article_ids: Iterable[str] | None = None) -> tuple[frozenset[str], frozenset[str]]:
        """The words and acronyms of some articles (all when None: made once, as every question that
        searches the whole collection needs them)."""
        if article_ids is None:
            if self._whole is None:
                self._whole = self._union(self.by_article.keys())
            return self._whole
        return self._union(article_ids)

    def _union(self, ids: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
        ids = list(ids)
        vocab = frozenset().union(*(self.by_article[i] for i in ids))
        acro = frozenset().union(*(self.acronyms_by_article[i] for i in ids))
        return vocab, acro

    def near(self, word: str, vocabulary: frozenset[str]) -> bool:
        """Whether ``vocabulary`` has ``word`` or, for a long word, a word one edit away from it."""
        if word in vocabulary:
            return True
        # Only a word the articles never use can be a slip for one they do: "office" is not "officer".
        if len(word) < _NEAR_MISS_LENGTH or word.isdigit() or word in self.frequency:
            return False
        variants, prefixes = self._indexes()
        candidates = set().union(*(variants.get(v, ()) for v in _deletions(word) | {word}))
        if any(c in vocabulary and _one_edit(word, c) for c in candidates):
            return True
        # Another form of the same name: "Ukrainian" and "Ukraine", "Nigerian" and "Nigeria".
        return any(c in vocabulary and _same_stem(word, c) for c in prefixes.get(word[:_PREFIX], ()))

    def mentions(self, phrase: str, vocabulary: frozenset[str], acronym_set: frozenset[str] = frozenset()) -> bool:
        """Whether a name or number from a question is mentioned in the text ``vocabulary`` comes from.

        A name of several words counts as mentioned when its rarest word is (a surname, say) and at
        least half of its words are: "Phil Vickery" in an article that calls him "Vickery". A name
        the alias table knows counts as mentioned in any of its forms.
        """
        all_words = words(phrase)
        forms = _ALIASES.get(tuple(all_words), ())
        if any(self._written(form, vocabulary, acronym_set) for form in forms):
            return True
        name_words = [w for w in all_words if w not in NAME_GLUE] or all_words
        if not name_words:
            return True
        if len(name_words) == 1 and name_words[0] in acronym_set:
            return True
        if _WRITTEN_ACRONYM.fullmatch(phrase.strip()) and len(phrase) <= 4:
            return False  # a short acronym ("US") is not the word it spells ("us"), nor a slip for another
        if len(name_words) > 1 and fold("".join(w[0] for w in name_words)) in vocabulary:
            return True  # spelled out in the question, an acronym in the text
        present = [
            self.near(w, vocabulary)
            or self._inflected(w, vocabulary)
            or any(self._written(form, vocabulary, acronym_set) for form in _ALIASES.get((w,), ()))
            or self._demonym(w, vocabulary)
            for w in name_words
        ]
        rarest = min(range(len(name_words)), key=lambda i: (self.frequency.get(name_words[i], 0), -len(name_words[i])))
        return present[rarest] and sum(present) * 2 >= len(present)

    def _written(self, form: aliases.Form, vocabulary: frozenset[str], acronym_set: frozenset[str]) -> bool:
        """Whether the text writes ``form``: an acronym in capitals, other forms word for word."""
        if form.acronym:
            return "".join(form.words) in acronym_set
        return all(w in vocabulary or self._inflected(w, vocabulary) for w in form.words)

    def _demonym(self, word: str, vocabulary: frozenset[str]) -> bool:
        """Whether ``vocabulary`` names the place of a people ``word`` names, or the other way round:
        "Korean" and "Korea", "Chinese" and "China", "Iranian" and "Iran"."""
        if len(word) < 4 or word.isdigit():
            return False
        if self._stems is None:
            stems: dict[str, set[str]] = {}
            for known in self.frequency:
                if len(known) >= 4 and not known.isdigit():
                    stems.setdefault(known[:4], set()).add(known)
            self._stems = stems
        candidates = self._stems.get(word[:4], set()) | ({w for w in vocabulary if w[:4] == word[:4]})
        return any(c in vocabulary and (demonym(word, c) or demonym(c, word)) for c in candidates)

    def _inflected(self, word: str, vocabulary: frozenset[str]) -> bool:
        """Whether ``vocabulary`` has ``word`` in the singular or plural ("Conservatives", "Conservative")."""
        if word.isdigit():
            return False
        one = singular(word)
        return one in vocabulary or any(
            plural in vocabulary for plural in (one + "s", one + "es", one[:-1] + "ies" if one.endswith("y") else "")
        )

    def _indexes(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """Each long word under each form of it with one letter deleted, and under its first letters:
        near misses in a few look-ups."""
        if self._variants is None:
            variants: dict[str, set[str]] = {}
            prefixes: dict[str, set[str]] = {}
            for word in self.frequency:
                if len(word) >= _NEAR_MISS_LENGTH - 1 and not word.isdigit():
                    for variant in _deletions(word) | {word}:
                        variants.setdefault(variant, set()).add(word)
                    prefixes.setdefault(word[:_PREFIX], set()).add(word)
            self._variants, self._prefixes = variants, prefixes
        return self._variants, self._prefixes


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _same_stem(a: str, b: str) -> bool:
    """Whether two long words share most of their letters from the start ("ukrainian", "ukraine")."""
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return min(len(a), len(b)) > _PREFIX and shared >= max(_PREFIX, round(0.75 * min(len(a), len(b))))


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one inserted, deleted, replaced or swapped letter."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
