"""Follow-up questions: "What did she say about the shortcomings?" searched as a question about the
person or subject of the previous turn."""

from __future__ import annotations

import re

from citeqa.records import Turn

_PERSONAL = re.compile(r"\b(she|he|her|him|his|hers)\b", re.IGNORECASE)
# Pronouns that stand for someone or something named before. Not "there" ("how many were there?")
# nor "that" as a conjunction: a question that merely contains them stands on its own.
_PRONOUN = re.compile(r"\b(she|he|her|him|his|hers|they|them|their|theirs)\b", re.IGNORECASE)
_SHORT_PRONOUN = re.compile(r"\b(it|its|this|that|these|those|the same)\b", re.IGNORECASE)
_OPENING = re.compile(r"^\s*(and|but|so|what about|how about|why not|what else|anything else)\b", re.IGNORECASE)
# Two to four capitalised words, the second onwards not sentence-initial: "Wendy Williams", "Dame Sara Thornton".
_NAME = re.compile(r"\b([A-Z][a-z’'\-]+(?:\s+(?:QC|[A-Z][a-z’'\-]+)){1,3})\b")
_NOT_NAMES = {"What", "Who", "How", "Why", "When", "Where", "Which", "Did", "Does", "Is", "Are", "The", "In", "A"}


def is_follow_up(question: str) -> bool:
    """Whether a question leans on an earlier one: a personal pronoun, "it" or "this" in a short
    question ("Why did it happen?"), an opening such as "And …" or "What about …", or a bare few words."""
    words = len(question.split())
    return (
        _PRONOUN.search(question) is not None
        or (_SHORT_PRONOUN.search(question) is not None and words <= 8)
        or _OPENING.search(question) is not None
        or words <= 3
    )


def resolve(question: str, history: list[Turn] | tuple[Turn, ...]) -> str:
    """The text to search for ``question``, given the earlier turns of the conversation (oldest first).

    A pronoun for a person is replaced by the person last named; other follow-ups carry the previous
    question along, so that the subject it set stays in the search.
    """
    if not history or not is_follow_up(question):
        return question
    previous = history[-1]
    before = previous.answer.search_query if previous.answer and previous.answer.search_query else previous.question
    name = _last_person(history)
    if name and _PERSONAL.search(question):
        return _PERSONAL.sub(lambda m: _replace_pronoun(m.group(0), name), question, count=1)
    return f"{question} ({before})"


def _last_person(history: list[Turn] | tuple[Turn, ...]) -> str | None:
    for turn in reversed(history):
        texts = [turn.answer.search_query or turn.question] if turn.answer else [turn.question]
        if turn.answer and turn.answer.found:
            texts.append(turn.answer.citations[0].quote)
        for text in texts:
            names = [n for n in _NAME.findall(text) if n.split()[0] not in _NOT_NAMES]
            if names:
                return names[-1] if text is texts[0] else names[0]
    return None


def _replace_pronoun(pronoun: str, name: str) -> str:
    return f"{name}’s" if pronoun.lower() in ("his", "hers") else name
