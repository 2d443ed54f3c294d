"""Finding articles in a large collection: by words of their title, outlet or author, by outlet and by
date range, a page at a time. Used by the app's collection view and its choice of articles to search."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from citeqa.records import Article

UNKNOWN_OUTLET = "(no outlet)"  # how articles whose outlet is not known are chosen
EARLIEST = dt.date(1900, 1, 1)  # the earliest date a range may start on, unless an article is older


@dataclass(frozen=True)
class Filter:
    """Which articles to show. Empty fields choose everything."""

    words: str = ""  # each word must appear in the title, outlet or author (case and accents ignored)
    outlets: frozenset[str] = field(default_factory=frozenset)  # UNKNOWN_OUTLET for articles without one
    since: dt.date | None = None
    until: dt.date | None = None
    undated: bool = True  # whether articles without a date pass a date range

    @property
    def is_empty(self) -> bool:
        return not self.words.strip() and not self.outlets and self.since is None and self.until is None


@dataclass(frozen=True)
class Page:
    articles: tuple[Article, ...]
    number: int  # 1-based, within 1..pages
    pages: int
    total: int  # articles that pass the filter


def fold(text: str) -> str:
    """Lower case without accents, for matching: "Société" finds "societe"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def outlets(articles: Sequence[Article]) -> list[str]:
    """The outlets of the collection, in alphabetical order, with UNKNOWN_OUTLET last if any lack one."""
    named = sorted({a.outlet for a in articles if a.outlet}, key=fold)
    return named + ([UNKNOWN_OUTLET] if any(not a.outlet for a in articles) else [])


def date_range(articles: Sequence[Article]) -> tuple[dt.date, dt.date] | None:
    dates = [a.date for a in articles if a.date]
    return (min(dates), max(dates)) if dates else None


def date_bounds(dates: tuple[dt.date, dt.date], *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The dates a range may be chosen between: from 1900 (or the first article, if older) to ten years
    after ``today`` (or the last article, if later). A range reaching past the collection's own dates
    finds what it holds; the bounds only keep a typing slip (year 20024) from counting as a date."""
    return min(dates[0], EARLIEST), max(dates[1], today.replace(year=today.year + 10, month=12, day=31))


def select(articles: Sequence[Article], chosen: Filter) -> list[Article]:
    """The articles that pass ``chosen``, in the collection's order."""
    if chosen.is_empty:
        return list(articles)
    words = fold(chosen.words).split()
    return [a for a in articles if _passes(a, chosen, words)]


def _passes(article: Article, chosen: Filter, words: list[str]) -> bool:
    if chosen.outlets and (article.outlet or UNKNOWN_OUTLET) not in chosen.outlets:
        return False
    if chosen.since is not None or chosen.until is not None:
        if article.date is None:
            if not chosen.undated:
                return False
        elif (chosen.since and article.date < chosen.since) or (chosen.until and article.date > chosen.until):
            return False
    if words:
        haystack = fold(" ".join(filter(None, (article.title, article.outlet, article.author))))
        return all(word in haystack for word in words)
    return True


def page(articles: Sequence[Article], number: int, size: int) -> Page:
    """Page ``number`` (1-based; out of range is brought within it) of ``size`` articles."""
    pages = max(1, math.ceil(len(articles) / size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(tuple(articles[start : start + size]), number, pages, len(articles))
