"""The embedded backend: builds in a folder as FAISS and bm25s files, and a CURRENT file naming the one
in use.

A build is written into a new folder, checked, and only then made current by replacing CURRENT (a
temp file and ``os.replace``), so a reader always sees a complete build and a process killed while
indexing leaves the previous build in use. A build is written whole, or, when only a few articles
changed since the last whole one, as a delta on it holding just those (delta.py): adding one article
to a large collection writes that article, not the collection. A checksum of every file is kept in
the manifest, so a damaged build is noticed on load. When the folder cannot be written (read-only, full disk, a file
where the folder should be), ``save`` says so, and the caller still has the complete index in memory.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import bm25s
import faiss

from citeqa.durable import sync_folder, write_atomic
from citeqa.errors import BadIndexError, IndexWriteError
from citeqa.index.base import IndexData, Manifest
from citeqa.index.build import (
    FORMAT,
    article_from_json,
    article_json,
    assemble,
    passage_from_json,
    passage_json,
    quotations_from_json,
    quotations_json,
    sentence_starts,
    unwritable_folder,
)
from citeqa.index.memory import MemorySearcher
from citeqa.index.stores.folder import delta
from citeqa.index.vectors import KINDS
from citeqa.records import Article

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
MANIFEST = "manifest.json"


class FolderStore:
    """Builds kept in the folder ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.location = str(root)

    def signature(self) -> tuple[int, int, int] | None:
        return current_signature(self.root)

    def current(self) -> str | None:
        build = current_build(self.root)
        return build.name if build else None

    def load(self) -> IndexData:
        return load(self.root)

    def unwritable(self) -> str | None:
        return unwritable_folder(self.root)

    def save(self, data: IndexData) -> IndexData:
        return save(self.root, data)

    def update(self, previous, articles, embedder, **kwargs) -> None:
        return None  # index.build reuses every unchanged vector, and save writes a delta of what changed


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
    if not _is_build_name(name):
        raise BadIndexError(f"{path} does not name a build folder ({raw[:40]!r}); rebuild the index")
    return root / name


def _is_build_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and name.startswith("build-")
        and len(name) <= 100
        and name.isprintable()
        and "/" not in name
    )


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
            _full_builds.pop(root, None)  # what was damaged is not amended: the next build is whole
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
                replaced = current_build(root)  # kept, with its base: a reader may still be loading it
            except BadIndexError:
                replaced = None
            replaced_base = _base_of(replaced)
            _set_aside_damaged_current(root)
            build_dir = root / f"build-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
            build_dir.mkdir()
            try:
                manifest = _write(build_dir, data, replaced_base)
                sync_folder(build_dir)
                write_atomic(root / CURRENT, build_dir.name.encode())
            except BaseException:
                shutil.rmtree(build_dir, ignore_errors=True)
                raise
            keep = {build_dir.name, manifest.base} | {b.name for b in (replaced, replaced_base) if b is not None}
            _remove_old_builds(root, keep={name for name in keep if name})
    except OSError as exc:
        raise IndexWriteError(
            f"cannot write the index in {root} ({exc.strerror or exc}); "
            "free some space or make the folder writable, then run `citeqa index`"
        ) from None
    return replace(data, manifest=manifest, build_id=build_dir.name)


def _write(build_dir: Path, data: IndexData, base: Path | None) -> Manifest:
    """Write ``data`` as a delta on the full build ``base`` if few enough articles changed since it,
    else whole."""
    searcher = data.searcher
    if not isinstance(searcher, MemorySearcher):
        raise TypeError(f"a folder build is written from a build in memory, not from {type(searcher).__name__}")
    ids = None
    if base is not None and (articles := _articles_of(base, data)) is not None:
        ids = delta.changed(articles, data)
    if ids is not None:
        delta.write(build_dir, data, ids)
    else:
        store = {
            "articles": [article_json(a) for a in data.articles],
            "passages": [passage_json(p) for p in data.passages],
            "quotations": quotations_json(data.quotations),
        }
        (build_dir / "store.json").write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
        for kind in KINDS:
            faiss.write_index(searcher.index[kind], str(build_dir / f"{kind}.faiss"))
        searcher.bm25.save(str(build_dir / "bm25"))
        _remember(build_dir, data.articles)
    files = {str(path.relative_to(build_dir)): _sha256(path) for path in sorted(build_dir.rglob("*")) if path.is_file()}
    manifest = replace(data.manifest, files=files, base=base.name if ids is not None else None)
    (build_dir / MANIFEST).write_text(json.dumps(manifest.__dict__, indent=1), encoding="utf-8")
    for path in build_dir.rglob("*"):
        if path.is_file():
            _fsync(path)
    return manifest


def _base_of(build: Path | None) -> Path | None:
    """The full build ``build`` is (or amends, for a delta), or None if there is none to amend."""
    if build is None:
        return None
    try:
        base = json.loads((build / MANIFEST).read_text(encoding="utf-8")).get("base")
    except (OSError, ValueError, AttributeError):
        return None
    if base is None:
        return build
    return build.parent / base if _is_build_name(base) else None


# The articles of the latest full build read (and checked) or written in each index folder, by id:
# what a delta is made against, without reading that build again.
_full_builds: dict[Path, tuple[str, dict[str, Article]]] = {}


def _remember(build: Path, articles: tuple[Article, ...]) -> None:
    _full_builds[build.parent] = (build.name, {a.id: a for a in articles})


def _articles_of(base: Path, data: IndexData) -> dict[str, Article] | None:
    """The articles of the full build ``base`` by id, if a delta can be made on it: this process read
    it (and so checked it) or wrote it, with the model and format of ``data``."""
    name, articles = _full_builds.get(base.parent, ("", {}))
    try:
        manifest = Manifest(**json.loads((base / MANIFEST).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    same = (manifest.format, manifest.model, manifest.dim) == (FORMAT, data.manifest.model, data.manifest.dim)
    return articles if name == base.name and same else None


def _read_build(build_dir: Path, manifest: Manifest) -> IndexData:
    if manifest.base is not None:
        if not _is_build_name(manifest.base):
            raise ValueError(f"its base {manifest.base!r} is not a build's name")
        base = _load_build(build_dir.parent / manifest.base)
        if base.manifest.base:
            raise ValueError(f"its base {manifest.base} is a delta too")
        return delta.apply(build_dir, manifest, base)
    store = json.loads((build_dir / "store.json").read_text(encoding="utf-8"))
    articles = tuple(article_from_json(a) for a in store["articles"])
    passages = tuple(passage_from_json(p) for p in store["passages"])
    quotations = quotations_from_json(store["quotations"], articles)
    vectors = {kind: faiss.read_index(str(build_dir / f"{kind}.faiss")) for kind in KINDS}
    if any(index.d != manifest.dim for index in vectors.values()):
        raise ValueError(f"vectors are not of dimension {manifest.dim}")
    bm25 = bm25s.BM25.load(str(build_dir / "bm25"))
    searcher = MemorySearcher(vectors, bm25, [p.article_id for p in passages], sentence_starts(passages))
    _remember(build_dir, articles)
    return assemble(manifest, articles, passages, searcher, build_id=build_dir.name, quotations=quotations)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


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
