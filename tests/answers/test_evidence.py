"""What each source matches of its question, with the real model on the shipped articles: every
passage shown says it, an answer that leaves a part unmatched says so, names in other forms, years
against a passage's own time, the standfirst, a question naming an author, a question that names its
own subject in a conversation, a quotation in two halves; and ``citeqa ask --json`` and the plain
output carry it all."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from conftest import CITEQA, CORPUS

from citeqa import Turn
from citeqa.citations import render
from citeqa.records import CLOSEST, NOT_FOUND, STANDFIRST

QUESTIONS = [
    "Who led the probe?",
    "Which bodies published the 2021 report?",
    "What did Wendy Williams say about the crucial role of police in 2017?",
    "How many modern slavery victims are there in Britain?",
    "How many people were convicted of modern slavery offences in 2020?",
    "What did May Bulman report about victims?",
    "What did Wendy Williams say about the shortcomings?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_passage_shown_says_what_it_matches(engine, question):
    answer = engine.ask(question)
    shown = answer.citations + answer.closest
    assert shown
    for citation in shown:
        assert citation.matched or citation.unmatched or question == "Who led the probe?"  # it has no parts
        assert not set(citation.matched) & set(citation.unmatched)


def test_who_led_the_probe_is_answered_by_the_paragraph_that_says_so(engine):
    answer = engine.ask("Who led the probe?")
    assert answer.found and "Wendy Williams, who led the probe" in answer.used[0].quote
    assert "Hestia" not in answer.answer


def test_the_standfirst_answers_which_bodies_published_the_report(engine):
    answer = engine.ask("Which bodies published the 2021 report?")
    first = answer.citations[0]
    assert answer.found and first.paragraph == STANDFIRST and first.locator == "standfirst"
    assert first.quote.startswith("Report by HMICFRS, the College of Policing and the IOPC")
    assert first.matched == ("2021", "a name") and first.unmatched == ()  # 2021: its article's date
    assert "standfirst" in render.quote_with_source(first, "apa")


def test_an_answer_from_an_undated_article_says_the_year_cannot_be_checked(engine):
    answer = engine.ask("What did Wendy Williams say about the crucial role of police in 2017?")
    first = answer.citations[0]
    assert answer.found and first.article.date is None and "crucial role" in first.quote
    assert first.unmatched == ("2017",) and "Wendy Williams" in first.matched
    assert render.caveat(answer) == (
        "The sources do not mention “2017”. Their article is undated, so the year cannot be checked against its date."
    )


def test_britain_is_the_uk(engine):
    answer = engine.ask("How many modern slavery victims are there in Britain?")
    first = answer.citations[0]
    assert answer.found and "13,000 potential modern slavery victims in the UK" in first.quote
    assert first.matched == ("Britain", "a number") and render.caveat(answer) is None


def test_a_year_the_articles_never_name_is_not_found_in_any_passage(engine):
    answer = engine.ask("How many people were convicted of modern slavery offences in 2020?")
    assert answer.outcome == CLOSEST and all("2020" in c.unmatched for c in answer.closest)


def test_a_question_naming_the_author_ranks_her_article_first(engine):
    answer = engine.ask("What did May Bulman report about victims?")
    sources = answer.citations if answer.found else answer.closest
    assert all(c.article.author == "May Bulman" for c in sources)


def test_a_question_that_names_its_own_subject_is_not_read_as_a_follow_up(engine):
    first = engine.ask("What did the Home Office say about the report?")
    history = [Turn(first.question, first)]
    answer = engine.ask("Who built the virtual face called Jeremiah and where does he work?", history=history)
    assert answer.search_query == answer.question
    assert answer.outcome == NOT_FOUND and answer.reason == "the articles never mention “Jeremiah”"


def test_a_quotation_in_two_halves_is_cited_whole(engine):
    answer = engine.ask("What did Wendy Williams say about the shortcomings?")
    quoted = {(c.article.id, c.paragraph) for c in answer.used}
    wire = "police-failings-allow-trafficking-to-continue"
    assert answer.found and {(wire, 8), (wire, 9)} <= quoted  # “Whilst ... practice. / “As a result, ...”
    assert "“As a result, victims were being left unprotected" in answer.answer


def test_ask_json_carries_both_lists_on_every_passage_shown(tmp_path):
    env = {"CITEQA_CORPUS": str(CORPUS), "CITEQA_INDEX": str(tmp_path / "index")}
    lines = "\n".join(QUESTIONS[2:5]) + "\n"
    out = subprocess.run(
        [CITEQA, "ask", "--json"], input=lines, capture_output=True, text=True, env=_env(env), timeout=600
    )
    assert out.returncode == 0, out.stderr
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(answers) == 3
    for answer in answers:
        for passage in answer["citations"] + answer["closest"]:
            assert isinstance(passage["matched"], list) and isinstance(passage["unmatched"], list)
            assert passage["matched"] or passage["unmatched"]
            assert passage["locator"].startswith("para. ") or passage["locator"] == "standfirst"
    assert answers[0]["citations"][0]["unmatched"] == ["2017"]
    assert answers[1]["citations"][0]["matched"] == ["Britain", "a number"]
    assert answers[2]["outcome"] == "closest" and answers[2]["closest"][0]["unmatched"] == ["2020"]

    plain = subprocess.run(
        [CITEQA, "ask", QUESTIONS[2]], capture_output=True, text=True, env=_env(env), timeout=600
    ).stdout
    lines = plain.splitlines()
    note = lines.index("Note: The sources do not mention “2017”. Their article is undated, so the year cannot "
                       "be checked against its date.")  # fmt: skip
    assert note < next(i for i, line in enumerate(lines) if line.startswith("A: "))  # above the answer
    sources = [i for i, line in enumerate(lines) if line.startswith("[")]
    assert all(lines[i + 1].startswith("    matches: Wendy Williams") for i in sources)
    assert "    matches: Wendy Williams · someone's words — not found: 2017" in lines


def _env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}
