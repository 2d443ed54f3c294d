"""Choosing the quote of a passage: the sentence that answers, whole, with every quotation mark matched.

A quote is a slice of its paragraph by offsets, so it is exact by construction. It is the sentence
closest to the question (preferring one that holds the kind of answer expected and shares the
question's words), with the next one when it only leads in ("She said:") or is very short, and with
a sentence beside it that is nearly as close (the answer is often in the sentence next door) or that
goes on about the same subject in a few words ("He becomes an OBE."), and it
never leaves a quotation open or closes one it did not open: it is extended to where the quotation
closes, or started inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citeqa.answers.query import Query, has_kind
from citeqa.articles import keywords
from citeqa.records import Hit

OPEN, CLOSE = "“", "”"


@dataclass(frozen=True)
class Quoting:
    """How a passage's sentences are weighed for the quote, beside their cosine with the question."""

    overlap: float = 0.6  # weight of the share of the question's terms a sentence has
    kind: float = 0.2  # bonus of a sentence holding the kind of answer expected
    neighbour: float = 0.06  # a sentence beside the quote joins it if it scores within this of the best


def quote_span(hit: Hit, query: Query, how: Quoting = Quoting()) -> tuple[int, int]:
    """The [start, end) of the quote in the passage (see the module's docstring)."""
    passage = hit.passage
    wanted = set(query.terms)

    def score(i: int) -> float:
        sentence = passage.sentence(i)
        overlap = len(wanted & keywords.term_set(sentence)) / len(wanted) if wanted else 0.0
        kind = how.kind if query.expects and has_kind(sentence, query.expects, query.text) else 0.0
        return hit.sentence_scores[i] + how.overlap * overlap + kind

    given = [(s, e) for p, s, e in query.exclude if p == passage.id]  # quoted before in the conversation

    def new(i: int) -> bool:
        start, end = passage.sentences[i]
        return not any(s < end and start < e for s, e in given)

    scores = {i: score(i) for i in range(len(passage.sentences)) if new(i)} or {
        i: score(i) for i in range(len(passage.sentences))
    }
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    best = ranked[0]
    first = last = best
    start, end = passage.sentences[best]
    if last + 1 < len(passage.sentences) and (end - start < _SHORT or passage.text[start:end].rstrip().endswith(":")):
        last += 1
    # A neighbour nearly as close to the question joins: the answer is often in the sentence beside.
    for neighbour in (first - 1, last + 1):
        if neighbour in scores and scores[neighbour] >= scores[best] - how.neighbour:
            first, last = min(first, neighbour), max(last, neighbour)
    # A short sentence that goes on about the same subject ("... James Clarke, chairman of the London
    # Marathon. He becomes an OBE.") finishes what the quote began.
    if last + 1 < len(passage.sentences):
        after = passage.sentence(last + 1)
        if len(after) < _SHORT and _GOES_ON.match(after):
            last += 1
    return balance(passage.text, passage.sentences, first, last)


_SHORT = 60  # characters: a sentence this short only finishes the one before it
_GOES_ON = re.compile(r"(?:He|She|It|They|His|Her|Its|Their)\b")


def balance(text: str, sentences: tuple[tuple[int, int], ...], first: int, last: int) -> tuple[int, int]:
    """The span of sentences ``first``..``last`` of ``text``, widened or narrowed so that every
    quotation mark in it is matched: a quotation left open is followed to its close (up to two more
    sentences), else the quote starts inside it; one closed but not opened is traced back to where it
    opened, else the quote starts after it."""
    start, end = sentences[first][0], sentences[last][1]
    asked = (start, end)
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
    if start >= end:  # marks that pair with nothing sensible ("… wrong. "Obviously …): the longest run without
        start, end = _unmarked(text, *asked)
    return start, end


def _unmarked(text: str, start: int, end: int) -> tuple[int, int]:
    """The longest stretch of ``text[start:end]`` without double quotation marks, trimmed: a quote that
    leaves none open and closes none it did not open."""
    runs = [(m.start() + start, m.end() + start) for m in re.finditer(r"[^“”\"]+", text[start:end])]
    runs = [
        (a + len(text[a:b]) - len(text[a:b].lstrip()), b - len(text[a:b]) + len(text[a:b].rstrip())) for a, b in runs
    ]
    return max(runs, key=lambda r: r[1] - r[0], default=(start, start))


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
