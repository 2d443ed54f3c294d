"""Reading a corpus folder: one article per .txt, .md or .html file, broken files skipped with a reason.

Only regular files directly inside the folder are read: a symbolic link (which could point anywhere on
the server) or a device is skipped and reported, and a file is opened without following links, so one
swapped in after the folder was listed is refused too.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from citeqa.articles import formats
from citeqa.articles.clean import MAX_PARAGRAPH_CHARS, ParsedText, parse_date, parse_text
from citeqa.articles.sentences import split_sentences
from citeqa.config import Limits
from citeqa.errors import ArticleError, CorpusError
from citeqa.records import Article, Corpus, CorpusProblem, Metadata

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_FIELDS = ("title", "outlet", "author", "date", "url")
_MAX_FRONT_MATTER = 10_000
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class _File:
    name: str
    mtime_ns: int


def load_corpus(
    folder: Path,
    *,
    limits: Limits,
    known: Mapping[str, Article] | None = None,
    parsed: Mapping[str, Article] | None = None,
    reread: bool = False,
) -> Corpus:
    """Read every article file in ``folder``; files that cannot be read are listed as problems.

    Args:
        known: articles read before, by file name. One whose file has not changed is reused as it
            is (not parsed again), and every known article keeps its id whatever files are added:
            links to it stay valid. New articles get an id no other article has.
        parsed: articles read already but new to the index (an upload), by file name: not parsed again.
        reread: parse the known articles again (they keep their ids): they were read by an older parser.
    """
    known = known or {}
    parsed = parsed or {}
    files, problems = _article_files(folder)
    articles: list[Article] = []
    seen: dict[str, str] = {}  # file hash, and body hash -> name of the file first read with it
    # Oldest first, so that of two identical files the original is kept and the copy reported.
    for file in sorted(files, key=lambda f: (f.mtime_ns, f.name)):
        try:
            data = read_file(folder / file.name, max_bytes=limits.max_bytes)
            digest = hashlib.sha256(data).hexdigest()
            before = known.get(file.name) or parsed.get(file.name)
            if before is not None and before.sha256 == digest and not (reread and file.name in known):
                article = before
            else:
                article = read_article(file.name, data, limits=limits)
        except FileNotFoundError:
            log.info("%s was removed while the folder was read", file.name)
            continue
        except (ArticleError, OSError) as exc:
            problems.append(CorpusProblem(file.name, _reason(exc)))
            continue
        if article.sha256 in seen:
            problems.append(CorpusProblem(file.name, f"same content as {seen[article.sha256]}"))
            continue
        body = body_digest(article)
        if body in seen:  # the same story filed twice under two headlines: its quotes would be cited twice
            problems.append(CorpusProblem(file.name, f"same text as {seen[body]}, under another headline"))
            continue
        seen[article.sha256] = seen[body] = file.name
        articles.append(article)
    for problem in problems:
        log.info("skipped %s", problem)
    return Corpus(articles=tuple(assign_ids(articles, known)), problems=tuple(sorted(problems, key=lambda p: p.path)))


def body_digest(article: Article) -> str:
    """What two files of one story under two headlines share: the hash of their body paragraphs."""
    return "body:" + hashlib.sha256("\n\n".join(article.paragraphs).encode()).hexdigest()


def _article_files(folder: Path) -> tuple[list[_File], list[CorpusProblem]]:
    """The article files directly in ``folder`` (hidden files and other types ignored), and the
    entries that are named like articles but are not regular files."""
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        raise CorpusError(f"corpus folder {folder} does not exist; create it or point CITEQA_CORPUS at one") from None
    except NotADirectoryError:
        raise CorpusError(f"corpus folder {folder} is a file, not a folder; point CITEQA_CORPUS at a folder") from None
    except OSError as exc:
        raise CorpusError(f"cannot list the corpus folder {folder} ({exc.strerror}); check its permissions") from None
    files, problems = [], []
    for entry in entries:
        if entry.name.startswith(".") or Path(entry.name).suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        try:
            if entry.is_symlink():
                problems.append(CorpusProblem(entry.name, _LINK))
            elif entry.is_file(follow_symlinks=False):
                files.append(_File(entry.name, entry.stat(follow_symlinks=False).st_mtime_ns))
            elif not entry.is_dir(follow_symlinks=False):
                problems.append(CorpusProblem(entry.name, _NOT_REGULAR))
        except FileNotFoundError:  # removed since the folder was listed
            continue
    return files, problems


_LINK = "it is a symbolic link; only regular files inside the corpus folder are read (copy the file in instead)"
_NOT_REGULAR = "it is not a regular file (a device, socket or pipe); only regular files are read"


def read_file(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of a regular file, refused before reading if it is over ``max_bytes`` or a link."""
    try:
        # No following links; non-blocking so that a pipe swapped in cannot hang the reader.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ArticleError(_LINK) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(_NOT_REGULAR)
        check_size(info.st_size, max_bytes)
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(max_bytes + 1)  # never more than the limit, whatever the file claims
    finally:
        os.close(fd)
    check_size(len(data), max_bytes)
    return data


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise ArticleError(
            f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:g} MB limit for one article "
            "(CITEQA_MAX_ARTICLE_MB raises it)"
        )


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"it could not be read ({exc.strerror or exc})"
    return str(exc)


def read_article(name: str, data: bytes, *, limits: Limits) -> Article:
    """Parse one article file's bytes. Raises ArticleError naming what is wrong with it.

    The article's ``id`` is provisional: ``assign_ids`` gives the final one.
    """
    suffix = Path(name).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise ArticleError(f"{suffix or 'no extension'} is not an article type; use .txt, .md or .html")
    check_size(len(data), limits.max_bytes)
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
    _check_length(parsed, limits)
    return _article(name, data, meta, parsed)


def _check_length(parsed: ParsedText, limits: Limits) -> None:
    """Refuse an article whose indexing would cost more than one article may."""
    paragraphs = parsed.paragraphs
    if len(paragraphs) > limits.max_paragraphs:
        cut = f" (once {parsed.cut:,} over {MAX_PARAGRAPH_CHARS:,} characters are cut at sentence ends)"
        raise ArticleError(
            f"it has {len(paragraphs):,} paragraphs{cut if parsed.cut else ''}, more than the "
            f"{limits.max_paragraphs:,} one article may have; split it into several files "
            "(CITEQA_MAX_PARAGRAPHS raises the limit)"
        )
    sentences = 0
    for paragraph in paragraphs:
        sentences += len(split_sentences(paragraph))
        if sentences > limits.max_sentences:
            raise ArticleError(
                f"it has more than {limits.max_sentences:,} sentences, the most one article may have; "
                "split it into several files (CITEQA_MAX_PARAGRAPHS raises the limit)"
            )


def decode(data: bytes) -> str:
    """Article bytes as text: UTF-8, or UTF-16 that says so with a byte-order mark. No guessing at
    other encodings, since a wrong guess would misquote the source."""
    if not data.strip():
        raise ArticleError("the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ArticleError(
                f"it starts as UTF-16 text but is damaged at byte {exc.start}; save it as UTF-8"
            ) from None
    else:
        if b"\x00" in data[:8192]:
            raise ArticleError("the file is binary (it contains NUL bytes), not an article")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ArticleError(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
            ) from None
    if "\x00" in text:
        raise ArticleError("the file is binary (it contains NUL characters), not an article")
    return text


def split_front_matter(text: str, name: str) -> tuple[Metadata, str]:
    """Split optional YAML front matter off ``text``. A broken block is ignored with a warning; a
    broken field (a date that is not a date, a link that is not a web address) only loses that field."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return Metadata(), text
    body = text[match.end() :]
    block = match.group(1)
    try:
        if len(block) > _MAX_FRONT_MATTER:
            raise ValueError(f"it is longer than {_MAX_FRONT_MATTER} characters")
        # BaseLoader: every value is text, so a value YAML would read as an impossible date
        # (2021-02-30) is one bad field, not an exception that loses the whole block.
        fields = yaml.load(block, Loader=yaml.BaseLoader) or {}
        if not isinstance(fields, dict):
            raise ValueError("it is not a mapping of field: value")
    except (yaml.YAMLError, ValueError) as exc:
        log.warning("%s: front matter ignored, %s", name, str(exc).splitlines()[0])
        return Metadata(), body
    values: dict[str, object] = {key: _text_field(fields.get(key)) for key in _FRONT_MATTER_FIELDS}
    raw_date = values["date"]
    values["date"] = parse_date(str(raw_date)) if raw_date else None
    if raw_date and values["date"] is None:
        log.warning("%s: front matter date %r is not a date like 2021-05-26; left undated", name, raw_date)
    raw_url = values["url"]
    values["url"] = formats.web_url(str(raw_url)) if raw_url else None
    if raw_url and values["url"] is None:
        log.warning("%s: front matter url %r is not an http(s) address; left out", name, raw_url)
    return Metadata(**values), body


def _text_field(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _merge(first: Metadata, second: Metadata) -> Metadata:
    """Fields of ``first``, with the gaps filled from ``second``."""
    return Metadata(**{k: getattr(first, k) or getattr(second, k) for k in Metadata.__dataclass_fields__})


def slug(name: str) -> str:
    """The URL-safe ASCII base of an article id, from its file name: "Police Failings (2017).txt" ->
    "police-failings-2017", "Café – notes.txt" -> "cafe-notes". Accents are folded; letters with no
    ASCII form are dropped (a name in another script gets "article", numbered if taken)."""
    decomposed = unicodedata.normalize("NFKD", Path(name).stem.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SLUG.sub("-", ascii_only).strip("-")[:80].strip("-") or "article"


def assign_ids(articles: list[Article], known: Mapping[str, Article]) -> list[Article]:
    """Articles with their final ids: a known file keeps the id it had; a new one gets its slug, or
    the slug with the lowest free number (-2, -3, ...), so no two articles ever share an id and a new
    file can never take an existing article's id, however its name is spelled."""
    kept = {a.path: known[a.path].id for a in articles if a.path in known}
    taken = set(kept.values())
    result = []
    for article in articles:  # in reading order: the older file gets the plain slug
        new_id = kept.get(article.path)
        if new_id is None:
            base = slug(article.path)
            new_id, number = base, 2
            while new_id in taken:
                new_id, number = f"{base}-{number}", number + 1
            taken.add(new_id)
        result.append(article if article.id == new_id else replace(article, id=new_id))
    return sorted(result, key=lambda a: a.path)


def _article(name: str, data: bytes, meta: Metadata, parsed: ParsedText) -> Article:
    title = meta.title or parsed.title or Path(name).stem.replace("-", " ").replace("_", " ").strip().capitalize()
    return Article(
        id=slug(name),
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
