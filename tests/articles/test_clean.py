"""Parsing and cleaning the two shipped articles, and the cleaning rules on their own."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from conftest import CORPUS

from citeqa import ArticleError, Config
from citeqa.articles.clean import MAX_PARAGRAPH_CHARS, bound_paragraph, parse_text, split_paragraphs
from citeqa.articles.corpus import load_corpus, read_article
from citeqa.articles.sentences import split_sentences

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


SENTENCES = [f"Sentence {n} of the long report says the harbour reopens in May after repairs." for n in range(300)]


def test_a_paragraph_over_the_bound_is_cut_at_sentence_ends_into_exact_slices():
    paragraph = " ".join(SENTENCES)  # 23,589 characters in one paragraph
    pieces = bound_paragraph(paragraph)
    assert [len(p) for p in pieces] == [3_967, 3_979, 3_949, 3_949, 3_949, 3_791]  # whole sentences, up to 4,000
    at = 0
    for piece in pieces:  # in order, each a slice of the paragraph, only the spaces at the cuts left out
        found = paragraph.index(piece, at)
        assert paragraph[at:found].strip() == ""
        at = found + len(piece)
        assert piece.startswith("Sentence ") and piece.endswith("repairs.")
    assert at == len(paragraph)
    assert " ".join(pieces) == paragraph
    assert bound_paragraph(SENTENCES[0]) == [SENTENCES[0]]  # a paragraph within the bound is left whole


def test_a_sentence_over_the_bound_is_cut_at_spaces_and_a_run_without_one_is_refused():
    sentence = " ".join(["word"] * 2_500) + "."  # one 12,500-character sentence
    pieces = bound_paragraph(sentence)
    assert " ".join(pieces) == sentence and all(0 < len(p) <= MAX_PARAGRAPH_CHARS for p in pieces)
    mixed = SENTENCES[0] + " " + sentence + " " + SENTENCES[1]
    assert " ".join(bound_paragraph(mixed)) == mixed
    with pytest.raises(ArticleError, match="a run of more than 4,000 characters with no space"):
        bound_paragraph("Harbour " + "a" * 9_000)


def test_a_huge_one_paragraph_text_is_read_in_bounded_paragraphs_or_refused_with_the_reason():
    text = "Harbour report\n\n" + " ".join(SENTENCES) + "\n"
    parsed = parse_text(text)
    assert parsed.title == "Harbour report" and parsed.cut == 1
    assert max(map(len, parsed.paragraphs)) <= MAX_PARAGRAPH_CHARS
    assert " ".join(parsed.paragraphs) == " ".join(SENTENCES)
    limits = Config().limits
    article = read_article("report.txt", text.encode(), limits=limits)
    assert article.paragraphs == parsed.paragraphs
    run_on = "Harbour report\n\n" + " ".join(f"the council said harbour {n} would reopen" for n in range(220_000))
    with pytest.raises(ArticleError, match=r"it has 2,\d{3} paragraphs \(once 1 over 4,000 characters are cut"):
        read_article("run-on.txt", run_on.encode(), limits=limits)


def test_sentence_splitting_is_the_same_for_long_sentences_and_a_run_of_abbreviations_is_linear(monkeypatch):
    import citeqa.articles.sentences as sentences

    rng = random.Random(7)
    pieces = ["Mr", "Mr.", ".", " ", "A", "word", "etc", "U.S", "“", "”", "?", "…", "\u00a0", "x" * 30, "No.", "J."]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(5_000)]
    short = [split_sentences(t) for t in texts]
    monkeypatch.setattr(sentences, "_NEAR", 0)  # every sentence checked by its last word alone
    assert [split_sentences(t) for t in texts] == short
    monkeypatch.undo()
    run = "Mr. A " * 200_000  # one 1.2 MB sentence: its start was sliced again at every "Mr."
    assert split_sentences(run) == ((0, len(run.rstrip())),)
