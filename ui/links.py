"""Links within the app: to an article in the reader, at a paragraph and a quote, in the version quoted.

Every parameter of such a link is untrusted (anyone can edit an address): each is read through a
check here that gives None for anything but the values the app itself makes.
"""

from __future__ import annotations

import re

from citeqa import Article, Citation
from citeqa.records import STANDFIRST, SUBTITLE

VERSION_CHARS = 12  # of the article's SHA-256: which version a link's quote was taken from


def whole_number(value: str | None) -> int | None:
    """A whole number from a link's parameter, or None for anything else ("²", 5,000 digits, "-3")."""
    return int(value) if value and re.fullmatch(r"[0-9]{1,6}", value) else None


_PARTS = {"standfirst": STANDFIRST, "subtitle": SUBTITLE}


def paragraph_number(value: str | None) -> int | None:
    """Where a link points in an article: a paragraph number, or "standfirst" or "subtitle" (their
    numbers, records.STANDFIRST and SUBTITLE); None for anything else."""
    return _PARTS[value] if value in _PARTS else whole_number(value)


def paragraph_param(number: int) -> str:
    """How a link names passage ``number``: "3", "standfirst", "subtitle"."""
    return next((name for name, n in _PARTS.items() if n == number), str(number))


def version(value: str | None) -> str | None:
    """An article version from a link's parameter (a short hash of its content), or None if it is not one."""
    return value if value and re.fullmatch(f"[0-9a-f]{{{VERSION_CHARS}}}", value) else None


def version_of(article: Article) -> str:
    return article.sha256[:VERSION_CHARS]


READER_PARAMS = ("article", "p", "s", "e", "v")


def reader_params(article_id: str, paragraph: int | None = None, citation: Citation | None = None) -> dict[str, str]:
    """The address of an article in the reader: at a paragraph, with a quote's offsets to highlight and
    the version of the article they apply to."""
    params = {"article": article_id} | ({"p": paragraph_param(paragraph)} if paragraph is not None else {})
    if citation is not None:
        params |= {"s": str(citation.quote_start), "e": str(citation.quote_end), "v": version_of(citation.article)}
    return params
