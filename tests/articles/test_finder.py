"""Finding articles by the words of their text: every word, stemmed, ranked, shown in a snippet; sorts and sections."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from citeqa.articles.catalog import UNKNOWN_SECTION, Catalog, Filter, page, sections
from citeqa.articles.finder import fold, snippet, words_of
from citeqa.records import Article


def article(i, title, paragraphs, *, date=None, section=None, outlet=None, author=None) -> Article:
    return Article(f"a{i}", f"a{i}.txt", title, tuple(paragraphs), f"sha{i}", outlet, author, date, section=section)


COLLECTION = [
    article(
        1,
        "Dollar gains on speech",
        [
            "The dollar rose against the euro on Friday.",
            "Federal Reserve chairman Alan Greenspan said the deficit was not a worry for now.",
        ],
        date=dt.date(2005, 1, 7),
        section="business",
    ),
    article(
        2,
        "Oil prices rise again",
        ["Crude oil rose to $50 a barrel.", "Traders said cold weather had raised the price of heating oil."],
        date=dt.date(2005, 1, 12),
        section="business",
    ),
    article(
        3,
        "Cup final goes to penalties",
        ["The match ended 1-1 after extra time.", "Fans said the heat was unbearable."],
        section="sport",
    ),
    article(
        4,
        "Société Générale profits",
        [
            "The bank's profits rose by a fifth.",
            "Its chairman did not mention Greenspan at all; oil was not mentioned.",
        ],
        date=dt.date(2004, 11, 2),
    ),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(COLLECTION)


def ids(found) -> list[str]:
    return [a.id for a in found.articles]


def test_words_of_the_body_find_articles_the_headlines_do_not_name(catalog):
    assert set(ids(catalog.find(Filter(words="Greenspan")))) == {"a1", "a4"}  # neither headline names him
    assert set(ids(catalog.find(Filter(words="oil")))) == {"a2", "a4"}
    # Every word must be there, anywhere; stems match ("prices" finds "price"), accents are ignored.
    assert ids(catalog.find(Filter(words="heating prices"))) == ["a2"]
    assert ids(catalog.find(Filter(words="societe"))) == ["a4"]
    assert ids(catalog.find(Filter(words="Greenspan penalties"))) == []
    assert ids(catalog.find(Filter(words="zeppelin"))) == []
    assert ids(catalog.find(Filter(words="sport"))) == ["a3"]  # the section is searched too


def test_relevance_ranks_the_article_that_uses_the_words_most_first(catalog):
    found = catalog.find(Filter(words="oil"))
    assert ids(found) == ["a2", "a4"]  # "oil" three times in a short story, against once in another
    assert found.scores["a2"] > found.scores["a4"] > 0
    assert found.terms == ("oil",)


def test_sorts_by_date_either_way_with_the_undated_last_and_by_headline(catalog):
    everything = Filter()
    assert ids(catalog.find(everything, "relevance")) == ["a1", "a2", "a3", "a4"]  # no words: the collection's order
    assert ids(catalog.find(everything, "newest")) == ["a2", "a1", "a4", "a3"]
    assert ids(catalog.find(everything, "oldest")) == ["a4", "a1", "a2", "a3"]
    assert ids(catalog.find(everything, "headline")) == ["a3", "a1", "a2", "a4"]
    assert ids(catalog.find(Filter(words="rose"), "oldest")) == ["a4", "a1", "a2"]
    with pytest.raises(ValueError, match="sort 'size' is not one of relevance, newest, oldest, headline"):
        catalog.find(everything, "size")


def test_sections_filter_and_list(catalog):
    assert sections(COLLECTION) == ["business", "sport", UNKNOWN_SECTION]
    assert ids(catalog.find(Filter(sections=frozenset({"business"})))) == ["a1", "a2"]
    assert ids(catalog.find(Filter(sections=frozenset({UNKNOWN_SECTION})))) == ["a4"]
    assert ids(catalog.find(Filter(words="rose", sections=frozenset({"business"})), "newest")) == ["a2", "a1"]
    assert sections([a for a in COLLECTION if a.section is None]) == []  # no sections at all: nothing to choose


def test_snippet_shows_the_words_where_they_are_on_one_line():
    long = article(
        9,
        "A long report",
        [
            "Nothing here.",
            "Analysts " + "said a great many things about the economy, " * 8 + "and then Greenspan spoke about oil "
            "and the dollar " + "for a long time " * 10 + "until evening.",
        ],
    )
    found = snippet(long, ["greenspan", "oil"], size=120)
    assert found is not None and "\n" not in found.text
    assert found.text.startswith("…") and found.text.endswith("…") and len(found.text) <= 122
    assert [found.text[a:b] for a, b in found.marks] == ["Greenspan", "oil"]
    assert found.text[1:-1] in long.paragraphs[1]  # an exact slice of the paragraph between the marks of a cut
    # The paragraph that shows most of the words wins; the headline only when no paragraph has them.
    assert snippet(COLLECTION[0], ["dollar"]).text == COLLECTION[0].paragraphs[0]
    assert snippet(COLLECTION[0], ["gain"]).text == "Dollar gains on speech"
    shown = snippet(COLLECTION[1], ["heat", "oil"])
    assert shown.text == COLLECTION[1].paragraphs[1]
    assert [shown.text[a:b] for a, b in shown.marks] == ["heating", "oil"]
    assert snippet(COLLECTION[2], ["greenspan"]) is None


def test_a_changed_article_alone_is_read_again():
    first = Catalog(COLLECTION)
    changed = replace(
        article(2, "Oil prices fall", ["Crude oil fell to $40 a barrel."], section="business"), sha256="changed"
    )
    second = Catalog([COLLECTION[0], changed, *COLLECTION[2:]], previous=first)
    assert second.words[0] is first.words[0] and second.words[1] is not first.words[1]
    assert second.sketches[3] is first.sketches[3]
    assert [a.id for a in second.find(Filter(words="fell")).articles] == ["a2"]
    assert words_of([changed])[0].body == second.words[1].body


def test_fold_and_pages():
    assert fold("Société ÉCOLE Straße") == "societe ecole strasse"
    assert fold("plain ASCII") == "plain ascii"
    assert page(COLLECTION, 2, 3).articles == (COLLECTION[3],)
