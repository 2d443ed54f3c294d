"""Near-duplicate stories: an edited copy is found, a story on the same subject is not; groups and "also in"."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from stories import COPY, FOLLOW_UP, STORY

from citeqa.articles import duplicates
from citeqa.articles.catalog import Catalog
from citeqa.records import Article


def story(i: int, title: str, paragraphs, date=None) -> Article:
    return Article(f"s{i}", f"s{i}.txt", title, tuple(paragraphs), f"sha{i}", date=date)


ARTICLES = [
    story(1, "Harbour bans cruise ships", STORY, date=dt.date(2025, 3, 4)),
    story(2, "Cruise ships shown the door", FOLLOW_UP, date=dt.date(2025, 3, 7)),
    story(3, "Old port closes to cruise ships", COPY, date=dt.date(2025, 3, 3)),
    story(4, "Unrelated", ("A short note on the weather, which was fine all week long in the town.",)),
]


@pytest.fixture(params=["every pair", "MinHash LSH"])
def proposer(request, monkeypatch):
    """Both ways pairs are proposed: every pair (a small collection), and LSH (a large one)."""
    if request.param == "MinHash LSH":
        monkeypatch.setattr(duplicates, "EVERY_PAIR", 0)
    return request.param


def test_an_edited_copy_is_one_story_and_a_follow_up_is_not(proposer):
    catalog = Catalog(ARTICLES)
    assert all((s.minhash is not None) == (proposer == "MinHash LSH") for s in catalog.sketches)
    found = catalog.duplicates
    assert [(p.first, p.second) for p in found.pairs] == [("s1", "s3")]
    pair = found.pairs[0]
    assert pair.jaccard >= duplicates.SAME_STORY and pair.contained > 0.9
    # The earliest dated is the story; the other repeats it. Both stay in the collection.
    assert found.groups == {"s1": ("s3", "s1"), "s3": ("s3", "s1")}
    assert found.original("s1") == "s3" and found.original("s3") is None and found.original("s2") is None
    assert found.others("s3") == ("s1",) and found.others("s2") == ()


def test_a_short_version_inside_a_long_one_is_the_same_story(proposer):
    long = story(5, "Cruise ban: the full story", (*STORY, *FOLLOW_UP[:2], "More on this later."))
    short = story(6, "Cruise ban", STORY[:4])
    found = Catalog([long, short, ARTICLES[3]]).duplicates
    assert [(p.first, p.second) for p in found.pairs] == [("s5", "s6")]
    assert found.pairs[0].jaccard < duplicates.SAME_STORY <= duplicates.CONTAINED <= found.pairs[0].contained


def test_also_in_names_the_copies_that_hold_the_same_paragraph():
    catalog = Catalog(ARTICLES)
    by_id = {a.id: a for a in ARTICLES}
    found = catalog.duplicates
    # A paragraph of the original, split in two in the copy: still the same paragraph.
    assert found.also_in("s1", STORY[0], by_id) == ("Old port closes to cruise ships",)
    assert found.also_in("s1", STORY[3], by_id) == ("Old port closes to cruise ships",)  # one word spelled otherwise
    assert found.also_in("s3", COPY[-1], by_id) == ()  # a comment only the copy has
    assert found.also_in("s2", FOLLOW_UP[2], by_id) == ()  # in the original too, but no copy of it
    assert duplicates.same_passage(COPY[0], STORY[0]) and not duplicates.same_passage(FOLLOW_UP[0], STORY[0])


def test_a_changed_article_is_sketched_again_and_its_pair_follows(proposer):
    first = Catalog(ARTICLES)
    rewritten = replace(ARTICLES[2], paragraphs=("A different story altogether, about trams and buses.",), sha256="new")
    second = Catalog([*ARTICLES[:2], rewritten, ARTICLES[3]], previous=first)
    assert second.sketches[0] is first.sketches[0] and second.sketches[2] is not first.sketches[2]
    assert second.duplicates.pairs == () and second.duplicates.groups == {}
    assert duplicates.detect(ARTICLES[:1], first.sketches[:1]) == duplicates.Duplicates()


def test_sketches_made_without_minhash_gain_it_when_the_collection_grows(monkeypatch):
    small = Catalog(ARTICLES)
    assert all(s.minhash is None for s in small.sketches)
    monkeypatch.setattr(duplicates, "EVERY_PAIR", 2)
    grown = Catalog(ARTICLES, previous=small)
    assert all(s.minhash is not None for s in grown.sketches)
    assert [(p.first, p.second) for p in grown.duplicates.pairs] == [("s1", "s3")]
