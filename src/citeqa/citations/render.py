"""Markdown for showing answers and articles, with every untrusted character escaped.

Article text, questions and file names are untrusted. They are only ever shown through Markdown in
which each punctuation mark that Markdown, LaTeX or Streamlit's directives give a meaning is escaped,
so they render as the characters they are: no HTML, no links, no formulas, no colours.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote

from citeqa.articles.formats import web_url
from citeqa.citations.cite import cite, cite_html, markdown_escape, nested, quoted_answer, speaking
from citeqa.records import ANSWERED, CLOSEST, NOT_FOUND, Answer, Article, Citation, Pin, locator

# All ASCII punctuation may be backslash-escaped in CommonMark; these are the marks that mean something
# in Markdown, in HTML, in LaTeX ($) or in Streamlit's directives (:red[...]).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$<>:&=\"'])")


def escape(text: str) -> str:
    """``text`` as Streamlit Markdown that renders to exactly ``text``, on one line, with no links.

    Escaping does not stop the Markdown renderer from turning "www.…", "https://…" and e-mail addresses
    in plain text into links: it finds them in the text after parsing. An empty directive (``:gray[]``,
    an empty span) is put inside each such pattern to break it; the text shown and copied is unchanged.
    """
    return _AUTOLINK.sub(":gray[]", _SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text)))


# Where a link would start, in escaped text: after "www" before a dot, after "http(s)" before the colon,
# before the "@" of an address.
_AUTOLINK = re.compile(r"(?i)(?<=\bwww)(?=\\\.)|(?<=\bhttp)(?=\\:)|(?<=\bhttps)(?=\\:)|(?<=[\w.+\-])(?=@)")


ECHO_CHARS = 60  # of a value from the address, quoted back in a message


def echo(value: str, limit: int = ECHO_CHARS) -> str:
    """A value from the address (untrusted) as Markdown to quote back in a message: without control
    or format characters (a right-to-left override in it would turn the message's text around), cut to
    ``limit`` characters with "…" where it goes on, and escaped."""
    head = value[: limit * 4]  # a 400 KB value is neither searched through nor shown
    kept = "".join(c for c in head if unicodedata.category(c) not in ("Cc", "Cf"))
    more = len(kept) > limit or len(value) > len(head)
    return escape(kept[:limit] + ("…" if more else ""))


def sentence(text: str) -> str:
    """``text`` as a sentence: its first letter capitalised (and nothing else changed), a full stop at the end."""
    text = text.strip()
    if not text:
        return ""
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def anchor(prefix: str, n: int) -> str:
    """The HTML id of source ``n`` of an answer: ids are made here, never from untrusted text."""
    return f"{prefix}-source-{n}"


def answer_markdown(answer: Answer, anchor_prefix: str | None) -> str:
    """The answer's quotes, each followed by its marker [n]: a link to its source on the page when
    ``anchor_prefix`` names the sources' anchors (the page adds a preview of the source to each)."""
    if not answer.found:
        return escape(answer.answer)
    if anchor_prefix is None:
        return " ".join(f"{_quoted(c)} \\[{c.n}\\]" for c in answer.used)
    return " ".join(f"{_quoted(c)} [\\[{c.n}\\]](#{anchor(anchor_prefix, c.n)})" for c in answer.used)


def _quoted(citation: Citation) -> str:
    """A quote as the answer shows it: bare, or after its speaker in quotation marks (“Wendy Williams
    said: “…””, a quote within it in single marks, as a copy gives it)."""
    if not citation.speaker:
        return escape(citation.quote)
    return f"{escape(speaking(citation))} “{escape(nested(citation.quote))}”"


def preview(citation: Citation, anchor_prefix: str) -> dict[str, str | int]:
    """What the preview of marker [n] shows, as data (untrusted text, never markup): the whole quote,
    the headline, outlet, author and date, and the paragraph's number. ``href`` names the marker."""
    article = citation.article
    return {
        "href": f"#{anchor(anchor_prefix, citation.n)}",
        "n": citation.n,
        "quote": citation.quote,
        "title": article.title,
        "byline": byline(article),
        "paragraph": citation.paragraph,
        "place": place(citation.paragraph),
    }


def place(number: int) -> str:
    """Where a passage is, in words for a reader: "paragraph 3", "standfirst", "subtitle"."""
    return f"paragraph {number}" if number >= 1 else locator(number)


def highlighted(text: str, start: int, end: int, colour: str = "orange", marks: Sequence[tuple[int, int]] = ()) -> str:
    """A paragraph with ``text[start:end]`` highlighted, and the words at ``marks`` (spans, in order,
    apart) in bold: the words of the question it matches."""
    cuts = sorted({0, start, end, len(text), *(i for span in marks for i in span if 0 <= i <= len(text))})
    bold = [(s, e) for s, e in marks if 0 <= s < e <= len(text)]
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = escape(text[a:b])
        if any(s <= a and b <= e for s, e in bold) and piece.strip():
            piece = f"**{piece}**"
        out.append((a, piece))
    inside = "".join(p for a, p in out if start <= a < end)
    before = "".join(p for a, p in out if a < start)
    after = "".join(p for a, p in out if a >= end)
    return f"{before}:{colour}-background[{inside}]{after}" if end > start else before + after


def matches_line(citation: Citation) -> str:
    """What of the question a source matches and what it does not, as Markdown: "matches: Wendy
    Williams · The Independent — not found: 2020", the part not found marked in red. Empty when the
    question has no parts to match."""
    found = f"matches: {escape(' · '.join(citation.matched))}" if citation.matched else ""
    missing = f":red[**not found: {escape(' · '.join(citation.unmatched))}**]" if citation.unmatched else ""
    return " — ".join(p for p in (found, missing) if p)


def matches_text(citation: Citation) -> str:
    """The same as plain text, for the command line."""
    found = f"matches: {' · '.join(citation.matched)}" if citation.matched else ""
    missing = f"not found: {' · '.join(citation.unmatched)}" if citation.unmatched else ""
    return " — ".join(p for p in (found, missing) if p)


def caveat(answer: Answer) -> str | None:
    """What an answer's first source leaves unmatched, said above the answer ("The sources do not mention
    “2020”."), or None when it matches every part of the question or is no answer."""
    if not answer.found or not answer.citations or not answer.citations[0].unmatched:
        return None
    first = answer.citations[0]
    missing = [f"“{m}”" for m in first.unmatched]
    listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
    text = f"The sources do not mention {listed}."
    if first.article.date is None and any(_YEARISH.search(m) for m in first.unmatched):
        text += " Their article is undated, so the year cannot be checked against its date."
    return text


_YEARISH = re.compile(r"\b(?:1[5-9]|20)\d\d")


def safe_url(url: str | None) -> str | None:
    """``url`` for a Markdown link if it is a plain http(s) address, else None (no javascript: links)."""
    url = web_url(url) if url else None
    return quote(url, safe=":/?#&=%+@,;~!*'") if url else None


def byline(article: Article) -> str:
    """Outlet · author · date (or "undated"), as plain text."""
    date = f"{article.date.day} {article.date:%B %Y}" if article.date else "undated"
    return " · ".join(p for p in (article.outlet, article.author, date) if p)


def conversation_markdown(turns: list[Answer], style: str = "plain") -> str:
    """A whole conversation as a Markdown document: each question, its answer and its sources."""
    lines = ["# citeqa conversation", ""]
    for number, answer in enumerate(turns, start=1):
        lines += [f"## {number}. {markdown_escape(answer.question)}", ""]
        lines += [f"> {markdown_escape(note)}" for note in answer.notes] + ([""] if answer.notes else [])
        lines += [markdown_escape(quoted_answer(answer)), ""]
        sources = answer.citations if answer.found else answer.closest
        if sources:
            lines += [SOURCES_HEADING[answer.outcome], ""]
            lines += [f"{c.n}. {quote_with_source(c, style)}" for c in sources]
            lines.append("")
    return "\n".join(lines)


SOURCES_HEADING = {
    ANSWERED: "Sources:",
    CLOSEST: "Closest passages (they may not answer it):",
    NOT_FOUND: "Nearest passages (they do not answer it):",
}


def basket_markdown(pins: list[Pin], style: str = "plain") -> str:
    """Pinned quotes with their citations, one numbered item each, and their notes."""
    lines = ["# Quotes", ""]
    for i, pin in enumerate(pins, start=1):
        lines.append(f"{i}. {quote_with_source(pin.citation, style)}")
        if pin.note.strip():
            lines.append(f"   Note: {markdown_escape(' '.join(pin.note.split()))}")
    return "\n".join(lines) + "\n"


def basket_text(pins: list[Pin], style: str = "plain") -> str:
    """What "Copy basket" copies: each quote with its citation, its note beneath it."""
    return "\n\n".join(cite(p.citation, style) + (f"\nNote: {p.note.strip()}" if p.note.strip() else "") for p in pins)


def basket_html(pins: list[Pin], style: str = "plain") -> str:
    """The same as ``basket_text`` in HTML, for the clipboard: the citations' italics, and each note
    (escaped) beneath its quote, so that a paste into a word processor keeps the notes too."""

    def note(pin: Pin) -> str:
        text = pin.note.strip()
        return "<br>\nNote: " + html.escape(text).replace("\n", "<br>\n") if text else ""

    return "<br>\n<br>\n".join(cite_html(p.citation, style) + note(p) for p in pins)


def quote_with_source(citation: Citation, style: str) -> str:
    """The quote and its source in ``style`` as one Markdown line."""
    text = cite(citation, style)
    return text.replace("\n", " ") if style == "markdown" else markdown_escape(text.replace("\n", " "))
