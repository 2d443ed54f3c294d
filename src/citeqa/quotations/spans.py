"""Where the quotation marks of a paragraph open and close, and where its sentences end.

News files mark quotations with straight (") or curly (“ ”) double quotes, and sometimes with single quotes
(' or ‘ ’), which are also apostrophes. A straight mark opens when it follows a space and precedes a word,
and closes when it follows a word and precedes a space or punctuation. BBC files join a quotation's printed
paragraphs into one line, so an opening mark met while a quotation is open starts a new segment (the old one
ends before it), and a paragraph that ends inside a quotation ends the segment there. A closing mark with no
opening mark is ignored: where that quotation starts cannot be told.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_DOUBLE = re.compile(r"[\"“”]")
_SINGLE = re.compile(r"['‘’]")
_BEFORE_OPEN = frozenset(" \t\n([{—–-/:")
# A sentence ends at . ! ? (and any closing marks after it) before space and a capital, digit or mark.
_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[A-Z0-9£$€-])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st rev gen col sgt insp supt det cllr sen rep gov jr sr no nos vs etc co ltd inc corp "
    "dept est fig jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k".split()
)
MAX_SINGLE = 300  # a single-quoted phrase longer than this is taken as apostrophes, not a quotation


@dataclass(frozen=True)
class Segment:
    """One quoted stretch: marks at ``open`` and ``close`` (None when the paragraph or the next quotation
    ends it), and its words at [start, end), without the marks and the spaces inside them."""

    open: int
    close: int | None
    start: int
    end: int

    @property
    def outer_end(self) -> int:
        """Just past the closing mark, or the end of the words when there is none."""
        return self.close + 1 if self.close is not None else self.end


def _trimmed(text: str, open_at: int, close: int | None, stop: int) -> Segment | None:
    start, end = open_at + 1, stop
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start or not any(ch.isalnum() for ch in text[start:end]):
        return None
    return Segment(open_at, close, start, end)


def _double_segments(text: str) -> list[Segment]:
    segments: list[Segment] = []
    open_at: int | None = None
    n = len(text)
    for match in _DOUBLE.finditer(text):
        i = match.start()
        mark = text[i]
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        opens = mark == "“" or (mark == '"' and prev in _BEFORE_OPEN and not nxt.isspace())
        if open_at is None:
            if opens:
                open_at = i
            continue  # a closing mark with nothing open: its quotation's start cannot be told
        if opens:
            segment = _trimmed(text, open_at, None, i)  # "A. "B." : a new printed paragraph of the quotation
            open_at = i
        else:
            segment = _trimmed(text, open_at, i, i)
            open_at = None
        if segment:
            segments.append(segment)
    if open_at is not None:
        segment = _trimmed(text, open_at, None, n)
        if segment:
            segments.append(segment)
    return segments


def _single_segments(text: str, taken: list[Segment]) -> list[Segment]:
    """Single-quoted quotations outside the double-quoted ones: an opening mark before a word and a
    closing mark after one, not inside a word (so "don't" and "Parker's" are apostrophes)."""
    covered = [(s.open, s.outer_end) for s in taken]  # sorted, not overlapping
    starts = [a for a, _ in covered]

    def inside(i: int) -> bool:
        k = bisect_right(starts, i) - 1
        return k >= 0 and i < covered[k][1]

    n = len(text)
    opens: list[int] = []
    closes: list[int] = []
    for match in _SINGLE.finditer(text):
        i = match.start()
        if inside(i):
            continue
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if text[i] in "‘'" and prev in _BEFORE_OPEN and nxt.isalnum():
            opens.append(i)
        elif text[i] in "’'" and not prev.isspace() and not nxt.isalnum():
            closes.append(i)
    segments: list[Segment] = []
    last_end = -1
    for k, o in enumerate(opens):
        if o <= last_end:
            continue
        c = bisect_right(closes, o)
        if c == len(closes):
            break  # no closing mark after this one, nor after any later one
        close = closes[c]
        if close - o > MAX_SINGLE or (k + 1 < len(opens) and opens[k + 1] < close):
            continue  # too long to be a quotation, or another opens first: apostrophes
        t = bisect_right(starts, o)
        if t < len(starts) and starts[t] < close:
            continue  # a double-quoted quotation sits between: these marks do not pair
        segment = _trimmed(text, o, close, close)
        if segment and segment.end - segment.start > 1:
            segments.append(segment)
            last_end = close
    return segments


def find_segments(text: str) -> list[Segment]:
    """The quoted segments of ``text`` in order (see the module docstring)."""
    segments = _double_segments(text)
    if "'" in text or "‘" in text or "’" in text:
        segments = sorted(segments + _single_segments(text, segments), key=lambda s: s.open)
    return segments


def split_sentences(text: str, segments: list[Segment]) -> list[tuple[int, int]]:
    """[start, end) of each sentence of ``text``, never ending one inside a quotation."""
    # An unclosed segment ends where the next one opens: its last full stop may end a sentence.
    inner = [(s.open + 1, s.close if s.close is not None else s.end - 1) for s in segments]
    starts = [a for a, _ in inner]
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    for match in _END.finditer(text):
        end = match.end()
        k = bisect_right(starts, match.start()) - 1  # the quotation, if any, the full stop is inside
        if end <= start or (k >= 0 and match.start() < inner[k][1] and end - 1 < inner[k][1]):
            continue
        if _abbreviation(text, start, match.start()):
            continue
        spans.append((start, end))
        start = _skip_space(text, end)
    stop = len(text.rstrip())
    if start < stop:
        spans.append((start, stop))
    return spans


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _abbreviation(text: str, start: int, dot: int) -> bool:
    """True when the full stop at ``dot`` ends an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace():
        word_start -= 1
    word = text[word_start:dot].lstrip("\"“‘'(").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())
