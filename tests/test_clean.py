"""Parsing and cleaning the two shipped articles, and the cleaning rules on their own."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CORPUS

from citeqa import Config
from citeqa.clean import parse_text, split_paragraphs
from citeqa.corpus import load_corpus
from citeqa.sentences import split_sentences

INDEPENDENT = "modern-slavery-survivors-criminalised.txt"
WIRE = "police-failings-allow-trafficking-to-continue.txt"


@pytest.fixture(scope="module")
def shipped():
    corpus = load_corpus(CORPUS, limits=Config().limits)
    assert not corpus.problems
    return {a.path: a for a in corpus.articles}


def test_independent_article_metadata(shipped):
    article = shipped[INDEPENDENT]
    assert (
        article.title
        == "Modern slavery survivors criminalised rather than recognised as victims, police watchdogs find"
    )
    assert article.subtitle == "Victims ‘going unprotected as they fear prosecution’, inspectorate warns"
    assert article.author == "May Bulman"
    assert article.date == dt.date(2021, 5, 26)
    assert article.outlet == "The Independent"
    assert article.standfirst.startswith("Report by HMICFRS, the College of Policing and the IOPC warns")
    assert "<p>" not in article.standfirst


def test_wire_report_stays_undated_and_unattributed(shipped):
    article = shipped[WIRE]
    assert article.title == "Police failings allow human trafficking and slavery to continue, says watchdog"
    assert (article.author, article.date, article.outlet, article.subtitle) == (None, None, None, None)


@pytest.mark.parametrize(
    "name, count, first, last",
    [
        (INDEPENDENT, 23, "Modern slavery victims are being criminalised", "A Home Office spokesperson said:"),
        (WIRE, 20, "Slave drivers and human traffickers", "A Home Office spokesman said the Government"),
    ],
)
def test_body_paragraphs_are_intact_and_boilerplate_gone(shipped, name, count, first, last):
    article = shipped[name]
    raw = (CORPUS / name).read_text(encoding="utf-8")
    assert len(article.paragraphs) == count
    assert article.paragraphs[0].startswith(first)
    assert article.paragraphs[-1].startswith(last)
    raw_lines = set(raw.splitlines())
    for paragraph in article.paragraphs:
        assert paragraph in raw_lines, "a body paragraph must be a line of the file, unchanged"
    body = "\n".join(article.paragraphs)
    for junk in (
        "Advertisement",
        "commenting forum",
        "Thank you for registering",
        "refresh the page",
        "thought-provoking",
        "May Bulman",
        "08:56 BST",
        "<p>",
        article.title,
    ):
        assert junk not in body


def test_curly_quotes_dashes_and_typos_are_kept(shipped):
    body = "\n".join(shipped[INDEPENDENT].paragraphs)
    assert "Her Majesty’s Inspectorate" in body
    assert "– known as Section 45 -" in body
    assert "“It is a serious situation As long as police" in body  # the source's missing full stop
    assert "there is more do and welcome" in body  # the source's missing word


def test_hard_wrapped_lines_join_but_sentence_lines_split():
    assert split_paragraphs("A hard-wrapped line of text that goes on and on and on without\nending here.\n") == [
        "A hard-wrapped line of text that goes on and on and on without ending here."
    ]
    assert split_paragraphs("First sentence ends here.\nSecond line is its own paragraph.") == [
        "First sentence ends here.",
        "Second line is its own paragraph.",
    ]


def test_tags_other_than_formatting_are_text():
    parsed = parse_text("Headline here\n\nHe wrote <script>alert(1)</script> in the <p>comment box</p>.\n")
    assert parsed.paragraphs == ("He wrote <script>alert(1)</script> in the comment box.",)


def test_boilerplate_needs_the_whole_paragraph():
    text = "Headline\n\nShe said readers should sign up to vote before Friday, the council said.\n\nSign up\n"
    assert parse_text(text).paragraphs == ("She said readers should sign up to vote before Friday, the council said.",)


def test_byline_with_by_prefix_and_no_date():
    parsed = parse_text("A headline\n\nBy Jane Smith\n\nThe council met on Monday and voted to close the pier.")
    assert parsed.author == "Jane Smith"
    assert parsed.date is None


def test_dates_in_the_body_are_not_taken_as_the_article_date():
    parsed = parse_text("Headline\n\nOn 3 June 2019 the police raided a car wash in the town centre.")
    assert parsed.date is None


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("One. Two.", ["One.", "Two."]),
        ("She said: “It works.” Then she left.", ["She said: “It works.”", "Then she left."]),
        ("Mr. Smith and Dr. Jones met J. Brown. It rained.", ["Mr. Smith and Dr. Jones met J. Brown.", "It rained."]),
        ("It cost £8.5 million. In 2019, 32 percent failed.", ["It cost £8.5 million.", "In 2019, 32 percent failed."]),
        ("No end", ["No end"]),
    ],
)
def test_sentences_are_exact_slices(text, sentences):
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == sentences


@pytest.mark.parametrize(
    "headline",
    ["Can Yahoo dominate next decade?", "'My memories of Marley...'", "Rivals of the £400 Apple...", "Goal!"],
)
def test_a_headline_may_end_in_a_question_mark_an_ellipsis_or_a_bang(headline):
    parsed = parse_text(f"{headline}\n\nThe first paragraph of the story says what happened.\n\nA second one.\n")
    assert parsed.title == headline
    assert parsed.paragraphs[0] == "The first paragraph of the story says what happened."


def test_without_a_byline_the_short_lines_after_the_headline_are_citable_body():
    report = parse_text("Rovers 1-0 United\n\nEwood Park\n\nA late goal settled a tense derby.\n")
    assert report.title == "Rovers 1-0 United" and report.subtitle is None
    assert report.paragraphs == ("Ewood Park", "A late goal settled a tense derby.")
    lede = "Net users are getting the chance to fight back against spam websites"  # no full stop
    story = parse_text(f"Users strike back at spam\n\n{lede}\n\nA screensaver does it for them.\n")
    assert story.paragraphs[0] == lede and story.subtitle is None


def test_a_page_of_short_lines_alone_has_no_article_text():
    assert parse_text("Home\n\nNews\n\nSport\n", find_title=False).paragraphs == ()
