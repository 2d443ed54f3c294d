"""Reading a corpus folder: one article per .txt, .md or .html file, in the folder or its sub-folders,
broken files skipped with a reason.

Only regular files inside the folder are read (files.py): a symbolic link (which could point anywhere
on the server) or a device is skipped and reported, and a file is opened without following links, so
one swapped in after the folder was listed is refused too. An article's section is its front matter's
``section:``, else the sub-folder it lies in.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path, PurePosixPath

import yaml

from citeqa.articles import formats
from citeqa.articles.clean import MAX_PARAGRAPH_CHARS, ParsedText, parse_date, parse_text
from citeqa.articles.files import ARTICLE_SUFFIXES, article_files, check_size, folder_section, read_file
from citeqa.articles.sentences import split_sentences
from citeqa.config import Limits
from citeqa.errors import ArticleError
from citeqa.records import Article, Corpus, CorpusProblem, Metadata

log = logging.getLogger(__name__)

__all__ = ["ARTICLE_SUFFIXES", "load_corpus", "read_article", "read_file", "slug"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_FIELDS = ("title", "outlet", "author", "date", "url", "section")
_MAX_FRONT_MATTER = 10_000
_SLUG = re.compile(r"[^a-z0-9]+")


def load_corpus(
    folder: Path,
    *,
    limits: Limits,
    known: Mapping[str, Article] | None = None,
    parsed: Mapping[str, Article] | None = None,
    reread: bool = False,
) -> Corpus:
    """Read every article file in ``folder`` and its sub-folders; files that cannot be read are listed as
    problems. An article's path is its place in the folder ("business/001.txt").

    Args:
        known: articles read before, by file name. One whose file has not changed is reused as it
            is (not parsed again), and every known article keeps its id whatever files are added:
            links to it stay valid. New articles get an id no other article has.
        parsed: articles read already but new to the index (an upload), by file name: not parsed again.
        reread: parse the known articles again (they keep their ids): they were read by an older parser.
    """
    known = known or {}
    parsed = parsed or {}
    files, problems = article_files(folder)
    articles: list[Article] = []
    seen: dict[str, str] = {}  # file hash, and body hash -> name of the file first read with it
    # Oldest first, so that of two identical files the original is kept and the copy reported.
    for file in sorted(files, key=lambda f: (f.mtime_ns, f.name)):
        try:
            data = read_file(folder / file.name, max_bytes=limits.max_bytes, root=folder)
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


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"it could not be read ({exc.strerror or exc})"
    return str(exc)


def read_article(name: str, data: bytes, *, limits: Limits) -> Article:
    """Parse one article file's bytes. Raises ArticleError naming what is wrong with it.

    ``name`` is the file's path inside the corpus folder; a file in a sub-folder takes the sub-folder as
    its section unless its front matter names one. The article's ``id`` is provisional: ``assign_ids``
    gives the final one.
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
    """The URL-safe ASCII base of an article id, from its path in the corpus: "Police Failings (2017).txt"
    -> "police-failings-2017", "Café – notes.txt" -> "cafe-notes", "tech/009.txt" -> "tech-009" (so files
    of one name in two sub-folders differ). Accents are folded; letters with no ASCII form are dropped
    (a name in another script gets "article", numbered if taken)."""
    base = name[: len(name) - len(PurePosixPath(name).suffix)]
    decomposed = unicodedata.normalize("NFKD", base.casefold())
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
        section=meta.section or folder_section(name),
    )
