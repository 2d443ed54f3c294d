"""Which passages answer, and which quotes make up an answer (no model needed)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from citeqa import Passage
from citeqa.answers.compose import Composition, _picked, compose
from citeqa.answers.evidence import Evidence
from citeqa.answers.judge import Verdict, judge
from citeqa.answers.query import analyse
from citeqa.answers.quotes import balance, unmatched
from citeqa.articles.sentences import split_sentences
from citeqa.records import ANSWERED, CLOSEST, NOT_FOUND, Article, Hit


def hit(article: str, score: float, sentence: float = 0.5, number: int = 1, text: str = "A sentence.") -> Hit:
    passage = Passage(
        id=f"{article}#p{number}", article_id=article, number=number, text=text, sentences=split_sentences(text)
    )
    scores = (sentence,) * len(passage.sentences)
    return Hit(passage=passage, score=score, dense=score, lexical=0.0, sentence_scores=scores)


def test_close_seconds_join_and_another_article_is_cited_within_the_limit():
    hits = [hit("a", 1.0), hit("a", 0.95), hit("a", 0.93), hit("a", 0.92), hit("b", 0.85), hit("b", 0.84)]
    assert _picked(hits, Composition()) == [0, 4, 1]  # the best, b's best, then the closest second


def test_a_distant_second_stays_out():
    hits = [hit("a", 1.0), hit("a", 0.7), hit("b", 0.6)]
    assert _picked(hits, Composition()) == [0]


@pytest.mark.parametrize(
    "text, first, last, quote",
    [
        # A quotation left open in its sentence is followed to where it closes.
        ("He said: “We accept it. We will act.” Then he left.", 0, 0, "He said: “We accept it. We will act.”"),
        # One never closed in the paragraph (it goes on in the next): the quote starts inside it.
        (
            "She said: “Whilst cases are complex, many reflect basic failings.",
            0,
            0,
            "Whilst cases are complex, many reflect basic failings.",
        ),
        # One closed but opened in an earlier sentence is traced back to where it opened.
        ("“It is serious. It will go on,” she said. Others agreed.", 1, 1, "“It is serious. It will go on,” she said."),
        # A stray close with no open anywhere: the quote starts after it.
        ("They were entitled to” and no more. It ended.", 0, 0, "and no more."),
        # Balanced already: unchanged.
        ("Police said “more needs to be done”. Later, more.", 0, 0, "Police said “more needs to be done”."),
    ],
)
def test_quotes_never_leave_a_quotation_open_or_close_one_they_did_not_open(text, first, last, quote):
    start, end = balance(text, split_sentences(text), first, last)
    assert text[start:end] == quote
    assert unmatched(quote) == ([], [])


ARTICLE = Article(
    id="report",
    path="report.txt",
    title="Police failings allow trafficking to continue",
    paragraphs=(
        "Inspectors found that cases were shelved too early across the country.",
        "As a result of the shortcomings, those suffering were not always recognised as victims.",
        "Instead they remained in the hands of those exploiting them, the report said.",
        "The Home Office is investing £8.5 million to help police tackle modern slavery.",
    ),
    sha256="0" * 64,
    outlet="Example News",
    date=dt.date(2017, 10, 24),
)


class Data:
    """The little of an index that ``Evidence`` reads."""

    def __init__(self, articles):
        from citeqa.articles.keywords import terms
        from citeqa.index.base import Terms

        self.articles = articles
        paragraphs = [set(terms(p)) for a in articles for p in a.paragraphs]
        vocabulary = set().union(*paragraphs)
        self.terms = Terms(len(paragraphs), {t: sum(t in p for p in paragraphs) for t in vocabulary})


def paragraph_hit(number: int, score: float = 1.0, sentence: float = 0.6) -> Hit:
    text = ARTICLE.paragraphs[number - 1]
    passage = Passage(f"report#p{number}", "report", number, text, split_sentences(text))
    return Hit(passage, score, score, 0.5, (sentence,) * len(passage.sentences))


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return Evidence(Data([ARTICLE]), {"report": ARTICLE})


def test_a_focus_the_articles_never_mention_is_not_an_answer(evidence):
    verdict = judge(analyse("What did the Metropolitan Police say about the report?"), [paragraph_hit(1)], evidence)
    assert verdict.outcome == CLOSEST and verdict.reason == "the articles never mention “Metropolitan Police”"
    far = judge(analyse("What did the Metropolitan Police say?"), [paragraph_hit(1, sentence=0.3)], evidence)
    assert far.outcome == NOT_FOUND


def test_a_number_asked_for_must_be_there(evidence):
    verdict = judge(analyse("How many cases were shelved too early?"), [paragraph_hit(1)], evidence)
    assert verdict.outcome == CLOSEST and verdict.reason == "no passage found gives a number in reply"
    assert judge(analyse("How much is the Home Office investing?"), [paragraph_hit(4)], evidence).outcome == ANSWERED


def test_the_next_passage_that_passes_answers(evidence):
    hits = [paragraph_hit(1, 1.0), paragraph_hit(4, 0.95)]
    verdict = judge(analyse("How much is being invested to tackle modern slavery?"), hits, evidence)
    assert verdict.outcome == ANSWERED and verdict.hit is hits[1]


def test_accents_case_and_a_slip_of_spelling_still_count_as_mentioned(evidence):
    for question in ("What did the HOME OFFICE invest?", "What did the Hóme Offise invest?"):
        assert judge(analyse(question), [paragraph_hit(4)], evidence).outcome == ANSWERED, question


def test_metadata_counts_as_mentioned(evidence):
    verdict = judge(
        analyse("What did Example News report in 2017 about cases being shelved?"), [paragraph_hit(1)], evidence
    )
    assert verdict.outcome == ANSWERED


def test_nothing_close_is_not_found(evidence):
    verdict = judge(analyse("What is the boiling point of water?"), [paragraph_hit(1, sentence=0.05)], evidence)
    assert verdict.outcome == NOT_FOUND and "comes close" in verdict.reason


def test_a_continuation_is_quoted_after_the_sentence_it_continues(evidence):
    hits = [paragraph_hit(3), paragraph_hit(1, 0.5)]
    query = analyse("Where did victims end up when they were not recognised?")
    answer = compose(query, hits, Verdict(ANSWERED, "", (hits[0],)), {"report": ARTICLE}, k=2)
    # Numbered in reading order, then the rest; listed by relevance: the passage that answers first.
    assert [c.paragraph for c in sorted(answer.citations, key=lambda c: c.n)] == [2, 3, 1]
    assert [c.paragraph for c in answer.citations] == [3, 2, 1]
    assert answer.answer.startswith("As a result of the shortcomings") and "[1] Instead they remained" in answer.answer
    assert answer.quoted == (1, 2)


SERIES = Article(
    id="series",
    path="series.txt",
    title="Ferry services cut",
    paragraphs=(
        "The ferry company cut its winter timetable to two sailings a day.",
        "Instead the island relies on a single boat, the council said.",
        "The harbour master said repairs would take until March.",
        "But the boat will not sail in storms, islanders were told.",
        "Shops on the island reported empty shelves by Friday.",
        "However, the company said deliveries would resume next week.",
    ),
    sha256="1" * 64,
)


def series_hit(number: int, score: float) -> Hit:
    text = SERIES.paragraphs[number - 1]
    passage = Passage(f"series#p{number}", "series", number, text, split_sentences(text))
    return Hit(passage, score, score, 0.5, (0.6,) * len(passage.sentences))


def markers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def test_sentences_continuations_go_on_from_count_within_the_cap_and_markers_read_in_order():
    # Three close passages, two of them going on from the paragraph before: with their lead-ins they
    # would make five quotes; the answer keeps to three, the passage that answers and its lead-in first.
    hits = [series_hit(2, 1.0), series_hit(4, 0.97), series_hit(5, 0.96), series_hit(6, 0.5)]
    query = analyse("What happened to the island ferry?")
    answer = compose(query, hits, Verdict(ANSWERED, "", tuple(hits)), {"series": SERIES}, k=4)
    assert len(answer.used) == Composition().sentences == 3
    assert markers(answer.answer) == [1, 2, 3]  # reading order
    assert answer.quoted == (1, 2, 3)
    assert sorted(c.n for c in answer.citations) == list(range(1, len(answer.citations) + 1))
    assert answer.citations[0].paragraph == 2  # listed by relevance: the passage that answers first
    # The lead-in, the passage that answers, then the next that fits (paragraph 4 and its lead-in would not).
    assert [c.paragraph for c in answer.used] == [1, 2, 5]
    assert answer.answer.startswith("The ferry company cut its winter timetable to two sailings a day. [1] Instead")
    # The passages that did not fit are still listed, after the quoted ones, in the order found.
    assert [c.paragraph for c in answer.citations if c not in answer.used] == [4, 6]


def test_a_smaller_cap_holds_too_but_the_answering_passage_keeps_the_sentence_it_continues():
    hits = [series_hit(2, 1.0), series_hit(4, 0.97), series_hit(5, 0.96)]
    verdict = Verdict(ANSWERED, "", tuple(hits))
    query = analyse("What happened?")
    two = compose(query, hits, verdict, {"series": SERIES}, k=3, how=Composition(sentences=2))
    assert [c.paragraph for c in two.used] == [1, 2] and markers(two.answer) == [1, 2]
    one = compose(query, hits, verdict, {"series": SERIES}, k=3, how=Composition(sentences=1))
    assert [c.paragraph for c in one.used] == [1, 2]


def test_a_refusal_lists_the_nearest_passages_and_says_why(evidence):
    hits = [paragraph_hit(1)]
    answer = compose(
        analyse("q?"), hits, Verdict(CLOSEST, "the passages found give no number"), {"report": ARTICLE}, k=1
    )
    assert answer.outcome == CLOSEST and not answer.found and answer.citations == ()
    assert answer.answer == "These passages may not answer it: the passages found give no number."
    assert [c.paragraph for c in answer.closest] == [1]
