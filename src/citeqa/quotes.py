"""Choosing the quote of a passage: the sentence that answers, whole, with every quotation mark matched.

A quote is a slice of its paragraph by offsets, so it is exact by construction. It is the sentence
closest to the question (preferring one that holds the kind of answer expected and shares the
question's words), with the next one when it only leads in ("She said:") or is very short, and it
never leaves a quotation open or closes one it did not open: it is extended to where the quotation
closes, or started inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from citeqa import keywords
from citeqa.query import Query, has_kind
from citeqa.records import Hit

OPEN, CLOSE = "“", "”"


@dataclass(frozen=True)
class Quoting:
    """How a passage's sentences are weighed for the quote, beside their cosine with the question."""

    overlap: float = 0.1  # weight of the share of the question's terms a sentence has
    kind: float = 0.2  # bonus of a sentence holding the kind of answer expected


def quote_span(hit: Hit, query: Query, how: Quoting = Quoting()) -> tuple[int, int]:
    """The [start, end) of the quote in the passage (see the module's docstring)."""
    passage = hit.passage
    wanted = set(query.terms)

    def score(i: int) -> float:
        sentence = passage.sentence(i)
        overlap = len(wanted & set(keywords.terms(sentence))) / len(wanted) if wanted else 0.0
        kind = how.kind if query.expects and has_kind(sentence, query.expects) else 0.0
        return hit.sentence_scores[i] + how.overlap * overlap + kind

    ranked = sorted(range(len(passage.sentences)), key=score, reverse=True)
    # In a follow-up asking for more, the best sentence not quoted before.
    best = next((i for i in ranked if (passage.id, passage.sentences[i][0]) not in query.exclude), ranked[0])
    last = best
    start, end = passage.sentences[best]
    if last + 1 < len(passage.sentences) and (end - start < 60 or passage.text[start:end].rstrip().endswith(":")):
        last += 1
    return balance(passage.text, passage.sentences, best, last)


def balance(text: str, sentences: tuple[tuple[int, int], ...], first: int, last: int) -> tuple[int, int]:
    """The span of sentences ``first``..``last`` of ``text``, widened or narrowed so that every
    quotation mark in it is matched: a quotation left open is followed to its close (up to two more
    sentences), else the quote starts inside it; one closed but not opened is traced back to where it
    opened, else the quote starts after it."""
    start, end = sentences[first][0], sentences[last][1]
    for _ in range(2):
        opened, _ = unmatched(text[start:end])
        if not opened or last + 1 >= len(sentences):
            break
        last += 1
        end = sentences[last][1]
    for _ in range(2):
        _, closed = unmatched(text[start:end])
        if not closed or first == 0:
            break
        first -= 1
        start = sentences[first][0]
    opened, closed = unmatched(text[start:end])
    if closed:  # a close whose open is not in the paragraph: start after the last such close
        start += closed[-1] + 1
    opened, _ = unmatched(text[start:end])
    if opened:  # an open that is never closed: start inside it, after the mark
        start += opened[0] + 1
        opened, closed = unmatched(text[start:end])
        if opened or closed:  # still unbalanced: end before the first stray mark
            end = start + min(opened + closed)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def unmatched(text: str) -> tuple[list[int], list[int]]:
    """Offsets of the opening marks left open and of the closing marks that close nothing.

    Curly double marks pair as open and close; straight double marks alternate. Single marks are not
    counted: ’ is also the apostrophe.
    """
    stack: list[int] = []
    closed: list[int] = []
    straight: list[int] = []
    for i, c in enumerate(text):
        if c == OPEN:
            stack.append(i)
        elif c == CLOSE:
            if stack:
                stack.pop()
            else:
                closed.append(i)
        elif c == '"':
            if straight:
                straight.pop()
            else:
                straight.append(i)
    return sorted(stack + straight), closed
