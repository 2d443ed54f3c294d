"""What the checks look at, for one index: the articles' words, and what surrounds each passage.

- Names, figures and quoted phrases are looked for around a passage: the paragraph, the two before it
  and the one after, the article's opening paragraph, its headline, subtitle, standfirst and byline (a
  story names its subject once, then says "he").
- Years, months and periods are looked for more narrowly: in the paragraph, the paragraphs beside it,
  the headline and the article's date. A figure belongs to the time its own sentences give.
"""

from __future__ import annotations

import contextlib
import math
from collections import OrderedDict

from citeqa.answers import times
from citeqa.answers.lexicon import Lexicon, acronyms, article_text, words
from citeqa.answers.query import Query
from citeqa.articles import keywords
from citeqa.index.base import IndexData
from citeqa.records import Article

Around = tuple[frozenset[str], frozenset[str], frozenset[str]]  # folded words, acronyms, stemmed terms


class Evidence:
    """The articles' words, and those around a passage; shared by every question on one index.

    What surrounds a passage is worked out once each and remembered (the most recent few thousand).
    """

    _CACHE = 4096

    def __init__(self, data: IndexData, articles: dict[str, Article], previous: Evidence | None = None) -> None:
        """``previous``: the evidence of the index this one replaces, whose unchanged articles are reused."""
        self.articles = articles
        self.lexicon = Lexicon.of(data.articles, previous.lexicon if previous is not None else None)
        documents = max(data.terms.documents, 1)
        self._idf = {term: _idf(documents, count) for term, count in data.terms.frequency.items()}
        self._unknown_idf = _idf(documents, 0)
        self._around: OrderedDict[tuple[str, int], Around] = OrderedDict()
        self._times: OrderedDict[tuple[str, int], times.Times] = OrderedDict()
        self._article_times: OrderedDict[str, times.Times] = OrderedDict()
        self._bylines: dict[str, list[str]] | None = None

    def idf(self, term: str) -> float:
        return self._idf.get(term, self._unknown_idf)

    def around(self, article_id: str, number: int) -> Around:
        """Folded words, acronyms and stemmed terms around passage ``number`` of an article."""
        key = (article_id, number)
        found = _get(self._around, key)
        if found is None:
            article = self.articles[article_id]
            numbers = {1, *range(max(1, number - 2), min(len(article.paragraphs), number + 1) + 1)}
            text = article_text(article) + "\n" + "\n".join(article.paragraphs[i - 1] for i in sorted(numbers))
            found = (frozenset(words(text)), frozenset(acronyms(text)), frozenset(keywords.terms(text)))
            _put(self._around, key, found, self._CACHE)
        return found

    def times(self, article_id: str, number: int) -> times.Times:
        """The years, months and periods passage ``number`` is about: those its paragraph, the paragraphs
        beside it and the headline name, and its article's date."""
        key = (article_id, number)
        found = _get(self._times, key)
        if found is None:
            article = self.articles[article_id]
            order = article.numbers()
            at = order.index(number) if number in order else 0
            texts = [article.title, *(article.text(n) or "" for n in order[max(0, at - 1) : at + 2])]
            found = times.in_text("\n".join(texts), article.date) | times.of_date(article.date)
            _put(self._times, key, found, self._CACHE)
        return found

    def article_times(self, article_id: str) -> times.Times:
        """The years, months and periods an article names anywhere, and its date's."""
        found = _get(self._article_times, article_id)
        if found is None:
            article = self.articles[article_id]
            text = "\n".join([article_text(article), *article.paragraphs])
            found = times.in_text(text, article.date) | times.of_date(article.date)
            _put(self._article_times, article_id, found, self._CACHE)
        return found

    def named_articles(self, query: Query) -> set[str]:
        """The articles whose outlet or author the question names ("What did May Bulman report ...")."""
        if self._bylines is None:
            bylines: dict[str, list[str]] = {}
            for article in self.articles.values():
                for person in (article.outlet, article.author):
                    for word in set(words(person or "")):
                        bylines.setdefault(word, []).append(article.id)
            self._bylines = bylines
        found: set[str] = set()
        for name in query.focus:
            name_words = words(name)
            candidates = set(self._bylines.get(name_words[-1], ())) if name_words else set()
            for article_id in candidates:
                article = self.articles[article_id]
                for person in (article.outlet, article.author):
                    if person and _names(name, person):
                        found.add(article_id)
        return found

    def coverage(self, query: Query, article_id: str, number: int) -> tuple[float, list[str]]:
        """Share of the question's weight found around a passage, and the question's terms that are not."""
        if not query.terms:
            return 1.0, []
        _, _, terms = self.around(article_id, number)
        weights = {t: self.idf(t) for t in query.terms}
        missing = [t for t in weights if t not in terms]
        total = sum(weights.values())
        return (1.0 - sum(weights[t] for t in missing) / total if total else 1.0), missing


def _names(name: str, person: str) -> bool:
    """Whether ``name`` from a question names ``person`` (an author or outlet): all of it ("The
    Independent"), or the surname ("Bulman")."""
    asked = [w for w in words(name) if w != "the"]
    full = [w for w in words(person) if w != "the"]
    return bool(asked) and (asked == full or (len(asked) == 1 and asked[0] == full[-1]))


def _get(cache: OrderedDict, key: object):
    found = cache.get(key)
    if found is not None:
        with contextlib.suppress(KeyError):  # dropped meanwhile by another question: still a right answer
            cache.move_to_end(key)
    return found


def _put(cache: OrderedDict, key: object, value: object, limit: int) -> None:
    cache[key] = value
    if len(cache) > limit:
        cache.popitem(last=False)


def _idf(documents: int, frequency: int) -> float:
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))
