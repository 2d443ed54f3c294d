"""Links within the app: to an article in the reader, at a paragraph and a quote."""

from __future__ import annotations

import re

from citeqa import Citation


def whole_number(value: str | None) -> int | None:
    """A whole number from a link's parameter, or None for anything else ("²", 5,000 digits, "-3")."""
    return int(value) if value and re.fullmatch(r"[0-9]{1,6}", value) else None


READER_PARAMS = ("article", "p", "s", "e")


def reader_params(article_id: str, paragraph: int | None = None, citation: Citation | None = None) -> dict[str, str]:
    """The address of an article in the reader: at a paragraph, with a quote's offsets to highlight."""
    params = {"article": article_id} | ({"p": str(paragraph)} if paragraph else {})
    if citation is not None:
        params |= {"s": str(citation.quote_start), "e": str(citation.quote_end)}
    return params
