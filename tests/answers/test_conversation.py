"""Which questions are follow-ups, and what is searched for them."""

from __future__ import annotations

import pytest

from citeqa import Answer, Turn
from citeqa.answers.conversation import is_follow_up, resolve
from citeqa.records import ANSWERED, NOT_FOUND, Article, Citation

ARTICLE = Article(id="a", path="a.txt", title="T", paragraphs=("x", "y"), sha256="0")


@pytest.mark.parametrize(
    "question",
    [
        "What did she say about the shortcomings?",
        "Why did they refuse?",
        "Why did it happen?",
        "And in 2017?",
        "What about Hestia?",
        "More detail?",
    ],
)
def test_follow_ups(question):
    assert is_follow_up(question)


def test_a_turn_the_articles_could_not_answer_is_not_leant_on():
    missed = Turn("What is the capital of France?", Answer("What is the capital of France?", NOT_FOUND, ""))
    question = "Who submitted the complaint?"
    assert resolve(question, [missed]).text == question
    assert resolve("And in 2017?", [turn("What did Shaun Sawyer say?"), missed]).text == (
        "And in 2017? (What did Shaun Sawyer say?)"
    )


@pytest.mark.parametrize(
    "question",
    [
        "Who submitted the super-complaint that prompted the investigation?",
        "How many modern slavery prosecutions were there in the year ending March 2019?",
        "Is it true that police arrest victims of trafficking as immigration offenders?",
        "What did the report recommend about police training?",
    ],
)
def test_questions_that_stand_alone(question):
    assert not is_follow_up(question)


def turn(question: str) -> Turn:
    return Turn(question, Answer(question, ANSWERED, "", search_query=question))


def test_personal_pronoun_becomes_the_person_last_named():
    history = [turn("What did Wendy Williams say about the current system?")]
    assert resolve("What did she say about the shortcomings?", history).text == (
        "What did Wendy Williams say about the shortcomings?"
    )
    assert resolve("What was his role?", [turn("Who is Shaun Sawyer?")]).text == "What was Shaun Sawyer’s role?"


def test_other_follow_ups_carry_the_previous_question():
    history = [turn("What did the commissioners say?")]
    assert resolve("Why did they say it?", history).text == "Why did they say it? (What did the commissioners say?)"


def test_without_history_or_follow_up_the_question_is_searched_as_it_is():
    assert resolve("What did she say?", []).text == "What did she say?"
    question = "How many active modern slavery investigations are there across England and Wales?"
    assert resolve(question, [turn("Who is Shaun Sawyer?")]).text == question


@pytest.mark.parametrize(
    "follow_up, searched",
    [
        ("And the Home Office?", "What did the Home Office say?"),
        ("What about the commissioners?", "What did the commissioners say?"),
        ("And Hestia?", "What did Hestia say?"),
    ],
)
def test_a_new_subject_replaces_the_old_one(follow_up, searched):
    assert resolve(follow_up, [turn("What did Shaun Sawyer say?")]).text == searched
    assert resolve(follow_up, [turn("What did the inspectors say?")]).text == searched


def test_a_new_subject_that_is_not_one_carries_the_question_along():
    assert (
        resolve("And in 2017?", [turn("What did Shaun Sawyer say?")]).text
        == "And in 2017? (What did Shaun Sawyer say?)"
    )


def test_what_else_excludes_the_quotes_already_given():
    citation = Citation(1, ARTICLE, 2, "He said: “We accept.”", "He said: “We accept.”", 0, 1.0)
    answered = Answer(
        "What did Shaun Sawyer say?",
        ANSWERED,
        "x [1]",
        (citation,),
        quoted=(1,),
        search_query="What did Shaun Sawyer say?",
    )
    resolved = resolve("What else did he say?", [Turn(answered.question, answered)])
    assert resolved.text == "What else did Shaun Sawyer say?"
    assert resolved.exclude == {("a#p2", 0, len(citation.quote))}


@pytest.mark.parametrize(
    "question",
    [
        "Who built the virtual face called Jeremiah and where does he work?",
        "Who is Jeremiah?",
        "Why did Wendy Williams say they were failing?",
    ],
)
def test_a_question_that_names_its_own_subject_is_not_rewritten(question):
    history = [turn("How did the Conservatives describe Blunkett's policing proposals?")]
    assert is_follow_up(question)  # a pronoun, or few words: it might lean on the last turn ...
    assert resolve(question, history).text == question  # ... but it names its own subject


@pytest.mark.parametrize(
    "question, searched",
    [
        ("What did she say about Hestia?", "What did Wendy Williams say about Hestia?"),  # the pronoun comes first
        ("And Hestia?", "What did Hestia say about the current system?"),
        (
            "When did Apple launch it?",
            "When did Apple launch it? (What did Wendy Williams say about the current system?)",
        ),
    ],
)
def test_a_question_leaning_on_the_last_turn_is_still_read_with_it(question, searched):
    history = [turn("What did Wendy Williams say about the current system?")]
    assert resolve(question, history).text == searched


def test_what_else_about_a_named_subject_gives_new_quotes_without_rewriting():
    citation = Citation(1, ARTICLE, 1, "x", "x", 0, 1.0)
    earlier = Turn("What did Shaun Sawyer say?", Answer("q", ANSWERED, "x", (citation,), quoted=(1,)))
    resolved = resolve("What else did Wendy Williams say?", [earlier])
    assert resolved.text == "What else did Wendy Williams say?" and resolved.exclude == {(citation.passage_id, 0, 1)}
