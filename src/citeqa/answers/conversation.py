"""Follow-up questions, read against the conversation so far.

- "What did she say about the shortcomings?": the pronoun becomes the person last named.
- "What else did he say?": the same, and the quotes already given are not given again.
- "And the Home Office?", "What about the commissioners?": the previous question, about the new
  subject instead of the old one ("What did the Home Office say?").
- Other short or leaning questions ("Why did it happen?") carry the previous question along.

A question that names its own subject is never rewritten: in "Who built the face called Jeremiah and
where does he work?" the "he" is the question's own, and the conversation before it is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citeqa.answers.query import focus
from citeqa.records import NOT_FOUND, Turn

_PERSONAL = re.compile(r"\b(she|he|her|him|his|hers)\b", re.IGNORECASE)
# Pronouns that stand for someone or something named before. Not "there" ("how many were there?")
# nor "that" as a conjunction: a question that merely contains them stands on its own.
_PRONOUN = re.compile(r"\b(she|he|her|him|his|hers|they|them|their|theirs)\b", re.IGNORECASE)
# "that" only at the end ("Why did he say that?"): elsewhere it is mostly a conjunction or relative.
_SHORT_PRONOUN = re.compile(r"\b(it|its|this|these|those|the same)\b|\bthat\W*$", re.IGNORECASE)
_OPENING = re.compile(r"^\s*(and|but|so|what about|how about|why not|what else|anything else)\b", re.IGNORECASE)
_MORE = re.compile(r"\b(else|more|another|other|again|further)\b", re.IGNORECASE)
# "And the Home Office?", "What about the commissioners?": a bare new subject.
_NEW_SUBJECT = re.compile(r"^\s*(?:and|but|what about|how about)\s+(?P<subject>[^?]{2,80}?)\s*\??\s*$", re.IGNORECASE)
_PREPOSITION = re.compile(r"(?:in|on|at|for|from|by|during|after|before|since|with|about|to|of)\b", re.IGNORECASE)
# The subject of a question like "What did the commissioners say?": between the auxiliary and the verb.
_SUBJECT = re.compile(
    r"\b(?:did|does|do|has|have|had|is|are|was|were|will|would|could|should|can)\s+"
    r"(?P<subject>(?:the|a|an)\s+[\w’'\- ]+?|[\w’'\-]+)\s+(?=\w+\W*$)",
    re.IGNORECASE,
)
# Two to four capitalised words, the second onwards not sentence-initial: "Wendy Williams", "Dame Sara Thornton".
_NAME = re.compile(r"\b([A-Z][a-z’'\-]+(?:\s+(?:QC|[A-Z][a-z’'\-]+)){1,3})\b")
_NOT_NAMES = {"What", "Who", "How", "Why", "When", "Where", "Which", "Did", "Does", "Is", "Are", "The", "In", "A"}


@dataclass(frozen=True)
class Resolved:
    """What to search for a question, and the quotes (passage id, start, end) not to give again."""

    text: str
    exclude: frozenset[tuple[str, int, int]] = frozenset()


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


def names_own_subject(question: str) -> bool:
    """Whether ``question`` names whom or what it is about before any personal pronoun in it ("Who built
    the face called Jeremiah and where does he work?", "Who is Jeremiah?"), so that its pronouns are its
    own. Not a bare new subject ("And Hestia?": the last question, about Hestia), nor a short question
    whose "it" or "this" is the earlier subject ("When did Apple launch it?")."""
    if _NEW_SUBJECT.match(question):
        return False
    named = [at for name in focus(question) if not name[0].isdigit() and (at := question.find(name)) >= 0]
    if not named:
        return False
    pronoun = _PRONOUN.search(question)
    if pronoun is None:
        return _SHORT_PRONOUN.search(question) is None
    return min(named) < pronoun.start()


def resolve(question: str, history: list[Turn] | tuple[Turn, ...]) -> Resolved:
    """The search text for ``question`` given the earlier turns of the conversation (oldest first)."""
    # A question leans on the last turn the articles had something for, not on one they did not.
    history = [t for t in history if not (t.answer and t.answer.outcome == NOT_FOUND)]
    if not history or not is_follow_up(question):
        return Resolved(question)
    if names_own_subject(question):  # "What else did Wendy Williams say?": new quotes, the question as asked
        return Resolved(question, _quoted(history) if _MORE.search(question) else frozenset())
    previous = history[-1]
    before = previous.answer.search_query if previous.answer and previous.answer.search_query else previous.question
    exclude = _quoted(history) if _MORE.search(question) else frozenset()
    new_subject = _NEW_SUBJECT.match(question)
    if new_subject and not _PRONOUN.search(question) and not _PREPOSITION.match(new_subject["subject"]):
        return Resolved(_with_subject(before, new_subject["subject"]), exclude)
    name = _last_person(history)
    if name and _PERSONAL.search(question):
        return Resolved(_PERSONAL.sub(lambda m: _replace_pronoun(m.group(0), name), question, count=1), exclude)
    if exclude:  # "What else?": the previous question again, without what it already gave
        return Resolved(before, exclude)
    return Resolved(f"{question} ({before})", exclude)


def _with_subject(question: str, subject: str) -> str:
    """``question`` about ``subject`` instead of whom or what it was about."""
    names = [n for n in focus(question) if not n[0].isdigit()]
    if names:  # "What did the Home Office say?" -> "What did the commissioners say?", one "the"
        return re.sub(rf"\b(?:(?:the|a|an)\s+)?{re.escape(names[-1])}", lambda _: subject, question, count=1)
    match = _SUBJECT.search(question)
    if match:
        return question[: match.start("subject")] + subject + question[match.end("subject") :]
    return f"{subject}: {question}"


def _quoted(history: list[Turn] | tuple[Turn, ...]) -> frozenset[tuple[str, int, int]]:
    """The quotes the conversation has given, as (passage id, start, end)."""
    given = (c for turn in history if turn.answer for c in turn.answer.used)
    return frozenset((c.passage_id, c.quote_start, c.quote_end) for c in given)


def _last_person(history: list[Turn] | tuple[Turn, ...]) -> str | None:
    for turn in reversed(history):
        texts = [turn.answer.search_query or turn.question] if turn.answer else [turn.question]
        if turn.answer and turn.answer.used:
            texts.append(turn.answer.used[0].quote)
        for text in texts:
            names = [n for n in _NAME.findall(text) if n.split()[0] not in _NOT_NAMES]
            if names:
                return names[-1] if text is texts[0] else names[0]
    return None


def _replace_pronoun(pronoun: str, name: str) -> str:
    return f"{name}’s" if pronoun.lower() in ("his", "hers") else name
