"""Checking an uploaded article file before it may join the corpus (``changes`` writes it in)."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from citeqa.articles.corpus import ARTICLE_SUFFIXES, read_article
from citeqa.config import Limits
from citeqa.errors import ArticleError
from citeqa.records import Article

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 120
# Far under the 255 bytes a file name may take on common file systems, so that the hidden name a
# replaced file is set aside under (uuid, name and suffix: 43 bytes more) still fits.
MAX_NAME_BYTES = 180
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Unicode categories no file name needs: they are invisible, reorder or break the name as shown, or
# mean nothing yet. Everything printable (letters and marks of any script, digits, punctuation,
# symbols, spaces) is accepted.
_REFUSED_CATEGORIES = {
    "Cc": "control character",
    "Cf": "invisible formatting character",
    "Cs": "surrogate",
    "Co": "private-use character",
    "Cn": "unassigned character",
    "Zl": "line or paragraph separator",
    "Zp": "line or paragraph separator",
}


def check_name(name: str) -> str:
    """The file name if it is safe to create in the corpus folder; ArticleError says why not.

    Any printable name of any script is accepted. Refused: path separators and ``..`` (a path, not a
    name), a leading dot (a hidden file, which the corpus never reads) or space, characters that are
    invisible or change how the name reads (controls, bidirectional overrides, zero-width and other
    formatting characters, line separators), surrogates, private-use and unassigned code points, and
    names over MAX_NAME_CHARS characters or MAX_NAME_BYTES bytes of UTF-8.
    """
    if not isinstance(name, str) or not name:
        raise ArticleError("the file has no name; name it like article.txt")
    shown = repr(name[:80])
    if "/" in name or "\\" in name or ".." in name:
        raise ArticleError(f"file name {shown} has a path in it; use a plain name like article.txt")
    for char in name:
        problem = _character_problem(char)
        if problem:
            raise ArticleError(f"file name {shown} has a {problem}; rename it like article.txt")
    if name.startswith("."):
        raise ArticleError(f"file name {shown} starts with a dot (a hidden file); rename it like article.txt")
    if name[0].isspace():
        raise ArticleError(f"file name {shown} starts with a space; rename it like article.txt")
    suffix = Path(name).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise ArticleError(f"file name {shown} is not a .txt, .md or .html file")
    size = len(name.encode("utf-8"))
    if len(name) > MAX_NAME_CHARS or size > MAX_NAME_BYTES:
        raise ArticleError(
            f"file name {shown} is {len(name)} characters ({size} bytes) long; shorten it to at most "
            f"{MAX_NAME_CHARS} characters and at most {MAX_NAME_BYTES} bytes in UTF-8"
        )
    return name


def _character_problem(char: str) -> str | None:
    """What is wrong with ``char`` in a file name, named with its code point, or None."""
    code = f"U+{ord(char):04X}"
    label = unicodedata.name(char, "")
    named = f"{code} {label}" if label else code
    if char in _BIDI_CONTROLS:
        return f"bidirectional control {named}"
    kind = _REFUSED_CATEGORIES.get(unicodedata.category(char))
    return f"{kind} {named}" if kind else None


def check_upload(
    name: str, data: bytes, *, limits: Limits, existing: Iterable[Article], replacing: bool = False
) -> Article:
    """The article an uploaded file holds, if it may join the collection; nothing is written.

    Args:
        replacing: the file is to replace the article of the same name, which must exist.

    Raises:
        ArticleError: the name is unsafe, the content is not a readable article or is too long, or it
            repeats an article already in the collection.
    """
    name = check_name(name)
    article = read_article(name, data, limits=limits)
    existing = list(existing)
    if replacing and not any(other.path == name for other in existing):
        raise ArticleError(f"there is no article named {name!r} in the collection to replace")
    for other in existing:
        if other.path == name:
            if replacing:
                continue
            raise ArticleError(f"an article named {name!r} is already in the collection; rename the file")
        if other.sha256 == article.sha256 or other.paragraphs == article.paragraphs:
            raise ArticleError(f"{name!r} repeats {other.path!r}, which is already in the collection")
    return article
