"""Reducing HTML pages and Markdown files to the plain article text that ``clean`` reads."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from citeqa.clean import parse_date
from citeqa.errors import ArticleError
from citeqa.records import Metadata

log = logging.getLogger(__name__)

_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_MD_LINE_MARK = re.compile(r"^[ \t]{0,3}(?:>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)")
_MD_RULE = re.compile(r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$")
# Paired emphasis marks around words: **bold**, __bold__, *italic*, _italic_ (not snake_case).
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=[^\s*])(.+?)(?<=[^\s*])\1(?![\w*])")


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


def markdown_to_text(text: str) -> tuple[str | None, str]:
    """The first level-one heading (the headline, if any) and the text with Markdown syntax reduced.

    Headings below it are dropped (they are not sentences of the article), links keep their words,
    images go, and list, quote and emphasis marks are removed: the words stay as written.
    """
    title = None
    lines = []
    for line in text.split("\n"):
        heading = _MD_HEADING.match(line)
        if heading:
            if title is None and len(heading.group(1)) == 1:
                title = heading.group(2).strip()
            lines.append("")
            continue
        if _MD_RULE.match(line):
            lines.append("")
            continue
        line = _MD_LINE_MARK.sub("", line)
        line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))
        line = _MD_EMPHASIS.sub(r"\2", _MD_STRONG.sub(r"\2", line))
        lines.append(line)
    return title, "\n".join(lines)
