"""Reading a corpus folder: one article per .txt, .md or .html file, broken files skipped with a reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import replace
from pathlib import Path

import yaml

from citeqa import formats
from citeqa.clean import ParsedText, parse_date, parse_text
from citeqa.errors import ArticleError, CorpusError
from citeqa.records import Article, Corpus, CorpusProblem, Metadata

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_FIELDS = ("title", "outlet", "author", "date", "url")
_MAX_FRONT_MATTER = 10_000


def load_corpus(folder: Path, *, max_bytes: int) -> Corpus:
    """Read every article file in ``folder``; files that cannot be read are listed as problems."""
    if not folder.is_dir():
        raise CorpusError(f"corpus folder {folder} does not exist; create it or point CITEQA_CORPUS at one")
    articles: list[Article] = []
    problems: list[CorpusProblem] = []
    seen: dict[str, str] = {}  # file hash -> name of the file first read with it
    files = [
        p
        for p in folder.iterdir()
        if not p.name.startswith(".") and p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
    ]
    # Oldest first, so that of two identical files the original is kept and the copy reported.
    for path in sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name)):
        try:
            data = path.read_bytes()
            article = read_article(path.name, data, max_bytes=max_bytes)
        except (ArticleError, OSError) as exc:
            problems.append(CorpusProblem(path.name, str(exc)))
            log.warning("skipped %s: %s", path.name, exc)
            continue
        if article.sha256 in seen:
            reason = f"same content as {seen[article.sha256]}"
            problems.append(CorpusProblem(path.name, reason))
            log.warning("skipped %s: %s", path.name, reason)
            continue
        seen[article.sha256] = path.name
        articles.append(article)
    # Ids by file name order, so they do not depend on which file is older.
    taken: set[str] = set()
    unique = []
    for article in sorted(articles, key=lambda a: a.path):
        unique.append(replace(article, id=article_id(article.path, taken)))
        taken.add(unique[-1].id)
    return Corpus(articles=tuple(unique), problems=tuple(sorted(problems, key=lambda p: p.path)))


def read_article(name: str, data: bytes, *, max_bytes: int) -> Article:
    """Parse one article file's bytes. Raises ArticleError naming what is wrong with it."""
    suffix = Path(name).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise ArticleError(f"{suffix or 'no extension'} is not an article type; use .txt, .md or .html")
    if len(data) > max_bytes:
        raise ArticleError(
            f"{len(data) / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit for one article "
            "(CITEQA_MAX_ARTICLE_MB raises it)"
        )
    text = decode(data)
    meta, text = split_front_matter(text, name)
    if suffix in (".html", ".htm"):
        page_meta, text = formats.html_to_text(text)
        meta = _merge(meta, page_meta)
    elif suffix == ".md":
        md_title, text = formats.markdown_to_text(text)
        meta = _merge(meta, Metadata(title=md_title))
    parsed = parse_text(text, find_title=suffix == ".txt" or not meta.title)
    if not parsed.paragraphs:
        raise ArticleError("no article text left after removing the site's boilerplate")
    return _article(name, data, meta, parsed)


def decode(data: bytes) -> str:
    """Article bytes as text: UTF-8 only, since a wrong guess at an encoding would misquote the source."""
    if not data.strip():
        raise ArticleError("the file is empty")
    if b"\x00" in data[:8192]:
        raise ArticleError("the file is binary (it contains NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None


def split_front_matter(text: str, name: str) -> tuple[Metadata, str]:
    """Split optional YAML front matter off ``text``. A broken block is ignored with a warning."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return Metadata(), text
    body = text[match.end() :]
    block = match.group(1)
    try:
        if len(block) > _MAX_FRONT_MATTER:
            raise ValueError(f"it is longer than {_MAX_FRONT_MATTER} characters")
        fields = yaml.safe_load(block) or {}
        if not isinstance(fields, dict):
            raise ValueError("it is not a mapping of field: value")
    except (yaml.YAMLError, ValueError) as exc:
        log.warning("%s: front matter ignored, %s", name, str(exc).splitlines()[0])
        return Metadata(), body
    values = {key: _text_field(fields.get(key)) for key in _FRONT_MATTER_FIELDS}
    date = fields.get("date")
    if isinstance(date, dt.datetime):
        values["date"] = date.date()
    elif isinstance(date, dt.date):
        values["date"] = date
    else:
        values["date"] = parse_date(values["date"]) if values["date"] else None
        if date and values["date"] is None:
            log.warning("%s: front matter date %r is not a date like 2021-05-26; left undated", name, date)
    return Metadata(**values), body


def _text_field(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _merge(first: Metadata, second: Metadata) -> Metadata:
    """Fields of ``first``, with the gaps filled from ``second``."""
    return Metadata(**{k: getattr(first, k) or getattr(second, k) for k in Metadata.__dataclass_fields__})


def article_id(name: str, taken: set[str] = frozenset()) -> str:
    """A URL-safe id from the file name, unique among ``taken``: the same file always gets the same id."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-") or "article"
    if stem in taken:
        stem = f"{stem}-{Path(name).suffix.lstrip('.').lower()}"
    return stem


def _article(name: str, data: bytes, meta: Metadata, parsed: ParsedText) -> Article:
    title = meta.title or parsed.title or Path(name).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    return Article(
        id=article_id(name),
        path=name,
        title=title,
        paragraphs=parsed.paragraphs,
        sha256=hashlib.sha256(data).hexdigest(),
        outlet=meta.outlet or parsed.outlet,
        author=meta.author or parsed.author,
        date=meta.date or parsed.date,
        url=meta.url,
        subtitle=parsed.subtitle,
        standfirst=parsed.standfirst,
    )
