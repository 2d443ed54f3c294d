"""Splitting a paragraph into sentences by offsets, so that every quote is a slice of the paragraph."""

from __future__ import annotations

import re
from bisect import bisect_right

# A sentence ends at . ! or ? (with any closing quotes or brackets after it), before white space and
# something that can start a sentence: a capital, a digit or an opening quote.
_END = re.compile(r"[.!?…]+[”’\"')\]]*(?=\s+[“‘\"'(\[A-Z0-9£$€])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st rev gen col sgt insp supt det cllr sen rep gov jr sr no nos vs etc "
    "co ltd inc corp dept est fig jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k".split()
)


_WORD = re.compile(r"\S+")
_NEAR = 200  # a sentence this short is checked by slicing it; a longer one by its last word alone


def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """The [start, end) offsets of the sentences of ``text``, white space between them excluded."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    words: list[int] | None = None  # where each word of ``text`` starts, once a long sentence needs it
    for match in _END.finditer(text):
        end = match.end()
        if end <= start:
            continue
        stop = match.start() + 1
        if stop - start > _NEAR:
            # Only the last word before the stop counts: slicing from the sentence's start instead
            # would cost the square of a long run of abbreviations ("Mr. A Mr. A ..."). The word is
            # the one that starts at least a character before the stop ("Mr." or "Mr .").
            if words is None:
                words = [word.start() for word in _WORD.finditer(text)]
            at = bisect_right(words, stop - 2) - 1
            sentence = text[max(start, words[at]) if at >= 0 else start : stop]
        else:
            sentence = text[start:stop]
        if _ends_in_abbreviation(sentence):
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
