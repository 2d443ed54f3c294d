"""Answers from the real model over the shipped corpus: quality bars, verbatim quotes, refusals,
several articles, follow-ups and the limits on questions."""

from __future__ import annotations

import pytest
from conftest import CORPUS, DEV_QUESTIONS

from citeqa import QuestionError, Turn
from citeqa.answers.evaluate import evaluate, matches, read_questions
from citeqa.citations.cite import speaking
from citeqa.records import NOT_FOUND

DEV = read_questions(DEV_QUESTIONS)


@pytest.fixture(scope="module")
def dev_answers(engine):
    return {q.q: engine.ask(q.q) for q in DEV}


def test_dev_set_meets_the_bars(engine):
    report = evaluate(DEV, lambda q: engine.ask(q, k=5))
    assert report.recall[3] == 1.0, report.misses
    assert report.refused == report.unanswerable == 2
    assert report.false_refusals == 0


def test_every_quote_is_verbatim_in_paragraph_and_file(dev_answers):
    files = {p.name: p.read_text(encoding="utf-8") for p in CORPUS.iterdir()}
    checked = 0
    for answer in dev_answers.values():
        for citation in answer.citations + answer.closest:
            assert citation.quote
            assert citation.text[citation.quote_start : citation.quote_start + len(citation.quote)] == citation.quote
            assert citation.quote in files[citation.article.path]
            assert citation.text in files[citation.article.path]
            checked += 1
        # The answer text is quotes and markers (a quotation also its speaker before it, the quote in marks):
        # each quoted sentence appears, exactly, in its source.
        for citation in answer.used:
            bare, marked = f"{citation.quote} [{citation.n}]", f"“{citation.quote}” [{citation.n}]"
            assert (marked if citation.speaker and answer.answer.find(marked) >= 0 else bare) in answer.answer
    assert checked >= 5 * 18


def test_answers_are_made_of_cited_quotes(dev_answers):
    for question in DEV:
        answer = dev_answers[question.q]
        if question.gold:
            assert answer.found
            assert answer.used and 1 in answer.quoted  # the best source is quoted
            rebuilt = " ".join(f"{c.quote} [{c.n}]" for c in answer.used)
            # Asked by person: each quote after its speaker, in marks ("Wendy Williams said: “…” [1]").
            attributed = " ".join(f"{speaking(c)} “{c.quote}” [{c.n}]" for c in answer.used)
            assert answer.answer in (rebuilt, attributed)


def test_answer_text_contains_the_answer(dev_answers):
    hits = [matches(q.gold, dev_answers[q.q].answer) for q in DEV if q.gold]
    assert sum(hits) / len(hits) >= 0.9


def test_unanswerable_questions_are_refused_with_closest_passages(dev_answers):
    answer = dev_answers["What is the capital of France?"]
    assert answer.outcome == NOT_FOUND and not answer.found
    assert answer.citations == ()
    assert answer.answer == "Not in these articles: the articles never mention “France”."
    assert answer.reason == "the articles never mention “France”"
    assert len(answer.closest) == 5


def test_a_person_quoted_in_both_articles_is_cited_from_each(engine):
    answer = engine.ask("What did Shaun Sawyer say?")
    used = {c.article.id for c in answer.used}
    assert used == {"modern-slavery-survivors-criminalised", "police-failings-allow-trafficking-to-continue"}


def test_follow_up_is_resolved_against_the_previous_turn(engine):
    first = engine.ask("What did Wendy Williams say about the current system?")
    assert "plays into hands of traffickers" in first.citations[0].text
    follow = engine.ask("What did she say about the shortcomings?", history=[Turn(first.question, first)])
    assert "Wendy Williams" in follow.search_query
    assert follow.found
    # The best passage found is the first quoted for itself (after the sentence it goes on from, cited
    # with score 0: the markers follow the reading order).
    best = next(c for c in follow.used if c.score > 0)
    assert "shortcomings in investigating these cases" in best.quote
    alone = engine.ask("What did she say about the shortcomings?")
    assert alone.search_query == alone.question


def test_filter_by_article(engine):
    answer = engine.ask("What did Shaun Sawyer say?", articles=["police-failings-allow-trafficking-to-continue"])
    assert {c.article.id for c in answer.citations} == {"police-failings-allow-trafficking-to-continue"}
    with pytest.raises(QuestionError, match="unknown article id.*nope.*known ids"):
        engine.ask("What did Shaun Sawyer say?", articles=["nope"])
    with pytest.raises(QuestionError, match="no article selected"):
        engine.ask("What did Shaun Sawyer say?", articles=[])


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x01"])
def test_empty_question_is_rejected(engine, question):
    with pytest.raises(QuestionError, match="the question is empty"):
        engine.ask(question)


@pytest.mark.parametrize(
    "k, message",
    [
        (0, "k=0 must be at least 1: it is the number of sources per answer"),
        (-1, "k=-1 must be at least 1"),
        (46, "k=46 is too many: only 45 passages are indexed; use a k between 1 and 45"),
        (1000, "k=1000 is too many: only 45 passages are indexed"),
        ("3", "k='3' must be a whole number of sources between 1 and 45"),
    ],
)
def test_bad_k_is_rejected_with_what_to_do(engine, k, message):
    with pytest.raises(QuestionError) as caught:
        engine.ask("Who submitted the super-complaint?", k=k)
    assert str(caught.value).startswith(message)


def test_long_question_is_cut_with_a_note(engine):
    question = "How many police forces did the fieldwork cover? " * 2_100  # 100,800 characters
    answer = engine.ask(question)
    assert answer.notes and "cut to its first" in answer.notes[0] and "256 tokens" in answer.notes[0]
    assert len(answer.question) < 2_000
    assert "fieldwork in six police forces" in (answer.citations or answer.closest)[0].text
