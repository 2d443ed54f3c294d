"""Finding articles in a large collection: by words of their text, headline, outlet, author or section
(ranked by relevance, finder.py), by section, outlet and date range; sorted by relevance, date or
headline; a page at a time; with the near-duplicate stories marked (duplicates.py). Used by the app's
collection view, its choice of articles to search, and ``citeqa articles``."""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from citeqa.articles import duplicates as near
from citeqa.articles.finder import SNIPPET_CHARS, Finder, Snippet, Words, fold, query_terms, snippet, words_of
from citeqa.records import Article

log = logging.getLogger(__name__)

__all__ = ["Background", "Catalog", "Filter", "Found", "Page", "SORTS", "fold", "select"]

UNKNOWN_OUTLET = "(no outlet)"  # how articles whose outlet is not known are chosen
UNKNOWN_SECTION = "(no section)"  # ... and those without a section
EARLIEST = dt.date(1900, 1, 1)  # the earliest date a range may start on, unless an article is older
# How found articles are ordered: by relevance (the collection's order when no words are asked for),
# newest or oldest first (undated ones last), or by headline.
SORTS = ("relevance", "newest", "oldest", "headline")


@dataclass(frozen=True)
class Filter:
    """Which articles to show. Empty fields choose everything."""

    words: str = ""  # each word must be in the text, headline, outlet, author or section (stemmed, accents ignored)
    outlets: frozenset[str] = field(default_factory=frozenset)  # UNKNOWN_OUTLET for articles without one
    since: dt.date | None = None
    until: dt.date | None = None
    undated: bool = True  # whether articles without a date pass a date range
    sections: frozenset[str] = field(default_factory=frozenset)  # UNKNOWN_SECTION for articles without one

    @property
    def is_empty(self) -> bool:
        return (
            not self.words.strip()
            and not self.outlets
            and not self.sections
            and self.since is None
            and self.until is None
        )


@dataclass(frozen=True)
class Found:
    """The articles a filter finds, in the order asked for, and what their words were matched by."""

    articles: tuple[Article, ...]
    terms: tuple[str, ...]  # the stemmed terms of the words asked for; empty when none were
    scores: dict[str, float]  # relevance by article id, when words were asked for


@dataclass(frozen=True)
class Page:
    articles: tuple[Article, ...]
    number: int  # 1-based, within 1..pages
    pages: int
    total: int  # articles that pass the filter


class Catalog:
    """A collection's articles made findable by their words, with their near-duplicate stories found.

    Made once per version of the collection; ``previous`` (the catalog of the version before) gives
    the words and sketches of the articles that did not change, so only changed ones are read again.
    """

    def __init__(self, articles: Sequence[Article], previous: Catalog | None = None) -> None:
        self.articles = tuple(articles)
        self.words: list[Words] = words_of(self.articles, previous._words_by_key if previous else None)
        self._words_by_key = {w.key: w for w in self.words}
        self.finder = Finder(self.words)
        self.sketches = near.sketches(self.words, previous._sketches_by_key if previous else None)
        self._sketches_by_key = {s.key: s for s in self.sketches}
        self.duplicates = near.detect(self.articles, self.sketches)

    def find(self, chosen: Filter, sort: str = "relevance") -> Found:
        """The articles that pass ``chosen``, sorted by ``sort`` (one of SORTS)."""
        if sort not in SORTS:
            raise ValueError(f"sort {sort!r} is not one of {', '.join(SORTS)}")
        terms = tuple(query_terms(chosen.words))
        rows = np.arange(len(self.articles))
        scores = None
        if terms:
            scores = self.finder.scores(terms)
            rows = rows[scores[rows] >= 0]
        kept = [self.articles[r] for r in rows if _passes(self.articles[r], chosen)]
        relevance = {self.articles[r].id: float(scores[r]) for r in rows} if scores is not None else {}
        return Found(tuple(_sorted(kept, sort, relevance)), terms, relevance)

    def snippet(self, article: Article, terms: Sequence[str], size: int = SNIPPET_CHARS) -> Snippet | None:
        """Where ``terms`` are in ``article``, on one line of about ``size`` characters (finder.snippet)."""
        return snippet(article, terms, size) if terms else None


class Background:
    """A catalog made on a thread of its own, so that a new version of the collection is answered from
    at once: from ``start`` (a server that wants it ready when asked), or else from the first ``get``,
    which waits for it. ``previous``: the catalog of the version before, whose unchanged articles are
    not read again. The thread is not a daemon: a process ending meanwhile waits for it, rather than
    tearing down libraries it is inside of."""

    def __init__(self, articles: tuple[Article, ...], previous: Background | None) -> None:
        self._articles: tuple[Article, ...] | None = articles
        self._previous = previous
        self._value: Catalog | None = None
        self._error: Exception | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._make, name="citeqa-catalog")
                self._thread.start()

    def get(self) -> Catalog:
        self.start()
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def _make(self) -> None:
        try:
            previous = None
            if self._previous is not None:
                try:
                    previous = self._previous.get()
                except Exception:  # noqa: BLE001 - logged where it happened; this one starts afresh
                    previous = None
            self._value = Catalog(self._articles or (), previous)
        except Exception as exc:  # a bug: logged here with its traceback, raised to whoever asks
            log.exception("could not make the catalog of the collection")
            self._error = exc
        finally:
            self._articles = self._previous = None  # the previous catalog is not kept alive by this one
            self._done.set()


def select(articles: Sequence[Article], chosen: Filter, catalog: Catalog | None = None) -> list[Article]:
    """The articles that pass ``chosen``, in the collection's order (a catalog of them is made if none
    is given)."""
    if chosen.is_empty:
        return list(articles)
    catalog = catalog if catalog is not None and catalog.articles == tuple(articles) else Catalog(articles)
    return list(catalog.find(chosen).articles)


def _passes(article: Article, chosen: Filter) -> bool:
    if chosen.outlets and (article.outlet or UNKNOWN_OUTLET) not in chosen.outlets:
        return False
    if chosen.sections and (article.section or UNKNOWN_SECTION) not in chosen.sections:
        return False
    if chosen.since is not None or chosen.until is not None:
        if article.date is None:
            return chosen.undated
        return not ((chosen.since and article.date < chosen.since) or (chosen.until and article.date > chosen.until))
    return True


def _sorted(articles: list[Article], sort: str, relevance: dict[str, float]) -> list[Article]:
    """``articles`` (in the collection's order) in the order ``sort`` asks for; ties keep that order."""
    if sort == "relevance":
        return sorted(articles, key=lambda a: -relevance[a.id]) if relevance else articles
    if sort == "headline":
        return sorted(articles, key=lambda a: fold(a.title))
    dated = [a for a in articles if a.date is not None]
    dated.sort(key=lambda a: a.date, reverse=sort == "newest")  # stable: ties stay in the collection's order
    return dated + [a for a in articles if a.date is None]


def outlets(articles: Sequence[Article]) -> list[str]:
    """The outlets of the collection, in alphabetical order, with UNKNOWN_OUTLET last if any lack one."""
    named = sorted({a.outlet for a in articles if a.outlet}, key=fold)
    return named + ([UNKNOWN_OUTLET] if any(not a.outlet for a in articles) else [])


def sections(articles: Sequence[Article]) -> list[str]:
    """The sections of the collection, in alphabetical order, with UNKNOWN_SECTION last if any lack one."""
    named = sorted({a.section for a in articles if a.section}, key=fold)
    return named + ([UNKNOWN_SECTION] if named and any(not a.section for a in articles) else [])


def date_range(articles: Sequence[Article]) -> tuple[dt.date, dt.date] | None:
    dates = [a.date for a in articles if a.date]
    return (min(dates), max(dates)) if dates else None


def date_bounds(dates: tuple[dt.date, dt.date], *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a range may be chosen between: from 1900 (or the first article, if older) to ten years
    after ``today`` (or the last article, if later). A range reaching past the collection's own dates
    finds what it holds; the bounds only keep a typing slip (year 20024) from counting as a date."""
    return min(dates[0], EARLIEST), max(dates[1], today.replace(year=today.year + 10, month=12, day=31))


def page(articles: Sequence[Article], number: int, size: int) -> Page:
    """Page ``number`` (1-based; out of range is brought within it) of ``size`` articles."""
    pages = max(1, math.ceil(len(articles) / size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(tuple(articles[start : start + size]), number, pages, len(articles))
