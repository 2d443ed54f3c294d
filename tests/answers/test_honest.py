"""Honest answers with the real model on the shipped articles: the three outcomes, metadata,
continuations, follow-ups and quotation marks."""

from __future__ import annotations

import shutil

import pytest
from conftest import CORPUS, ROOT

from citeqa import Config, Engine, Turn
from citeqa.answers.evaluate import evaluate, read_questions
from citeqa.answers.quotes import unmatched
from citeqa.records import ANSWERED, CLOSEST, NOT_FOUND

CAR_WASH = """Car wash owner denies exploiting workers

The owner, Mark Haldane, denies the claims that staff at his car wash in Leeds were paid less than the minimum wage.

Inspectors visited the site twice last year and found workers living in a caravan behind the wash.

Mr Haldane said all his staff were paid properly and had signed contracts.
"""


@pytest.mark.parametrize(
    "question, named",
    [
        ("How much funding does Hestia receive from the government?", "“Hestia”"),
        ("How many people were convicted of modern slavery offences in 2020?", "never mention “2020”"),
        ("What did the Metropolitan Police say in response to the report?", "never mention “Metropolitan Police”"),
    ],
)
def test_near_topic_questions_are_not_presented_as_answers(engine, question, named):
    answer = engine.ask(question)
    assert answer.outcome in (CLOSEST, NOT_FOUND) and not answer.found
    assert answer.citations == () and answer.quoted == ()
    assert named in answer.reason and named in answer.answer
    assert answer.closest  # the nearest passages, listed apart from any answer


def test_the_three_outcomes_are_told_apart(engine):
    assert engine.ask("Who submitted the super-complaint?").outcome == ANSWERED
    on_topic = engine.ask("How much funding does Hestia receive from the government?")
    assert on_topic.outcome == CLOSEST and on_topic.answer.startswith("These passages may not answer it: ")
    off_topic = engine.ask("What is the capital of France?")
    assert off_topic.outcome == NOT_FOUND and off_topic.answer.startswith("Not in these articles: ")


def test_an_article_filter_keeps_the_checks(model, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "car-wash.txt").write_text(CAR_WASH, encoding="utf-8")
    engine, _ = Engine.open(Config(corpus=corpus, index=tmp_path / "index"), embedder=model)
    assert engine.ask("Who submitted the super-complaint?").found
    filtered = engine.ask("Who submitted the super-complaint?", articles=["car-wash"])
    assert not filtered.found and "Mark Haldane" not in filtered.answer
    assert engine.ask("Who owns the car wash?", articles=["car-wash"]).found
    scoped = engine.ask("What did Hestia say about the car wash?", articles=["car-wash"])
    assert not scoped.found and scoped.reason == "the articles searched never mention “Hestia”"


def test_metadata_counts_for_search_and_answers(engine):
    by_author = engine.ask("What did May Bulman report about victims being criminalised?")
    assert by_author.found and by_author.citations[0].article.author == "May Bulman"
    by_year = engine.ask("What did the 2021 report say about Section 45?")  # 2021 is only in the byline
    assert by_year.found and "known as Section 45" in by_year.citations[0].text
    by_outlet = engine.ask("What did The Independent report about Section 45?")
    assert by_outlet.found and by_outlet.citations[0].article.outlet == "The Independent"


def test_a_continuation_is_found_and_quoted_with_the_paragraph_it_goes_on_from(engine):
    for question in (
        "Where did victims end up when police failed to recognise them?",
        "What happened to victims instead of being recognised?",
    ):
        answer = engine.ask(question)
        assert answer.found, question
        quoted = {c.paragraph: c for c in answer.used if c.article.id.startswith("police-failings")}
        # "Instead they remained ..." is quoted after the sentence it goes on from, each cited to its own paragraph.
        assert quoted[4].quote.startswith("Instead they remained in the hands of those exploiting them")
        assert quoted[3].quote.startswith("As a result of the shortcomings")
        assert quoted[3].n + 1 == quoted[4].n  # the markers follow the reading order
        assert [c.n for c in answer.used] == list(range(1, len(answer.used) + 1))
        assert answer.answer.index("As a result of the shortcomings") < answer.answer.index("Instead they remained")


def test_what_else_gives_new_quotes_and_a_new_subject_replaces_the_old(engine):
    first = engine.ask("What did Shaun Sawyer say?")
    history = [Turn(first.question, first)]
    more = engine.ask("What else did he say?", history=history)
    assert more.found and more.search_query == "What else did Shaun Sawyer say?"
    before = {(c.passage_id, c.quote) for c in first.used}
    assert more.used and not any((c.passage_id, c.quote) in before for c in more.used)
    other = engine.ask("And the Home Office?", history=history)
    assert other.search_query == "What did the Home Office say?"
    # Asked by person, the spokesperson's own words, attributed; else the sentence that names them.
    assert other.found and (other.used[0].speaker or other.used[0].quote).startswith("A Home Office spokesperson")
    assert "Sawyer" not in other.answer


@pytest.mark.parametrize("name", ["dev-questions.jsonl", "news-paraphrased.jsonl", "news-unanswerable.jsonl"])
def test_every_quote_is_verbatim_balanced_and_inside_its_paragraph(engine, name):
    files = {p.name: p.read_text(encoding="utf-8") for p in CORPUS.iterdir()}
    questions = read_questions(ROOT / "eval" / name)
    checked = 0
    for question in questions:
        answer = engine.ask(question.q)
        for citation in answer.citations + answer.closest:
            assert citation.text[citation.quote_start : citation.quote_end] == citation.quote
            assert citation.quote in files[citation.article.path]
            assert unmatched(citation.quote) == ([], []), citation.quote
            checked += 1
    assert checked >= 5 * len(questions)
    assert evaluate(questions, engine.ask).bad_quotes == 0


def test_the_blind_news_sets_meet_their_bars(engine):
    answerable = read_questions(ROOT / "eval" / "news-paraphrased.jsonl")
    unanswerable = read_questions(ROOT / "eval" / "news-unanswerable.jsonl")
    report = evaluate(answerable + unanswerable, engine.ask)
    assert report.false_refusals <= len(answerable) / 30  # at most one in thirty answerable not answered
    # A correct passage among the three most relevant sources (listed by relevance; their markers [n]
    # follow the answer's reading order).
    assert report.recall[3] >= 0.9
    assert report.refused >= len(unanswerable) / 4  # measured 15 of 42; the README gives the figure


def test_a_new_lexicon_reads_only_the_articles_that_changed():
    from citeqa.answers.lexicon import Lexicon
    from citeqa.records import Article

    kept = Article("kept", "kept.txt", "Harbour vote", ("The mayor called it a victory.",), "1")
    changed = Article("changed", "changed.txt", "Ferry fares", ("Fares rise by 12 percent.",), "2")
    first = Lexicon.of([kept, changed])
    edited = Article("changed", "changed.txt", "Ferry fares", ("Fares rise by 15 percent.",), "3")
    added = Article("added", "added.txt", "Pier reopens", ("The pier reopens in May.",), "4")
    second = Lexicon.of([kept, edited, added], first)
    assert second.by_article["kept"] is first.by_article["kept"]  # not read again
    assert "15" in second.by_article["changed"] and "12" not in second.by_article["changed"]
    assert "pier" in second.by_article["added"] and second.frequency["fares"] == 1
    assert second.scope() == Lexicon.of([kept, edited, added]).scope()  # the same as reading all
