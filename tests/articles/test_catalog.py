"""Finding articles in a large collection: words, outlets, dates, pages."""

from __future__ import annotations

import datetime as dt

from citeqa.articles.catalog import UNKNOWN_OUTLET, Filter, date_bounds, date_range, outlets, page, select
from citeqa.records import Article


def article(i: int, title: str, outlet: str | None = None, author: str | None = None, date=None) -> Article:
    return Article(f"a{i}", f"a{i}.txt", title, ("Text.",), str(i), outlet=outlet, author=author, date=date)


COLLECTION = [
    article(1, "Société Générale profits rise", "The Independent", "May Bulman", dt.date(2021, 5, 26)),
    article(2, "Police failings allow trafficking to continue"),
    article(3, "Ferry fares rise", "BBC News", "Ana Ruiz", dt.date(2005, 3, 1)),
    article(4, "Harbour bans cruise ships", "BBC News", None, dt.date(2025, 3, 4)),
]


def test_words_match_title_outlet_or_author_ignoring_case_and_accents():
    assert [a.id for a in select(COLLECTION, Filter(words="societe"))] == ["a1"]
    assert [a.id for a in select(COLLECTION, Filter(words="RISE"))] == ["a1", "a3"]
    assert [a.id for a in select(COLLECTION, Filter(words="bbc ruiz"))] == ["a3"]  # every word, anywhere
    assert select(COLLECTION, Filter(words="bulman ferry")) == []
    assert select(COLLECTION, Filter()) == COLLECTION


def test_outlets_and_dates():
    assert outlets(COLLECTION) == ["BBC News", "The Independent", UNKNOWN_OUTLET]
    assert date_range(COLLECTION) == (dt.date(2005, 3, 1), dt.date(2025, 3, 4))
    assert [a.id for a in select(COLLECTION, Filter(outlets=frozenset({"BBC News"})))] == ["a3", "a4"]
    assert [a.id for a in select(COLLECTION, Filter(outlets=frozenset({UNKNOWN_OUTLET})))] == ["a2"]
    since_2020 = Filter(since=dt.date(2020, 1, 1))
    assert [a.id for a in select(COLLECTION, since_2020)] == ["a1", "a2", "a4"]  # the undated one too
    assert [a.id for a in select(COLLECTION, Filter(since=dt.date(2020, 1, 1), undated=False))] == ["a1", "a4"]
    assert [a.id for a in select(COLLECTION, Filter(until=dt.date(2021, 12, 31), undated=False))] == ["a1", "a3"]


def test_pages_stay_within_range():
    many = [article(i, f"Story {i}") for i in range(45)]
    first = page(many, 1, 20)
    assert (first.number, first.pages, first.total, len(first.articles)) == (1, 3, 45, 20)
    last = page(many, 99, 20)
    assert last.number == 3 and [a.id for a in last.articles] == [f"a{i}" for i in range(40, 45)]
    assert page([], 5, 20) == page([], 1, 20) and page([], 1, 20).pages == 1


def test_a_date_range_may_reach_past_the_collection_and_finds_what_lies_within():
    dates = date_range(COLLECTION)
    assert dates == (dt.date(2005, 3, 1), dt.date(2025, 3, 4))
    today = dt.date(2026, 6, 1)
    assert date_bounds(dates, today=today) == (dt.date(1900, 1, 1), dt.date(2036, 12, 31))
    assert date_bounds((dt.date(1850, 1, 2), dt.date(2090, 1, 1)), today=today) == (
        dt.date(1850, 1, 2),
        dt.date(2090, 1, 1),
    )
    before_first = Filter(since=dt.date(1990, 1, 1), until=dt.date(2006, 1, 1), undated=False)
    assert [a.id for a in select(COLLECTION, before_first)] == ["a3"]
    past_last = Filter(since=dt.date(2025, 1, 1), until=dt.date(2036, 12, 31), undated=False)
    assert [a.id for a in select(COLLECTION, past_last)] == ["a4"]
