"""Reducing Markdown to the plain text that ``clean`` reads, in time that grows in step with the file.

Each line is reduced on its own: a heading is dropped (the first level-one heading is the headline), a
rule is dropped, a quote or list mark is removed, images go, links keep their words, and paired
emphasis marks (``**bold**``, ``__bold__``, ``*italic*``, ``_italic_``) are removed. The words stay
as written.

The pairing rules are those of a lazy regular expression (an opener takes the first closer after it
that may close it), but such an expression rescans the rest of the line from every opener that has
no closer, so one line of ``_a _a _a ...`` costs the square of its length, all of it inside one call
that holds the interpreter lock: every other thread of the server stops. Here the marks that may open
or close are found by a single scan (linear patterns: each looks at one or two characters around a
mark), and each opener finds its closer by bisection among the closers' positions, so a line costs
about its length plus a logarithm per mark.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from citeqa.errors import ArticleError

# Each mark that may open or close a link or emphasis costs a step of Python; an article has a few
# hundred (a long one with many links, a few thousand). Past this many the file is refused at once,
# so that no file can keep the server busy reducing marks.
MAX_MARKS = 200_000
_HEADING_START = re.compile(r"(#{1,6})[ \t]")
_LINE_MARK = re.compile(r"[ \t]{0,3}(?:>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)")
_IMAGE_START = re.compile(r"!\[")
_LINK_START = re.compile(r"\[")
_SQUARE_CLOSE = re.compile(r"\]")
_PAREN = re.compile(r"[()]")
_PAREN_CLOSE = re.compile(r"\)")
# Where strong and plain emphasis may open and close: a mark and the one or two characters around it.
# Each pattern starts with the mark itself (so the scan skips other characters fast) and takes one
# character, so that every position is tried; group 1 is the mark's first character.
_STRONG_OPEN = re.compile(r"([*_])(?=\1\S)")
_STRONG_CLOSE = re.compile(r"([*_])(?=\1)(?<=\S.)")
_EMPHASIS_OPEN = re.compile(r"([*_])(?<![\w*].)(?=[^\s*])")
_EMPHASIS_CLOSE = re.compile(r"([*_])(?<=[^\s*].)(?![\w*])")


def markdown_to_text(text: str) -> tuple[str | None, str]:
    """The first level-one heading (the headline, if any) and the text with Markdown syntax reduced.

    Headings below it are dropped (they are not sentences of the article), links keep their words,
    images go, and list, quote and emphasis marks are removed: the words stay as written.

    Raises:
        ArticleError: the text has more than MAX_MARKS marks of links and emphasis.
    """
    marks = text.count("[") + text.count("*") + text.count("_")
    if marks > MAX_MARKS:
        raise ArticleError(
            f"it has {marks:,} Markdown marks ([, * and _), more than the {MAX_MARKS:,} an article may have; "
            "if it is plain text, save it as .txt"
        )
    title = None
    lines = []
    for line in text.split("\n"):
        heading = _heading(line)
        if heading is not None:
            level, words = heading
            if title is None and level == 1:
                title = words.strip()
            lines.append("")
            continue
        if _is_rule(line):
            lines.append("")
            continue
        mark = _LINE_MARK.match(line)
        if mark:
            line = line[mark.end() :]
        line = _links_to_words(_drop_images(line))
        lines.append(_unwrap_emphasis(_unwrap_strong(line)))
    return title, "\n".join(lines)


def _heading(line: str) -> tuple[int, str] | None:
    """An ATX heading's level and words, or None: one to six ``#`` and a space or tab, then the words,
    less any closing run of ``#``, spaces and tabs."""
    start = _HEADING_START.match(line)
    if start is None:
        return None
    level = len(start.group(1))
    rest = line[level:]
    indent = len(rest) - len(rest.lstrip(" \t"))
    if indent == len(rest):  # only white space: one character of it counts as the words, if two are there
        return (level, rest[-1]) if indent >= 2 else None
    end = max(indent + 1, len(rest.rstrip(" \t#")))
    return level, rest[indent:end]


def _is_rule(line: str) -> bool:
    """A thematic break: three or more of one of ``-``, ``*`` or ``_``, and spaces or tabs, alone."""
    marks = line.replace(" ", "").replace("\t", "")
    return len(marks) >= 3 and marks[0] in "-*_" and not marks.strip(marks[0])


def _positions(pattern: re.Pattern[str], line: str) -> list[int]:
    return [match.start() for match in pattern.finditer(line)]


def _after(positions: list[int], at: int) -> int | None:
    """The first of the sorted ``positions`` at or after ``at``, or None."""
    i = bisect_left(positions, at)
    return positions[i] if i < len(positions) else None


def _drop_images(line: str) -> str:
    """``line`` without its images, ``![alt](address)``."""
    if "![" not in line:
        return line
    squares, closes = _positions(_SQUARE_CLOSE, line), _positions(_PAREN_CLOSE, line)
    parts, done = [], 0
    for start in _positions(_IMAGE_START, line):
        if start < done:
            continue
        square = _after(squares, start + 2)
        if square is None:
            break  # no later image can close its brackets either
        if line[square + 1 : square + 2] != "(":
            continue
        close = _after(closes, square + 2)
        if close is None:
            break
        parts.append(line[done:start])
        done = close + 1
    return "".join(parts) + line[done:] if parts else line


def _links_to_words(line: str) -> str:
    """``line`` with each link ``[words](address)`` replaced by its words. An address may hold one level
    of brackets (``https://en.wikipedia.org/wiki/Mercury_(planet)``)."""
    if "](" not in line:
        return line
    squares = _positions(_SQUARE_CLOSE, line)
    parens, closes = _positions(_PAREN, line), _positions(_PAREN_CLOSE, line)
    ends: dict[int, int | None] = {}  # where an address starting here ends (None: it never does)

    def address_end(at: int) -> int | None:
        """Past the ``)`` closing an address that starts at ``at``: ordinary characters, and bracketed
        runs each closed by the first ``)`` after their ``(``. Remembered for every place passed, so
        that the line is walked once however many links start before it."""
        passed = []
        while at not in ends:
            passed.append(at)
            paren = _after(parens, at)
            if paren is None:
                result = None
                break
            if line[paren] == ")":
                result = paren + 1
                break
            close = _after(closes, paren + 1)
            if close is None:
                result = None
                break
            at = close + 1
        else:
            result = ends[at]
        for place in passed:
            ends[place] = result
        return result

    parts, done = [], 0
    for start in _positions(_LINK_START, line):
        if start < done:
            continue
        square = _after(squares, start + 1)
        if square is None:
            break
        if square == start + 1 or line[square + 1 : square + 2] != "(":
            continue
        end = address_end(square + 2)
        if end is None:
            continue
        parts += (line[done:start], line[start + 1 : square])
        done = end
    return "".join(parts) + line[done:] if parts else line


def _pair(line: str, opens: re.Pattern[str], closes: re.Pattern[str], width: int) -> str:
    """``line`` with each paired run of marks removed and the words between them kept.

    Going left to right, each opener takes the first closer of its own mark that leaves at least one
    character between them, and the search goes on after that closer. ``width``: the marks' length.
    """
    openers = [(m.start(), m.group(1)) for m in opens.finditer(line)]
    closers: dict[str, list[int]] = {}
    for match in closes.finditer(line):
        closers.setdefault(match.group(1), []).append(match.start())
    if not openers or not closers:
        return line
    parts, done = [], 0
    for start, mark in openers:
        if start < done:
            continue
        close = _after(closers.get(mark, []), start + width + 1)
        if close is None:  # nor will any later opener of this mark find one
            closers.pop(mark, None)
            if not closers:
                break
            continue
        parts += (line[done:start], line[start + width : close])
        done = close + width
    return "".join(parts) + line[done:] if parts else line


def _unwrap_strong(line: str) -> str:
    """``**words**`` and ``__words__`` to ``words``: the marks touch the words on their inner side."""
    if "**" not in line and "__" not in line:
        return line
    return _pair(line, _STRONG_OPEN, _STRONG_CLOSE, 2)


def _unwrap_emphasis(line: str) -> str:
    """``*words*`` and ``_words_`` to ``words``, but not inside a word (``snake_case``)."""
    if "*" not in line and "_" not in line:
        return line
    return _pair(line, _EMPHASIS_OPEN, _EMPHASIS_CLOSE, 1)
