"""The index on disk: a folder of builds, and a CURRENT file naming the one in use.

A build is written whole into a new folder, checked, and only then made current by replacing CURRENT
(a temp file and ``os.replace``), so a reader always sees a complete build and a process killed while
indexing leaves the previous build in use. Each build records what it was made from (model, corpus
fingerprint) and a checksum of every file, so a stale, foreign or damaged build is noticed on load.
Vectors whose text has not changed are copied from the previous build, as loaded in memory, instead
of being embedded again.

Building and saving are separate steps: ``build`` makes an index in memory, ``save`` writes it. When
the folder cannot be written (read-only, full disk, a file where the folder should be), ``save`` says
so, and the caller still has the complete index in memory.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import bm25s
import faiss
import numpy as np

from citeqa import keywords
from citeqa.clean import PARSER
from citeqa.embed import Embedder
from citeqa.errors import BadIndexError, IndexWriteError
from citeqa.passages import build_passages, context_text, continues, keyword_text
from citeqa.pending import PendingVectors
from citeqa.records import Article, Passage

log = logging.getLogger(__name__)

FORMAT = 5  # raise when the layout or the way passages are built changes: old builds are then rebuilt
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
KINDS = ("passage", "context", "sentence")  # the vector sets of a build, see passages.py

# Texts embedded at a time while indexing. Small, because a question waits for the batch under way:
# at 32 short texts that is a fraction of a second.
BATCH = 32

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Manifest:
    format: int
    model: str
    dim: int
    fingerprint: str  # of the corpus: article files and their hashes
    created: str
    counts: dict[str, int]
    files: dict[str, str]  # file name -> sha256, for every other file of the build
    parser: int = 1  # the clean.PARSER its articles were read with


@dataclass(frozen=True)
class IndexData:
    """A loaded build: everything search needs, never changed after loading (safe to share)."""

    manifest: Manifest
    articles: tuple[Article, ...]
    passages: tuple[Passage, ...]
    vectors: dict[str, faiss.IndexFlatIP]  # row position in "passage"/"context" is the passage's row
    # Passage row r's sentences are rows sentence_start[r] .. sentence_start[r + 1] - 1 of "sentence".
    sentence_start: np.ndarray
    continuation: np.ndarray  # continuation[r]: passage row r goes on from the paragraph before it
    bm25: bm25s.BM25
    typical_term_score: float  # the most one term of average rarity can score in BM25 (its IDF)
    path: Path | None  # the build folder it was read from or saved to; None while only in memory

    def matrix(self, kind: str) -> np.ndarray:
        """The vectors of ``kind`` as a read-only array, without copying them out of FAISS."""
        index = self.vectors[kind]
        array = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)
        array.flags.writeable = False
        return array


@dataclass(frozen=True)
class BuildReport:
    embedded: int  # texts embedded in this build
    reused: int  # vectors copied from the previous build
    seconds: float


def fingerprint(articles: tuple[Article, ...] | list[Article], model: str) -> str:
    digest = hashlib.sha256(f"{FORMAT}\n{PARSER}\n{model}\n".encode())
    for article in sorted(articles, key=lambda a: a.id):
        digest.update(f"{article.id}\t{article.path}\t{article.sha256}\n".encode())
    return digest.hexdigest()


def current_build(root: Path) -> Path | None:
    """The folder of the build in use, or None if there is none yet.

    Raises BadIndexError if CURRENT is damaged (not a file, not text, not a build's name).
    """
    path = root / CURRENT
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise BadIndexError(f"cannot read {path} ({exc.strerror}); rebuild the index") from None
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        name = ""
    if not name.startswith("build-") or len(name) > 100 or not name.isprintable() or "/" in name:
        raise BadIndexError(f"{path} does not name a build folder ({raw[:40]!r}); rebuild the index")
    return root / name


def current_signature(root: Path) -> tuple[int, int, int] | None:
    """What changes whenever another build is made current (CURRENT is replaced, not rewritten)."""
    try:
        info = os.stat(root / CURRENT)
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def load(root: Path) -> IndexData:
    """Load and check the current build. Raises BadIndexError if it is missing or damaged.

    If another process makes a newer build current (and removes this one) while it is being read,
    the newer one is read instead.
    """
    for _ in range(3):
        build = current_build(root)
        if build is None:
            raise BadIndexError(f"no index in {root} yet")
        try:
            return _load_build(build)
        except BadIndexError:
            if current_build(root) == build:
                raise
    raise BadIndexError(f"the index in {root} kept changing while it was read; try again")


def _load_build(build: Path) -> IndexData:
    try:
        manifest = Manifest(**json.loads((build / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise BadIndexError(f"the manifest of {build} is unreadable ({exc}); rebuild the index") from None
    if manifest.format != FORMAT:
        raise BadIndexError(f"{build} has index format {manifest.format}, this version reads {FORMAT}")
    for name, expected in manifest.files.items():
        path = build / name
        if not path.is_file() or _sha256(path) != expected:
            raise BadIndexError(f"{path} is missing or damaged; rebuild the index")
    try:
        return _read_build(build, manifest)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise BadIndexError(f"cannot read {build} ({exc}); rebuild the index") from None


def build(
    articles: tuple[Article, ...],
    embedder: Embedder,
    *,
    previous: IndexData | None = None,
    known: dict[tuple[str, str], np.ndarray] | None = None,
    pending: PendingVectors | None = None,
    progress: Progress | None = None,
) -> tuple[IndexData, BuildReport]:
    """An index of ``articles``, in memory (``save`` writes it).

    Vectors of texts that ``previous`` (same model), ``known`` ((kind, text) -> vector) or ``pending``
    (an interrupted build's) already hold are reused, not embedded again; what is embedded is kept in
    ``pending`` as it is made, so that an interruption loses little.
    """
    started = time.perf_counter()
    passages = build_passages(articles)
    texts = embedded_texts(articles, passages)
    known = _known_vectors(previous, embedder.name) | (known or {})
    total = sum(len(t) for t in texts.values())
    vectors: dict[str, faiss.IndexFlatIP] = {}
    embedded = done = 0
    if progress:
        paragraphs = sum(len(a.paragraphs) for a in articles)
        progress(f"Indexing {len(articles):,} articles, {paragraphs:,} paragraphs, {total:,} texts", 0, 0)
    try:
        for kind in KINDS:
            matrix, count = _embed(kind, texts[kind], embedder, known, pending, progress, done, total)
            vectors[kind] = faiss.IndexFlatIP(embedder.dim)  # vectors are unit length: inner product is cosine
            vectors[kind].add(matrix)
            embedded += count
            done += len(texts[kind])
    finally:  # interrupted or not, what was embedded is kept for the next build
        if pending is not None:
            pending.flush()
    by_id = {a.id: a for a in articles}
    bm25 = bm25s.BM25()
    bm25.index(keywords.tokenize([keyword_text(by_id[p.article_id], p.number) for p in passages]), show_progress=False)
    manifest = Manifest(
        format=FORMAT,
        model=embedder.name,
        dim=embedder.dim,
        fingerprint=fingerprint(articles, embedder.name),
        parser=PARSER,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        counts={kind: len(texts[kind]) for kind in KINDS} | {"articles": len(articles)},
        files={},
    )
    data = _index_data(manifest, articles, tuple(passages), vectors, bm25, path=None)
    seconds = time.perf_counter() - started
    log.info(
        "indexed %d passages in %.1fs (%d embedded, %d reused)", len(passages), seconds, embedded, total - embedded
    )
    return data, BuildReport(embedded=embedded, reused=total - embedded, seconds=seconds)


def save(root: Path, data: IndexData) -> IndexData:
    """Write ``data`` as a new build of ``root``, make it current, and remove builds no longer needed.

    Raises:
        IndexWriteError: the folder cannot be written; the build that was current stays current.
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise IndexWriteError(f"the index folder {root} is a file; point CITEQA_INDEX at a folder") from None
    except OSError as exc:
        raise IndexWriteError(f"cannot create the index folder {root} ({exc.strerror})") from None
    try:
        with _lock(root):
            try:
                replaced = (current_build(root) or Path()).name  # kept: a reader may still be loading it
            except BadIndexError:
                replaced = ""
            _set_aside_damaged_current(root)
            build_dir = root / f"build-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
            build_dir.mkdir()
            try:
                manifest = _write_build(build_dir, data)
                _fsync_dir(build_dir)
                _write_atomic(root / CURRENT, build_dir.name.encode())
            except BaseException:
                shutil.rmtree(build_dir, ignore_errors=True)
                raise
            _remove_old_builds(root, keep={build_dir.name, replaced})
    except OSError as exc:
        raise IndexWriteError(
            f"cannot write the index in {root} ({exc.strerror or exc}); "
            "free some space or make the folder writable, then run `citeqa index`"
        ) from None
    return replace(data, manifest=manifest, path=build_dir)


def unwritable(root: Path) -> str | None:
    """Why a new build cannot be written in ``root`` (read-only, a file in the way), or None if it can.

    Checked before embedding, so that no work is done that could not be kept. A full disk shows only
    when the build is written; ``save`` reports it then.
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


def embedded_texts(
    articles: tuple[Article, ...], passages: list[Passage] | tuple[Passage, ...]
) -> dict[str, list[str]]:
    """The texts behind each vector set, row by row (see passages.py)."""
    by_id = {a.id: a for a in articles}
    return {
        "passage": [p.text for p in passages],
        "context": [context_text(by_id[p.article_id], p.number) for p in passages],
        "sentence": [p.sentence(i) for p in passages for i in range(len(p.sentences))],
    }


def _known_vectors(previous: IndexData | None, model: str) -> dict[tuple[str, str], np.ndarray]:
    """Vectors the previous build (in memory) holds, by kind and text, if made with the same model."""
    if previous is None or previous.manifest.model != model:
        return {}
    texts = embedded_texts(previous.articles, previous.passages)
    return {
        (kind, text): vector for kind in KINDS for text, vector in zip(texts[kind], previous.matrix(kind), strict=True)
    }


def _embed(
    kind: str,
    texts: list[str],
    embedder: Embedder,
    known: dict[tuple[str, str], np.ndarray],
    pending: PendingVectors | None,
    progress: Progress | None,
    done: int,
    total: int,
) -> tuple[np.ndarray, int]:
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    todo = []
    for row, text in enumerate(texts):
        vector = known.get((kind, text))
        if vector is None and pending is not None:
            vector = pending.get(kind, text)
        if vector is None:
            todo.append(row)
        else:
            out[row] = vector
    if progress:
        progress("embedding", done + len(texts) - len(todo), total)
    # Shortest first: a batch of texts of about one length wastes little on padding.
    todo.sort(key=lambda row: len(texts[row]))
    for start in range(0, len(todo), BATCH):
        rows = todo[start : start + BATCH]
        batch = [texts[r] for r in rows]
        out[rows] = embedder.encode(batch, background=True)
        if pending is not None:
            pending.add(kind, batch, out[rows])
        if progress:
            progress("embedding", done + len(texts) - len(todo) + start + len(rows), total)
    return out, len(todo)


def _write_build(build_dir: Path, data: IndexData) -> Manifest:
    store = {
        "articles": [_article_json(a) for a in data.articles],
        "passages": [
            {"id": p.id, "article_id": p.article_id, "number": p.number, "text": p.text, "sentences": p.sentences}
            for p in data.passages
        ],
    }
    (build_dir / "store.json").write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    for kind in KINDS:
        faiss.write_index(data.vectors[kind], str(build_dir / f"{kind}.faiss"))
    data.bm25.save(str(build_dir / "bm25"))
    files = {str(path.relative_to(build_dir)): _sha256(path) for path in sorted(build_dir.rglob("*")) if path.is_file()}
    manifest = replace(data.manifest, files=files)
    (build_dir / MANIFEST).write_text(json.dumps(manifest.__dict__, indent=1), encoding="utf-8")
    for path in build_dir.rglob("*"):
        if path.is_file():
            _fsync(path)
    return manifest


def _read_build(build_dir: Path, manifest: Manifest) -> IndexData:
    store = json.loads((build_dir / "store.json").read_text(encoding="utf-8"))
    articles = tuple(_article_from_json(a) for a in store["articles"])
    passages = tuple(
        Passage(
            id=p["id"],
            article_id=p["article_id"],
            number=p["number"],
            text=p["text"],
            sentences=tuple(tuple(s) for s in p["sentences"]),
        )
        for p in store["passages"]
    )
    vectors = {kind: faiss.read_index(str(build_dir / f"{kind}.faiss")) for kind in KINDS}
    if any(index.d != manifest.dim for index in vectors.values()):
        raise ValueError(f"vectors are not of dimension {manifest.dim}")
    bm25 = bm25s.BM25.load(str(build_dir / "bm25"))
    return _index_data(manifest, articles, passages, vectors, bm25, path=build_dir)


def _index_data(
    manifest: Manifest,
    articles: tuple[Article, ...],
    passages: tuple[Passage, ...],
    vectors: dict[str, faiss.IndexFlatIP],
    bm25: bm25s.BM25,
    *,
    path: Path | None,
) -> IndexData:
    sentence_start = np.concatenate([[0], np.cumsum([len(p.sentences) for p in passages])]).astype(np.int64)
    by_id = {a.id: a for a in articles}
    continuation = np.array([continues(by_id[p.article_id], p.number) for p in passages], dtype=bool)
    if vectors["passage"].ntotal != len(passages) or vectors["sentence"].ntotal != sentence_start[-1]:
        raise ValueError("vector counts do not match the passages")
    return IndexData(
        manifest=manifest,
        articles=articles,
        passages=passages,
        vectors=vectors,
        sentence_start=sentence_start,
        continuation=continuation,
        bm25=bm25,
        typical_term_score=typical_term_score(bm25),
        path=path,
    )


def typical_term_score(bm25: bm25s.BM25) -> float:
    """The mean IDF of the vocabulary: the most one term of average rarity can add to a BM25 score."""
    documents = bm25.scores["num_docs"]
    frequency = np.diff(bm25.scores["indptr"])  # paragraphs each term occurs in
    if frequency.size == 0:
        return 1.0
    return float(np.mean(np.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))))


def _article_json(article: Article) -> dict:
    data = dict(article.__dict__)
    data["date"] = article.date.isoformat() if article.date else None
    data["paragraphs"] = list(article.paragraphs)
    return data


def _article_from_json(data: dict) -> Article:
    data = dict(data)
    data["date"] = dt.date.fromisoformat(data["date"]) if data["date"] else None
    data["paragraphs"] = tuple(data["paragraphs"])
    return Article(**data)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _set_aside_damaged_current(root: Path) -> None:
    """Move a CURRENT that is not a file (a folder, say) out of the way, so a new one can be written."""
    path = root / CURRENT
    if path.is_dir() and not path.is_symlink():
        aside = root / f".damaged-{CURRENT}-{uuid.uuid4().hex[:8]}"
        os.replace(path, aside)
        log.warning("moved the damaged %s aside to %s", path, aside)


def _remove_old_builds(root: Path, keep: set[str]) -> None:
    """Delete builds other than ``keep``: the new one, and the previous one a reader may still be loading."""
    for path in root.iterdir():
        if path.is_dir() and path.name.startswith("build-") and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _lock(root: Path) -> Iterator[None]:
    """One build at a time per index folder, across processes."""
    with (root / ".lock").open("a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
