"""The people a collection quotes: its quotations grouped by speaker, counted, and found by name or role.

A speaker is one person or body across articles when the names agree once honorifics, leading articles,
case and accents are set aside ("Mr Blair" in one article is "Blair", not "Tony Blair": the extractor
gives the fullest name each article uses). A speaker the article names only by a common phrase ("a
spokesman", "analysts", "the report") is a different one in each article, and is not listed among the
people quoted, though questions may still find it.

Built once per build (``directory``) and read by every session: never changed after it is made.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass

from citeqa.index.base import IndexData
from citeqa.records import Quotation

_LEADING = frozenset("a an the".split())
_HONORIFICS = frozenset("mr mrs ms miss dr sir dame lord lady prof professor".split())
_WORD = re.compile(r"[\w][\w'\-&]*")


@dataclass(frozen=True)
class Person:
    """A speaker as the collection quotes them."""

    key: str  # what the speaker is known by (``speaker_key``)
    name: str  # the form the articles give most often
    role: str | None  # the role given most often, or None
    count: int  # quotations, in the articles counted
    articles: int  # articles quoting them, of those counted


def name_words(name: str, *, keep_honorifics: bool = False) -> list[str]:
    """The words of a name as compared: lower case, without accents, honorifics or a leading article."""
    text = unicodedata.normalize("NFKD", name.casefold().replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"'s\b", "", text)
    words = _WORD.findall(text)
    if keep_honorifics:
        return words
    while words and words[0] in _LEADING:
        words = words[1:]
    return [w for w in words if w not in _HONORIFICS]


def is_proper(name: str, speaker_class: str = "") -> bool:
    """Whether a speaker's name is a proper name, the same in every article, unlike "a spokesman",
    "Analysts" or "Some senior officers": a person's or organisation's name, or a phrase with a capital
    past its first word ("a Home Office spokesman", "the HMICFRS report")."""
    if speaker_class in ("person", "org", "name"):
        return True
    return any(w[:1].isupper() for w in name.split()[1:])


def speaker_key(quotation: Quotation) -> str:
    """The key of a quotation's speaker: its name's words; a common phrase's, within its own article."""
    assert quotation.speaker is not None
    words = " ".join(name_words(quotation.speaker))
    return words if is_proper(quotation.speaker, quotation.speaker_class) else f"{quotation.article_id}::{words}"


class Directory:
    """The speakers of a build's quotations."""

    def __init__(self, data: IndexData) -> None:
        self.quotations = data.quotations
        # Each article's words as ``name_words`` reads a name (lower case, without accents), to tell a
        # name the articles mention from one they never do.
        self._texts = {
            a.id: " ".join(name_words(" ".join((a.title, *a.paragraphs)), keep_honorifics=True)) for a in data.articles
        }
        self._rows: dict[str, list[int]] = {}  # speaker key -> rows of ``quotations``, in the articles' order
        self._paragraphs: dict[tuple[str, int], list[Quotation]] = {}
        # Per article, how often it quotes each person listed (common phrases are not): what the list of
        # the people quoted in some articles is summed from.
        self._per_article: dict[str, Counter[str]] = {}
        names: dict[str, Counter[str]] = {}
        roles: dict[str, Counter[str]] = {}
        known: dict[tuple[str, str, str], str] = {}  # (speaker, class, article) -> key, each worked out once
        for row, q in enumerate(self.quotations):
            self._paragraphs.setdefault((q.article_id, q.paragraph), []).append(q)
            if q.speaker is None:
                continue
            key = known.get((q.speaker, q.speaker_class, q.article_id))
            if key is None:
                key = known[(q.speaker, q.speaker_class, q.article_id)] = speaker_key(q)
            self._rows.setdefault(key, []).append(row)
            names.setdefault(key, Counter())[q.speaker] += 1
            if q.role:
                roles.setdefault(key, Counter())[q.role] += 1
            if "::" not in key:
                self._per_article.setdefault(q.article_id, Counter())[key] += 1
        self.names = {key: counter.most_common(1)[0][0] for key, counter in names.items()}
        self.roles = {key: counter.most_common(1)[0][0] for key, counter in roles.items()}
        # Words of each speaker's names and roles, for finding them from a question.
        self._name_words = {key: [name_words(n) for n in counter] for key, counter in names.items()}
        self._role_words = {key: [_singular(name_words(r)) for r in counter] for key, counter in roles.items()}
        self._words = {
            key: {w for words in self._name_words[key] + self._role_words.get(key, []) for w in words}
            for key in self._name_words
        }
        self._totals = self._count(self._per_article)
        self._everyone = self._listed(self._totals)
        self._recent: dict[tuple[frozenset[str] | None, str], list[Person]] = {}
        self._lock = threading.Lock()

    def people(self, articles: frozenset[str] | None = None, words: str = "") -> list[Person]:
        """The people quoted in ``articles`` (ids; None: all), most quoted first; ``words``, if given, must
        all be in their name or role. Common phrases ("a spokesman") are left out.

        Summed from each article's counts (or, for most of the collection, the whole's less the articles
        left out), and the last few answers kept: every rerun of a page with the list open asks again."""
        with self._lock:
            found = self._recent.get((articles, words))
        if found is not None:
            return found
        if articles is None:
            chosen = self._everyone
        else:
            quoting = {a for a in articles if a in self._per_article}
            if len(quoting) * 2 > len(self._per_article):  # most of the collection: the whole, less the rest
                quotations, quoted = self._totals
                left = self._count({a: c for a, c in self._per_article.items() if a not in quoting})
                counted = (+(quotations - left[0]), +(quoted - left[1]))
            else:
                counted = self._count({a: self._per_article[a] for a in quoting})
            chosen = self._listed(counted)
        wanted = name_words(words)
        found = [p for p in chosen if self._has_words(p.key, wanted)] if wanted else chosen
        with self._lock:
            if len(self._recent) >= 16:
                self._recent.pop(next(iter(self._recent)))
            self._recent[(articles, words)] = found
        return found

    @staticmethod
    def _count(per_article: dict[str, Counter[str]]) -> tuple[Counter[str], Counter[str]]:
        """Quotations and articles per person, over ``per_article``."""
        quotations: Counter[str] = Counter()
        articles: Counter[str] = Counter()
        for counts in per_article.values():
            quotations.update(counts)
            articles.update(counts.keys())
        return quotations, articles

    def _listed(self, counted: tuple[Counter[str], Counter[str]]) -> list[Person]:
        quotations, articles = counted
        people = [
            Person(key, self.names[key], self.roles.get(key), count, articles[key]) for key, count in quotations.items()
        ]
        return sorted(people, key=lambda p: (-p.count, p.name.casefold()))

    def person(self, key: str, articles: frozenset[str] | None = None) -> Person | None:
        rows = self.rows(key, articles)
        if not rows:
            return None
        quoted = {self.quotations[r].article_id for r in rows}
        return Person(key, self.names[key], self.roles.get(key), len(rows), len(quoted))

    def rows(self, key: str, articles: frozenset[str] | None = None) -> list[int]:
        return [r for r in self._rows.get(key, ()) if articles is None or self.quotations[r].article_id in articles]

    def quotations_of(self, key: str, articles: frozenset[str] | None = None) -> list[Quotation]:
        """Every quotation of speaker ``key`` in ``articles`` (None: all), in the articles' reading order."""
        return [self.quotations[r] for r in self.rows(key, articles)]

    def mentions(self, name: str, articles: frozenset[str] | None = None) -> bool:
        """Whether the articles (all, or ``articles``) name ``name`` anywhere, quoted or not."""
        words = name_words(name)
        if not words:
            return False
        phrase = re.compile(r"(?<![\w])" + r"\W+".join(re.escape(w) for w in words) + r"(?![\w])")
        return any(
            phrase.search(text)
            for article_id, text in self._texts.items()
            if articles is None or article_id in articles
        )

    def in_paragraph(self, article_id: str, paragraph: int) -> list[Quotation]:
        """The quotations of one paragraph, with a speaker or without."""
        return self._paragraphs.get((article_id, paragraph), [])

    def find(self, text: str, articles: frozenset[str] | None = None) -> list[str]:
        """The keys of the speakers a question's phrase names ("Wendy Williams", "Williams", "the Home
        Office", "the commissioners"), quoted in ``articles``: by name first (all of it, a run of its
        words, or each of "X and Y" in a pair), else by role ("the inspector"); [] when none is."""
        wanted = name_words(text)
        if not wanted:
            return []
        parts = [name_words(p) for p in re.split(r"\s+and\s+|\s*&\s*", text) if name_words(p)]
        scores: dict[str, int] = {}
        for key in self._rows:
            if articles is not None and not self.rows(key, articles):
                continue
            score = 0
            for words in self._name_words[key]:
                if words == wanted:
                    score = max(score, 3)
                elif (
                    _run(words, wanted)
                    or (len(words) >= 2 and _run(wanted, words))
                    or len(parts) > 1
                    and _pair(words, parts)
                ):
                    score = max(score, 2)
            if not score and any(_run(role, _singular(wanted)) for role in self._role_words.get(key, ())):
                score = 1
            if score:
                scores[key] = score
        best = max(scores.values(), default=0)
        return [key for key, score in scores.items() if score == best]

    def _has_words(self, key: str, wanted: list[str]) -> bool:
        known = self._words[key]
        return all(w in known or _singular([w])[0] in known for w in wanted)


def _run(words: list[str], part: list[str]) -> bool:
    """Whether ``part`` is a run of consecutive ``words``."""
    n = len(part)
    return n > 0 and any(words[i : i + n] == part for i in range(len(words) - n + 1))


def _pair(words: list[str], parts: list[list[str]]) -> bool:
    """ "Thornton and Baird" names "Sara Thornton and Vera Baird": each part a run of one side."""
    if "and" not in words:
        return False
    at = words.index("and")
    sides = [words[:at], words[at + 1 :]]
    return len(parts) == 2 and all(any(_run(side, part) for side in sides) for part in parts)


def _singular(words: list[str]) -> list[str]:
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


_cache: dict[int, tuple[weakref.ref, Directory]] = {}
_making: dict[int, threading.Lock] = {}  # one per build whose directory is being made
_lock = threading.Lock()


def directory(data: IndexData) -> Directory:
    """The directory of ``data``, made on first use and kept while the build is in use; made once,
    however many threads ask for it meanwhile (the count when a build comes into use, a question)."""
    with _lock:
        found = _cached(data)
        if found is not None:
            return found
        making = _making.setdefault(id(data), threading.Lock())
    with making:
        with _lock:
            found = _cached(data)
        if found is None:
            found = Directory(data)
            with _lock:
                _cache[id(data)] = (weakref.ref(data), found)
                _making.pop(id(data), None)
    return found


def _cached(data: IndexData) -> Directory | None:
    """The directory kept for ``data`` (called under ``_lock``), dropping those of builds gone."""
    found = _cache.get(id(data))
    if found is not None and found[0]() is data:
        return found[1]
    for key in [k for k, (ref, _) in _cache.items() if ref() is None]:
        del _cache[key]
    return None
