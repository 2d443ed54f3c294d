"""Adding an article file to the corpus: checked whole first, then written atomically."""

from __future__ import annotations

import logging
import os
import re
import uuid
from pathlib import Path

from citeqa.corpus import ARTICLE_SUFFIXES, read_article
from citeqa.errors import ArticleError
from citeqa.records import Article

log = logging.getLogger(__name__)

# Letters, digits, spaces and a little punctuation; no path separators, no leading dot.
_SAFE_NAME = re.compile(r"[^\W_][\w .,()'+-]{0,118}", re.UNICODE)


def check_name(name: str) -> str:
    """The file name if it is safe to create in the corpus folder; ArticleError says why not."""
    shown = repr(name[:80])
    if not isinstance(name, str) or not name:
        raise ArticleError("the file has no name; name it like article.txt")
    if "/" in name or "\\" in name or name in (".", "..") or ".." in name:
        raise ArticleError(f"file name {shown} has a path in it; use a plain name like article.txt")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ArticleError(f"file name {shown} has control characters; rename it like article.txt")
    suffix = Path(name).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise ArticleError(f"file name {shown} is not a .txt, .md or .html file")
    if not _SAFE_NAME.fullmatch(Path(name).stem):
        raise ArticleError(
            f"file name {shown} must start with a letter or digit and use only letters, digits, "
            "spaces and . , ( ) ' + - (at most 120 characters)"
        )
    return name


def add_article(folder: Path, name: str, data: bytes, *, max_bytes: int, existing: tuple[Article, ...]) -> Article:
    """Check an uploaded file and save it into ``folder``; nothing is written unless all is well.

    Raises:
        ArticleError: the name is unsafe or taken, the content is not a readable article, or it
            repeats an article already in the corpus.
    """
    name = check_name(name)
    article = read_article(name, data, max_bytes=max_bytes)
    for other in existing:
        if other.sha256 == article.sha256 or other.paragraphs == article.paragraphs:
            raise ArticleError(f"{name!r} repeats {other.path!r}, which is already in the collection")
    if not folder.is_dir():
        raise ArticleError(f"the corpus folder {folder} does not exist; create it first")
    target = folder / name
    tmp = folder / f".{uuid.uuid4().hex}.upload"
    try:
        with tmp.open("xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        # link() fails if the name exists: an upload never replaces an article, even in a race.
        os.link(tmp, target)
    except FileExistsError:
        raise ArticleError(f"an article named {name!r} is already in the collection; rename the file") from None
    finally:
        tmp.unlink(missing_ok=True)
    log.info("added %s to %s", name, folder)
    return article
