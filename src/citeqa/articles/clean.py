"""Turning scraped article text into a title, a byline and clean body paragraphs.

Scraped news text carries a headline, a byline block (author, role, date line), stray HTML tags, a
standfirst that appears twice, and the site's own prompts (comment forums, log-in notices, adverts).
This module finds what the text gives and drops the rest. Body sentences are never rewritten: a
paragraph is either kept as written or dropped whole.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from citeqa.articles.sentences import split_sentences
from citeqa.errors import ArticleError

log = logging.getLogger(__name__)

# Formatting tags that scrapers leave around paragraphs. Any other tag (<script>, <img ...>) is text the
# article really contains, so it is kept and later shown literally.
_FORMAT_TAG = re.compile(r"</?(?:p|br|div|span|em|strong|b|i|u|small|h[1-6])\b[^<>]{0,200}/?>", re.IGNORECASE)

# Whole paragraphs that are the site talking, not the article. Each must match the entire paragraph,
# so a sentence of the article that merely contains these words is never dropped.
_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"[\s\-–—_*]*advert(isement)?[\s\-–—_*]*",
        r"(story|article) continues below( advertisement)?",
        r"join (our|the) (commenting )?(forum|conversation|discussion)\.?",
        r"join thought-provoking conversations.{0,200}",
        r"thank you for registering\.?",
        r"please refresh (the|your) (page|browser).{0,200}",
        r"(sign|log) ?(in|up)( now| here| today)?( to .{0,120})?\.?",
        r"(sign up|subscribe) (to|for) (our|the) .{0,120}(newsletter|email|emails|alerts)\b.{0,80}",
        r"(read|see) (more|also)\s*[:\-–—].{0,200}",
        r"(related|recommended|most (read|popular))\s*[:\-–—]?.{0,200}",
        r"(share|follow us)( (this|on) .{0,80})?",
        r"(click|tap) here .{0,160}",
        r"(view|show|hide) ?(all )?comments?( \(\d+\))?",
        r"(copyright|©) .{0,160}|all rights reserved\.?",
        r"want to bookmark your favourite articles.{0,200}",
        r"(image|photo(graph)?|picture)( credit)?\s*:.{0,160}|\(?getty images\)?",
    )
]

# Site prompts that name the site: the only evidence of an outlet a plain-text scrape carries.
_SITE_SIGNATURES = {
    "The Independent": re.compile(r"follow other Independent readers", re.IGNORECASE),
}

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>\d{4})\b", re.IGNORECASE),
    re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
]
# What may stand beside the date on a date line: weekdays, times, time zones, "Published"/"Updated".
_DATE_LINE_REST = re.compile(
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|"
    r"published|updated|last|modified|posted|on|at|\d{1,2}[:.]\d{2}(\s*[ap]\.?m\.?)?|[A-Z]{2,5}|"
    r"[\s,.:|·•\-–—()+]|\d{1,2}\s*(hours?|hrs?|minutes?|mins?)\s+ago)*",
    re.IGNORECASE,
)
_NAME_WORD = r"[A-Z][\w'’.\-]*"
_PARTICLES = r"(?:de|da|del|der|van|von|bin|al|la|le|du|dos)"
_NAME = re.compile(rf"(?:By\s+)?{_NAME_WORD}(?:\s+(?:{_PARTICLES}|{_NAME_WORD}|and|&)){{1,5}}")
_CLOSERS = "”’\"')]"  # what may follow a sentence's last mark: closing quotes and brackets
_MAX_HEADER_LINES = 8
_SPACES = re.compile(r"\s+")
_LOOK_PAST = 200
# Real news paragraphs are under about 2,000 characters (the longest in 2,225 BBC articles: 2,572). A
# longer one is cut at sentence ends into paragraphs of at most this many, so that what one citation
# quotes, sends to the browser and saves with a conversation stays small whatever a file holds, and
# every pattern below reads at most this much at a time.
MAX_PARAGRAPH_CHARS = 4_000
# Raise when the same file would be read into other paragraphs or metadata (4: sections): articles are
# then read again (and only the texts that changed are embedded again).
PARSER = 4


@dataclass(frozen=True)
class ParsedText:
    """What the text of one article gives: metadata found in it and its body paragraphs."""

    title: str | None
    paragraphs: tuple[str, ...]
    subtitle: str | None = None
    standfirst: str | None = None
    author: str | None = None
    date: dt.date | None = None
    outlet: str | None = None
    cut: int = 0  # paragraphs over MAX_PARAGRAPH_CHARS that were cut into several


def parse_date(text: str) -> dt.date | None:
    """The first calendar date written in ``text`` ("26 May 2021", "May 26, 2021", "2021-05-26")."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        month = match["month"]
        number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
        try:
            return dt.date(int(match["year"]), number, int(match["day"]))
        except ValueError:
            continue
    return None


def split_paragraphs(text: str) -> list[str]:
    """Split text into paragraphs: blank lines separate them, and so do line breaks between sentences.

    Lines of a hard-wrapped paragraph (a break where no sentence ends) are joined with one space.
    """
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        current: list[str] = []
        for line in lines:
            current.append(line)
            if _ends_sentence(line) or len(line) < 50 or line.endswith(">"):
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def _ends_sentence(line: str) -> bool:
    """Whether ``line`` ends with . ! ? : or ; (closing quotes or brackets may follow). ``line`` has no
    line break; only its end is read, however long it is."""
    return line.rstrip(_CLOSERS).endswith((".", "!", "?", ":", ";"))


def bound_paragraph(paragraph: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[str]:
    """``paragraph`` if it has at most ``limit`` characters; else its pieces, each of whole sentences
    and at most ``limit`` characters, a sentence longer than that cut where a space is. Every piece
    is a slice of ``paragraph``: only the white space at a cut is left out.

    The sentences are looked for a window of ``limit`` characters at a time, so no pattern ever reads
    more than that in one go (a long scan would hold the interpreter lock, stopping every other thread).

    Raises:
        ArticleError: more than ``limit`` characters go by with no space to cut at.
    """
    if len(paragraph) <= limit:
        return [paragraph]
    pieces: list[str] = []
    at = 0
    while len(paragraph) - at > limit:
        # A little past the limit, so that the end of a sentence right at it is seen as one.
        window = paragraph[at : at + limit + _LOOK_PAST]
        ends = [end for _, end in split_sentences(window) if end <= limit]
        if ends:
            cut = ends[-1]
        else:  # one sentence longer than the limit: cut at the last space before it
            spaces = list(_SPACES.finditer(window, 0, limit + 1))
            if not spaces or spaces[-1].start() == 0:
                raise ArticleError(
                    f"it has a run of more than {limit:,} characters with no space (“{window[:40]}…”); "
                    "that is not the text of an article"
                )
            cut = spaces[-1].start()
        pieces.append(window[:cut])
        at += cut
        while at < len(paragraph) and paragraph[at].isspace():
            at += 1
    if at < len(paragraph):
        pieces.append(paragraph[at:])
    return pieces


def strip_format_tags(paragraph: str) -> str:
    return _FORMAT_TAG.sub("", paragraph).strip()


def is_boilerplate(paragraph: str) -> bool:
    return len(paragraph) <= 300 and any(p.fullmatch(paragraph) for p in _BOILERPLATE)


def _is_date_line(line: str) -> bool:
    return len(line) <= 80 and parse_date(line) is not None and _is_only_date(line)


def _is_only_date(line: str) -> bool:
    for pattern in _DATE_PATTERNS:
        line = pattern.sub(" ", line)
    return _DATE_LINE_REST.fullmatch(line) is not None


def _is_byline_line(line: str) -> bool:
    """A short run of capitalised words without sentence punctuation: a name or a job title."""
    words = line.split()
    return len(line) <= 60 and len(words) <= 6 and not _ends_sentence(line) and _NAME.fullmatch(line) is not None


def _is_headline(paragraph: str) -> bool:
    """A first line short enough for a headline and not ending a sentence with a full stop: a headline
    may end in "?", "!" or an ellipsis ("Can Yahoo dominate next decade?", "'My memories of Marley...'")."""
    if len(paragraph) > 200 or len(paragraph.split()) >= 20:
        return False
    end = paragraph.rstrip(_CLOSERS)
    return end.endswith(("?", "!", "...", "…")) or not _ends_sentence(paragraph)


def _is_body(paragraph: str) -> bool:
    return len(paragraph.split()) >= 20 or _ends_sentence(paragraph)


def _author_from(line: str) -> str:
    name = re.sub(r"^By\s+", "", line.split(",")[0]).strip()
    return name


def parse_text(text: str, *, find_title: bool = True) -> ParsedText:
    """Find the headline, byline and body of a scraped article's plain text.

    Args:
        find_title: whether the text may start with its headline (not when the headline came from
            elsewhere, such as an HTML page's title tag).
    """
    paragraphs: list[str] = []
    outlet = None
    cut = 0
    for raw in split_paragraphs(text):
        pieces = bound_paragraph(raw)
        cut += len(pieces) > 1
        for piece in pieces:
            paragraph = strip_format_tags(piece)
            if not paragraph:
                continue
            if is_boilerplate(paragraph):
                outlet = outlet or _outlet_named_by(paragraph)
                log.debug("dropped boilerplate: %r", paragraph[:80])
                continue
            paragraphs.append(paragraph)
    if cut:
        log.info("%d paragraphs over %d characters were cut at sentence ends", cut, MAX_PARAGRAPH_CHARS)
    if not paragraphs:
        return ParsedText(title=None, paragraphs=(), cut=cut)

    title = None
    if find_title and _is_headline(paragraphs[0]) and len(paragraphs) > 1:
        title = paragraphs.pop(0)

    header: list[str] = []
    while paragraphs and len(header) < _MAX_HEADER_LINES and not _is_body(paragraphs[0]):
        header.append(paragraphs.pop(0))
    subtitle, author, date = _read_header(header)
    if author is None and date is None:
        # No byline block: the short lines after the headline are the body's own (a match report's
        # venue, a first paragraph missing its full stop), and stay citable.
        paragraphs[:0] = header
        subtitle = None

    standfirst = None
    if len(paragraphs) >= 3 and paragraphs[0] == paragraphs[1]:
        standfirst = paragraphs.pop(0)
        paragraphs.pop(0)

    body: list[str] = []
    seen = {standfirst}  # a set: parsing stays linear in the number of paragraphs
    for paragraph in paragraphs:
        if paragraph in seen:
            log.debug("dropped repeated paragraph: %r", paragraph[:80])
            continue
        seen.add(paragraph)
        body.append(paragraph)
    if not any(map(_is_body, body)):  # short lines alone (a page's menu, a caption) are no article
        body = []
    return ParsedText(
        title=title,
        paragraphs=tuple(body),
        subtitle=subtitle,
        standfirst=standfirst,
        author=author,
        date=date,
        outlet=outlet,
        cut=cut,
    )


def _read_header(header: list[str]) -> tuple[str | None, str | None, dt.date | None]:
    """Split the lines between headline and body into subtitle, author and date."""
    date_at = next((i for i, line in enumerate(header) if _is_date_line(line)), None)
    date = parse_date(header[date_at]) if date_at is not None else None
    byline_end = date_at if date_at is not None else len(header)
    byline_start = byline_end
    while byline_start > 0 and _is_byline_line(header[byline_start - 1]):
        byline_start -= 1
    author = None
    if date_at is not None and byline_start < byline_end:
        author = _author_from(header[byline_start])
    else:
        by = next((i for i, line in enumerate(header) if re.match(r"By\s+[A-Z]", line)), None)
        if by is not None:
            author, byline_start = _author_from(header[by]), by
    rest = [line for i, line in enumerate(header[:byline_start]) if i != date_at]
    subtitle = rest[0] if rest else None
    return subtitle, author, date


def _outlet_named_by(paragraph: str) -> str | None:
    return next((name for name, sign in _SITE_SIGNATURES.items() if sign.search(paragraph)), None)
