"""Splitting a paragraph into sentences by offsets, so that every quote is a slice of the paragraph."""

from __future__ import annotations

import re

# A sentence ends at . ! or ? (with any closing quotes or brackets after it), before white space and
# something that can start a sentence: a capital, a digit or an opening quote.
_END = re.compile(r"[.!?…]+[”’\"')\]]*(?=\s+[“‘\"'(\[A-Z0-9£$€])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st rev gen col sgt insp supt det cllr sen rep gov jr sr no nos vs etc "
    "co ltd inc corp dept est fig jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k".split()
)


def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """The [start, end) offsets of the sentences of ``text``, white space between them excluded."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    for match in _END.finditer(text):
        end = match.end()
        if end <= start or _ends_in_abbreviation(text[start : match.start() + 1]):
            continue
        spans.append((start, end))
        start = _skip_space(text, end)
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return tuple(spans)


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _ends_in_abbreviation(sentence: str) -> bool:
    """True when the full stop ending ``sentence`` belongs to an abbreviation or an initial."""
    if not sentence.endswith("."):
        return False
    last = sentence.rstrip(".").split()[-1:] or [""]
    word = last[0].lstrip("“‘\"'(").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())
