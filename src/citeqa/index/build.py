"""A build: the articles, their passages and the vectors and keyword weights that find them.

A build is made in memory by ``build``, whatever the backend, and published by a store (see
base.py): a folder of FAISS and bm25s files (stores/folder), or a Qdrant collection
(stores/qdrant). Each build records what it was made from (model, corpus fingerprint), so a stale or
foreign build is noticed on load. Vectors the previous build (as loaded in memory) already holds for
the same text are copied from it, found by key (vectors.py), instead of being embedded again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from citeqa.articles.clean import PARSER
from citeqa.articles.passages import build_passages, continues, keyword_text
from citeqa.index import vectors
from citeqa.index.base import BuildReport, IndexData, Manifest, Progress, Searcher
from citeqa.index.embed import Embedder
from citeqa.index.memory import MemorySearcher
from citeqa.index.pending import PendingVectors
from citeqa.index.vectors import Key
from citeqa.quotations import extract
from citeqa.records import Article, Passage, Quotation

log = logging.getLogger(__name__)

FORMAT = 8  # raise when the layout or the way passages are built changes: old builds are then rebuilt

# Texts embedded at a time while indexing. Small, because a question waits for the batch under way:
# at 32 short texts that is a fraction of a second.
BATCH = 32

_WINDOW = 32 * BATCH  # texts sorted by length together


def fingerprint(articles: Sequence[Article], model: str) -> str:
    digest = hashlib.sha256(f"{FORMAT}\n{PARSER}\n{model}\n".encode())
    for article in sorted(articles, key=lambda a: a.id):
        digest.update(f"{article.id}\t{article.path}\t{article.sha256}\n".encode())
    return digest.hexdigest()


def build(
    articles: tuple[Article, ...],
    embedder: Embedder,
    *,
    previous: IndexData | None = None,
    known: dict[Key, np.ndarray] | None = None,
    pending: PendingVectors | None = None,
    progress: Progress | None = None,
    partial: Partial | None = None,
) -> tuple[IndexData, BuildReport]:
    """An index of ``articles``, in memory (a store publishes it).

    Vectors that ``previous`` (same model), ``known`` (by key, see vectors.py) or ``pending`` (an
    interrupted build's) already hold are reused, not embedded again; what is embedded is kept in
    ``pending`` as it is made, so that an interruption loses little.

    Args:
        partial: given, it is handed a build of the articles whose vectors are all made so far each
            time a group of texts is embedded (and kept in ``pending``), so that they can be searched
            before the whole collection is indexed. It is never the whole build; that is returned.
    """
    started = time.perf_counter()
    passages = _passages(articles, previous)
    clock = time.perf_counter()
    quotations = _quotations(articles, previous)
    quoting = time.perf_counter() - clock
    known = _known_vectors(previous, embedder.name) | (known or {})
    fresh: dict[Key, np.ndarray] = {}
    reused: set[Key] = set()

    def lookup(key: Key) -> np.ndarray | None:
        found = fresh.get(key)
        if found is None:
            found = known.get(key)
            if found is None and pending is not None:
                found = pending.get(*key)
            if found is not None:
                reused.add(key)
        return found

    todo = vectors.runs(articles, passages, lookup)
    if progress:
        paragraphs = sum(len(a.paragraphs) for a in articles)
        progress(f"Indexing {len(articles):,} articles, {paragraphs:,} paragraphs, {len(todo):,} texts to embed", 0, 0)
        progress("embedding", 0, len(todo))
    early = _Early(articles, passages, lookup, embedder, partial) if partial is not None and todo else None
    if early is not None:
        early.publish()  # what an interrupted build embedded already
    try:
        # Shortest first within windows of the articles' order: a batch of texts of about one length wastes
        # little on padding, the work goes at an even pace (so the time left can be told from it), and
        # at the end of each window its articles are complete.
        for start, end in _windows(len(todo)):
            window = sorted(todo[start:end], key=_length)
            for first in range(0, len(window), BATCH):
                made = vectors.embed(embedder, window[first : first + BATCH])
                fresh |= made
                if pending is not None:
                    for (kind, key), vector in made.items():
                        pending.add(kind, [key], vector[None])
                if progress:
                    progress("embedding", start + min(first + BATCH, len(window)), len(todo))
            if early is not None and end < len(todo):
                if pending is not None:
                    pending.flush()  # what can be searched is kept too
                early.publish()
    finally:  # interrupted or not, what was embedded is kept for the next build
        if pending is not None:
            pending.flush()
    matrices = vectors.matrices(articles, passages, lookup, embedder.dim)
    data = assemble(
        _manifest(articles, embedder, matrices), articles, tuple(passages), matrices=matrices, quotations=quotations
    )
    seconds = time.perf_counter() - started
    log.info(
        "indexed %d passages and %d quotations in %.1fs (%d texts embedded, %d vectors reused; quotations %.1fs)",
        len(passages),
        len(quotations),
        seconds,
        len(todo),
        len(reused),
        quoting,
    )
    return data, BuildReport(embedded=len(todo), reused=len(reused), seconds=seconds, quoting=quoting)


Partial = Callable[[IndexData], None]
# Texts per window: small at first, so that the first articles can be searched early, then _WINDOW.
_FIRST_WINDOWS = (4 * BATCH, 8 * BATCH, 16 * BATCH)


def _windows(total: int) -> Iterator[tuple[int, int]]:
    start = 0
    for size in itertools.chain(_FIRST_WINDOWS, itertools.repeat(_WINDOW)):
        if start >= total:
            return
        yield start, min(total, start + size)
        start += size


def _manifest(articles: Sequence[Article], embedder: Embedder, matrices: dict[str, np.ndarray]) -> Manifest:
    return Manifest(
        format=FORMAT,
        model=embedder.name,
        dim=embedder.dim,
        fingerprint=fingerprint(articles, embedder.name),
        parser=PARSER,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        counts={kind: len(matrix) for kind, matrix in matrices.items()} | {"articles": len(articles)},
        files={},
    )


class _Early:
    """The articles of a build under way whose vectors are all made, handed on as a build of their own."""

    def __init__(
        self,
        articles: tuple[Article, ...],
        passages: list[Passage],
        lookup: vectors.Lookup,
        embedder: Embedder,
        partial: Partial,
    ) -> None:
        self._articles, self._lookup, self._embedder, self._partial = articles, lookup, embedder, partial
        self._passages: dict[str, list[Passage]] = {}
        for p in passages:
            self._passages.setdefault(p.article_id, []).append(p)
        self._done: set[str] = set()

    def publish(self) -> None:
        before = len(self._done)
        for article in self._articles:
            if article.id not in self._done and not vectors.runs(
                (article,), self._passages.get(article.id, []), self._lookup
            ):
                self._done.add(article.id)
        if len(self._done) == before or len(self._done) == len(self._articles):
            return  # nothing new; or everything, which the whole build is about to give
        done = tuple(a for a in self._articles if a.id in self._done)
        passages = tuple(p for a in done for p in self._passages.get(a.id, []))
        matrices = vectors.matrices(done, passages, self._lookup, self._embedder.dim)
        self._partial(assemble(_manifest(done, self._embedder, matrices), done, passages, matrices=matrices))


def _length(run: vectors.Run) -> int:
    return len(run.text)


def unwritable_folder(root: Path) -> str | None:
    """Why a new build cannot be written in ``root`` (read-only, a file in the way), or None if it can.

    Checked before embedding, so that no work is done that could not be kept. A full disk shows only
    when the build is written; the store's ``save`` reports it then.
    """
    probe = root / f".probe-{uuid.uuid4().hex[:8]}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe.mkdir()
        probe.rmdir()
    except FileExistsError:
        return f"{root} is a file, not a folder"
    except OSError as exc:
        return f"{exc.strerror} in {root}"
    return None


def _passages(articles: tuple[Article, ...], previous: IndexData | None) -> list[Passage]:
    """The passages of ``articles``: those of an article the previous build holds unchanged are
    taken from it (passages are made from their article alone), so one change costs one article."""
    if previous is None:
        return build_passages(articles)
    before = {a.id: a for a in previous.articles}
    kept: dict[str, list[Passage]] = {}
    for p in previous.passages:
        kept.setdefault(p.article_id, []).append(p)
    out: list[Passage] = []
    for article in articles:
        out += kept[article.id] if before.get(article.id) == article else build_passages([article])
    return out


def _quotations(articles: tuple[Article, ...], previous: IndexData | None) -> tuple[Quotation, ...]:
    """The quotations of ``articles``: an article the previous build holds unchanged keeps its own
    (quotations, like passages, are found from their article alone), the others are read."""
    before = {a.id: a for a in previous.articles} if previous is not None else {}
    kept: dict[str, list[Quotation]] = {}
    for q in previous.quotations if previous is not None else ():
        kept.setdefault(q.article_id, []).append(q)
    out: list[Quotation] = []
    for article in articles:
        if before.get(article.id) == article:
            out += kept.get(article.id, [])
            continue
        try:
            out += extract(article)
        except Exception as exc:  # a rule's fault must not cost the whole index: the article keeps its passages
            log.warning(
                "the quotations of %s could not be read (%s: %s): it is indexed without them; please report it",
                article.path,
                type(exc).__name__,
                exc,
            )
    return tuple(out)


def _known_vectors(previous: IndexData | None, model: str) -> dict[Key, np.ndarray]:
    """Vectors the previous build holds at hand, by key, if made with the same model."""
    if previous is None or previous.manifest.model != model:
        return {}
    known = {}
    for kind, rows in vectors.keys(previous.articles, previous.passages).items():
        matrix = previous.searcher.vectors(kind)
        if matrix is not None:
            known |= {(kind, key): vector for key, vector in zip(rows, matrix, strict=True)}
    return known


def assemble(
    manifest: Manifest,
    articles: tuple[Article, ...],
    passages: tuple[Passage, ...],
    searcher: Searcher | None = None,
    *,
    matrices: dict[str, np.ndarray] | None = None,
    build_id: str | None = None,
    quotations: tuple[Quotation, ...] | list[Quotation] = (),
) -> IndexData:
    """A build of ``passages`` searched by ``searcher``, or, given ``matrices``, by one in memory."""
    sentence_start = sentence_starts(passages)
    by_id = {a.id: a for a in articles}
    if searcher is None:
        searcher = MemorySearcher.of(
            matrices or {},
            [keyword_text(by_id[p.article_id], p.number) for p in passages],
            [p.article_id for p in passages],
            sentence_start,
        )
    terms = searcher.terms()
    return IndexData(
        manifest=manifest,
        articles=articles,
        passages=passages,
        searcher=searcher,
        sentence_start=sentence_start,
        continuation=np.array([continues(by_id[p.article_id], p.number) for p in passages], dtype=bool),
        terms=terms,
        typical_term_score=terms.typical_score(),
        build_id=build_id,
        quotations=tuple(quotations),
    )


def sentence_starts(passages: tuple[Passage, ...] | list[Passage]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum([len(p.sentences) for p in passages])]).astype(np.int64)


def article_json(article: Article) -> dict:
    data = dict(article.__dict__)
    data["date"] = article.date.isoformat() if article.date else None
    data["paragraphs"] = list(article.paragraphs)
    return data


def passage_json(passage: Passage) -> dict:
    return {
        "id": passage.id,
        "article_id": passage.article_id,
        "number": passage.number,
        "text": passage.text,
        "sentences": [list(s) for s in passage.sentences],
    }


def passage_from_json(data: dict) -> Passage:
    return Passage(
        id=data["id"],
        article_id=data["article_id"],
        number=data["number"],
        text=data["text"],
        sentences=tuple(tuple(s) for s in data["sentences"]),
    )


QUOTATION_FIELDS = ("paragraph", "start", "end", "type", "speaker", "role", "kind", "verb", "speaker_class")


def quotation_json(quotation: Quotation) -> list:
    """A quotation as a short list (its article is known from where it is kept)."""
    return [getattr(quotation, name) for name in QUOTATION_FIELDS]


def quotation_from_json(data: list, article_id: str) -> Quotation:
    return Quotation(**dict(zip(QUOTATION_FIELDS, data, strict=True)), article_id=article_id)


def quotations_json(quotations: tuple[Quotation, ...] | list[Quotation], ids: frozenset[str] | None = None) -> dict:
    """The quotations (of the articles ``ids``, or all) by article id."""
    out: dict[str, list] = {}
    for q in quotations:
        if ids is None or q.article_id in ids:
            out.setdefault(q.article_id, []).append(quotation_json(q))
    return out


def quotations_from_json(data: dict, articles: tuple[Article, ...]) -> tuple[Quotation, ...]:
    """The quotations kept by ``quotations_json``, in the order of ``articles``."""
    return tuple(quotation_from_json(q, a.id) for a in articles for q in data.get(a.id, ()))


def article_from_json(data: dict) -> Article:
    data = dict(data)
    data["date"] = dt.date.fromisoformat(data["date"]) if data["date"] else None
    data["paragraphs"] = tuple(data["paragraphs"])
    return Article(**data)
