"""Reducing HTML pages and Markdown files to the plain article text that ``clean`` reads."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from citeqa.articles.clean import parse_date
from citeqa.articles.markdown import markdown_to_text
from citeqa.errors import ArticleError
from citeqa.records import Metadata

log = logging.getLogger(__name__)

__all__ = ["html_to_text", "markdown_to_text", "web_url"]


def html_to_text(html: str) -> tuple[Metadata, str]:
    """The article text of a saved web page and the metadata the page declares."""
    import trafilatura  # slow to import; only HTML articles need it

    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            # Only dates the page declares: no guessing from the text or the URL.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except (ValueError, TypeError) as exc:  # lxml raises these on markup it cannot parse
        raise ArticleError(f"the HTML could not be parsed ({exc})") from None
    if doc is None or not (doc.text or "").strip():
        raise ArticleError("no article text was found in the HTML page")
    meta = Metadata(
        title=doc.title or None,
        outlet=doc.sitename or None,
        author=doc.author or None,
        date=parse_date(doc.date) if doc.date else None,
        url=web_url(doc.url) if doc.url else None,
    )
    lines = doc.text.split("\n")
    if meta.title and lines and lines[0].strip() == meta.title:
        lines = lines[1:]
    # One paragraph per line in trafilatura's text; blank lines make that explicit for the cleaner.
    return meta, "\n\n".join(lines)


def web_url(url: str) -> str | None:
    """``url`` if it is a plain http(s) address (the only kind a citation may carry), else None: no
    javascript:, data: or file: links reach a citation, an export or a page."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(ord(c) < 32 for c in url):
        return None
    return url
