"""Which questions are follow-ups, and what is searched for them."""

from __future__ import annotations

import pytest

from citeqa import Answer, Turn
from citeqa.conversation import is_follow_up, resolve


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


@pytest.mark.parametrize(
    "question",
    [
        "How many modern slavery prosecutions were there in the year ending March 2019?",
        "Is it true that police arrest victims of trafficking as immigration offenders?",
        "What did the report recommend about police training?",
    ],
)
def test_questions_that_stand_alone(question):
    assert not is_follow_up(question)


def turn(question: str) -> Turn:
    return Turn(question, Answer(question, False, "", search_query=question))


def test_personal_pronoun_becomes_the_person_last_named():
    history = [turn("What did Wendy Williams say about the current system?")]
    assert resolve("What did she say about the shortcomings?", history) == (
        "What did Wendy Williams say about the shortcomings?"
    )
    assert resolve("What was his role?", [turn("Who is Shaun Sawyer?")]) == "What was Shaun Sawyer’s role?"


def test_other_follow_ups_carry_the_previous_question():
    history = [turn("What did the commissioners say?")]
    assert resolve("Why did they say it?", history) == "Why did they say it? (What did the commissioners say?)"


def test_without_history_or_follow_up_the_question_is_searched_as_it_is():
    assert resolve("What did she say?", []) == "What did she say?"
    question = "How many active modern slavery investigations are there across England and Wales?"
    assert resolve(question, [turn("Who is Shaun Sawyer?")]) == question
