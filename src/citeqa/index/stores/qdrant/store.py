"""The distributed backend: builds as Qdrant collections, the current one named by an alias.

A new build is uploaded into a collection of its own and published by moving the alias in one
request: readers see the old build or the new one, never half of one. Added, changed and removed
articles are applied to the published collection in place, point by point (``update``). The points
and their payload are made in ``points``; a published build is searched by ``search``.

Several aliases may share one Qdrant: each build records the alias it was made for in its
collection's metadata, and only that alias's old builds are ever deleted.

With ``url`` it talks to a Qdrant server or cluster; without, it uses Qdrant's local mode in
``<index>/qdrant`` (one process at a time).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import re
import threading
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
from qdrant_client import QdrantClient, models

from citeqa.articles.clean import PARSER
from citeqa.articles.keywords import terms as stemmed_terms
from citeqa.articles.passages import keyword_text
from citeqa.errors import BadIndexError, IndexInUseError, IndexWriteError
from citeqa.index import build as builds
from citeqa.index import vectors
from citeqa.index.base import BuildReport, IndexData, Manifest, Progress, Terms
from citeqa.index.build import FORMAT
from citeqa.index.embed import Embedder
from citeqa.index.pending import PendingVectors
from citeqa.index.stores.qdrant import points as qdrant_points
from citeqa.index.stores.qdrant.points import OWNER, point_id, scroll
from citeqa.index.stores.qdrant.search import QdrantSearcher
from citeqa.index.vectors import Key
from citeqa.records import Article, Passage, Quotation

log = logging.getLogger(__name__)

UPLOAD_BATCH = 256
# What follows "<alias>-" in a build's name. Its fixed form at the end of the name means a name splits
# into an alias and a stamp in one way only: "citeqa-team-b-<stamp>" is never a build of "citeqa".
_STAMP = re.compile(r"\d{8}T\d{6}-[0-9a-f]{8}")
_local_clients: dict[Path, QdrantClient] = {}  # local mode locks its folder: one client per process
_local_lock = threading.Lock()


class QdrantStore:
    """Builds kept as Qdrant collections; the alias ``collection`` names the current one."""

    def __init__(self, root: Path, *, url: str = "", collection: str = "citeqa") -> None:
        self.root = root
        self.url = url
        self.alias = collection
        self.location = f"Qdrant at {url}, collection {collection}" if url else f"{root / 'qdrant'} (Qdrant local mode)"
        self._client: QdrantClient | None = None

    @property
    def client(self) -> QdrantClient:
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self) -> QdrantClient:
        if self.url:
            return QdrantClient(url=self.url, timeout=60)
        folder = (self.root / "qdrant").resolve()
        with _local_lock:
            if folder not in _local_clients:
                _local_clients[folder] = _open_local(folder)
                atexit.register(_local_clients[folder].close)
            return _local_clients[folder]

    def current(self) -> str | None:
        client = self.client  # a folder another process holds is said as such, not as unreachable
        try:
            aliases = client.get_aliases().aliases
        except Exception as exc:  # connection refused, timeouts: the client raises many kinds
            raise BadIndexError(f"cannot reach {self.location} ({exc})") from None
        return next((a.collection_name for a in aliases if a.alias_name == self.alias), None)

    def signature(self) -> tuple[str, int] | None:
        try:
            collection = self.current()
            return None if collection is None else (collection, self._metadata(collection).get("revision", 0))
        except BadIndexError:
            return None

    def unwritable(self) -> str | None:
        if not self.url:
            return builds.unwritable_folder(self.root)
        return None  # a server says so when written to; save reports it then

    def load(self) -> IndexData:
        collection = self.current()
        if collection is None:
            raise BadIndexError(f"no index in {self.location} yet")
        metadata = self._metadata(collection)
        try:
            manifest = Manifest(**metadata["manifest"])
            average_length = float(metadata["average_length"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BadIndexError(f"{collection} in {self.location} has no readable manifest ({exc})") from None
        if manifest.format != FORMAT:
            raise BadIndexError(f"{collection} has index format {manifest.format}, this version reads {FORMAT}")
        articles: dict[str, Article] = {}
        passages: list[Passage] = []
        quotations: list[Quotation] = []
        frequency: Counter[str] = Counter()
        for point in scroll(self.client, collection, with_vectors=False):
            payload = point.payload
            if payload["article_id"] not in articles:
                articles[payload["article_id"]] = builds.article_from_json(payload["article"] | {"paragraphs": []})
            passages.append(builds.passage_from_json(payload))
            quotations += (builds.quotation_from_json(q, payload["article_id"]) for q in payload["quotations"])
            frequency.update(payload["terms"])
        if len(passages) != manifest.counts.get("passage"):
            raise BadIndexError(
                f"{collection} holds {len(passages)} passages, its manifest says {manifest.counts.get('passage')}"
            )
        revision = int(metadata.get("revision", 0))
        return self._data(manifest, collection, revision, articles, passages, frequency, average_length, quotations)

    def save(self, data: IndexData) -> IndexData:
        """Upload ``data`` into a new collection, then move the alias to it in one request."""
        name = f"{self.alias}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        average_length = qdrant_points.average_length(data)
        try:
            previous = self.current()
            self._create(name, data.manifest.dim)
            self.client.upload_points(
                name, qdrant_points.points(data, average_length), batch_size=UPLOAD_BATCH, wait=True
            )
            self.client.update_collection(
                name, metadata=qdrant_points.metadata(self.alias, data.manifest, average_length, revision=0)
            )
            self.client.update_collection_aliases(_move_alias(self.alias, name, previous is not None))
        except BadIndexError as exc:
            raise IndexWriteError(str(exc)) from None
        except Exception as exc:  # the client raises many kinds; the alias still names the old build
            self._drop(name)
            raise IndexWriteError(f"cannot write the index to {self.location} ({exc})") from None
        self._remove_old_builds(keep={name, previous})
        articles = {a.id: a for a in data.articles}
        frequency = Counter(data.terms.frequency)
        return self._data(
            data.manifest, name, 0, articles, list(data.passages), frequency, average_length, list(data.quotations)
        )

    def update(
        self,
        previous: IndexData,
        articles: tuple[Article, ...],
        embedder: Embedder,
        *,
        known: dict | None = None,
        pending: PendingVectors | None = None,
        progress: Progress | None = None,
    ) -> tuple[IndexData, BuildReport] | None:
        """Write the points of added and changed articles and delete those of removed ones, in the
        published collection; None if ``previous`` is not that collection as it is now, or was made
        by another model or version (a new build is made then)."""
        searcher = previous.searcher
        if (
            not isinstance(searcher, QdrantSearcher)
            or previous.manifest.model != embedder.name
            or previous.manifest.parser != PARSER
            or self.signature() != (searcher.collection, searcher.revision)
        ):
            return None
        collection = searcher.collection
        metadata = self._metadata(collection)
        before = {a.id: a for a in previous.articles}
        changed = tuple(a for a in articles if before.get(a.id) != a)
        kept = {a.id for a in articles} - {a.id for a in changed}
        if len(changed) > max(len(articles) // 2, 1):
            return None  # most of it changed: a new build costs no more, and is published whole
        part, report = None, BuildReport(embedded=0, reused=0, seconds=0.0)
        if changed:
            ids = {a.id for a in changed}
            known = self._vectors_of(collection, [p for p in previous.passages if p.article_id in ids], before) | (
                known or {}
            )
            part, report = builds.build(changed, embedder, known=known, pending=pending, progress=progress)
        written = part.passages if part else ()
        average_length = float(metadata["average_length"])
        new_ids = {p.id for p in written}
        gone = [p for p in previous.passages if p.article_id not in kept and p.id not in new_ids]
        frequency = Counter(previous.terms.frequency)
        for p in previous.passages:
            if p.article_id not in kept:  # its terms leave with it, or come back with its new text
                frequency.subtract(set(stemmed_terms(keyword_text(before[p.article_id], p.number))))
        frequency.update(part.terms.frequency if part else {})
        passages = [p for p in previous.passages if p.article_id in kept] + list(written)
        quotations = [q for q in previous.quotations if q.article_id in kept] + list(part.quotations if part else ())
        manifest = replace(
            previous.manifest,
            fingerprint=builds.fingerprint(articles, embedder.name),
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            counts={
                "passage": len(passages),
                "context": len(passages),
                "sentence": sum(len(p.sentences) for p in passages),
                "articles": len(articles),
            },
        )
        try:
            if part is not None:
                self.client.upload_points(
                    collection, qdrant_points.points(part, average_length), batch_size=UPLOAD_BATCH, wait=True
                )
            if gone:
                self.client.delete(collection, models.PointIdsList(points=[point_id(p.id) for p in gone]), wait=True)
            revision = searcher.revision + 1
            self.client.update_collection(
                collection, metadata=qdrant_points.metadata(self.alias, manifest, average_length, revision)
            )
        except Exception as exc:  # the client raises many kinds
            raise IndexWriteError(f"cannot update the index in {self.location} ({exc})") from None
        wanted = {a.id: a for a in articles}
        data = self._data(manifest, collection, revision, wanted, passages, +frequency, average_length, quotations)
        log.info("updated %s in place: %d articles written, %d passages removed", collection, len(changed), len(gone))
        return data, report

    def _data(
        self,
        manifest: Manifest,
        collection: str,
        revision: int,
        articles: dict[str, Article],
        passages: list[Passage],
        frequency: Counter[str],
        average_length: float,
        quotations: list[Quotation],
    ) -> IndexData:
        """The build in memory as ``assemble`` wants it: articles by path, passages and quotations in their
        order."""
        texts: dict[str, list[str]] = {}
        for p in sorted(passages, key=lambda p: p.number):
            if p.number >= 1:  # body paragraphs; the subtitle and standfirst are the article's own fields
                texts.setdefault(p.article_id, []).append(p.text)
        ordered = tuple(
            replace(a, paragraphs=tuple(texts.get(a.id, ()))) if not a.paragraphs else a
            for a in sorted(articles.values(), key=lambda a: a.path)
        )
        position = {a.id: n for n, a in enumerate(ordered)}
        passages = sorted(passages, key=lambda p: (position[p.article_id], p.number))
        quotations = sorted(quotations, key=lambda q: (position[q.article_id], q.paragraph, q.start, q.end))
        terms = Terms(documents=len(passages), frequency={t: n for t, n in frequency.items() if n > 0})
        searcher = QdrantSearcher(self.client, collection, revision, passages, terms)
        return builds.assemble(manifest, ordered, tuple(passages), searcher, build_id=collection, quotations=quotations)

    def _vectors_of(
        self, collection: str, passages: list[Passage], articles: dict[str, Article]
    ) -> dict[Key, np.ndarray]:
        """The stored vectors of ``passages`` by key, for a changed article's unchanged texts."""
        if not passages:
            return {}
        points = self.client.retrieve(collection, [point_id(p.id) for p in passages], with_vectors=True)
        by_id = {str(point.id): point.vector for point in points}
        rows = vectors.keys(articles.values(), passages)
        known = {}
        sentence = 0
        for row, p in enumerate(passages):
            stored = by_id.get(point_id(p.id))
            if stored is not None:
                known[("passage", rows["passage"][row])] = np.asarray(stored["passage"], np.float32)
                known[("context", rows["context"][row])] = np.asarray(stored["context"], np.float32)
                for i, vector in enumerate(stored["sentence"]):
                    known[("sentence", rows["sentence"][sentence + i])] = np.asarray(vector, np.float32)
            sentence += len(p.sentences)
        return known

    def _metadata(self, collection: str) -> dict:
        try:
            return dict(self.client.get_collection(collection).config.metadata or {})
        except Exception as exc:  # the client raises many kinds
            raise BadIndexError(f"cannot read {collection} in {self.location} ({exc}); rebuild the index") from None

    def _create(self, name: str, dim: int) -> None:
        dense = models.VectorParams(size=dim, distance=models.Distance.DOT)  # unit vectors: dot is cosine
        self.client.create_collection(
            name,
            metadata={OWNER: self.alias},  # from the start: an unfinished build is known as this alias's too
            vectors_config={
                "passage": dense,
                "context": dense,
                # Only read back for the candidates, never searched: on disk, with no HNSW graph.
                "sentence": models.VectorParams(
                    size=dim,
                    distance=models.Distance.DOT,
                    multivector_config=models.MultiVectorConfig(comparator=models.MultiVectorComparator.MAX_SIM),
                    on_disk=True,
                    hnsw_config=models.HnswConfigDiff(m=0),
                ),
            },
            sparse_vectors_config={"keywords": models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        if self.url:  # local mode filters without one (and warns)
            self.client.create_payload_index(name, "article_id", models.PayloadSchemaType.KEYWORD)

    def _drop(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception as exc:  # the client raises many kinds
            log.warning("could not remove the unfinished build %s: %s", name, exc)

    def _remove_old_builds(self, keep: set[str | None]) -> None:
        """Delete this alias's builds other than ``keep``: the new one, and the one a reader may still use.

        Never a collection that an alias names, whichever alias, nor one this alias did not make.
        """
        try:
            names = [c.name for c in self.client.get_collections().collections]
            published = {a.collection_name for a in self.client.get_aliases().aliases}
        except Exception as exc:  # the client raises many kinds; old builds only cost space
            log.warning("could not list the old builds in %s: %s", self.location, exc)
            return
        for name in names:
            if name not in keep and name not in published and self._made_here(name):
                self._drop(name)

    def _made_here(self, name: str) -> bool:
        """Whether collection ``name`` is a build of this alias: its metadata says so, or, for a build
        made before builds recorded their alias, its name is this alias, a dash and a build's stamp."""
        try:
            owner = self._metadata(name).get(OWNER)
        except BadIndexError:
            return False
        if owner is not None:
            return owner == self.alias
        prefix = f"{self.alias}-"
        return name.startswith(prefix) and _STAMP.fullmatch(name[len(prefix) :]) is not None


def _open_local(folder: Path) -> QdrantClient:
    """Qdrant's local mode in ``folder``.

    Raises:
        IndexInUseError: another process has the folder open; said before the client reads every
            collection in it, and before anything is embedded that could not be saved.
        BadIndexError: the folder cannot be opened for another reason.
    """
    in_use = IndexInUseError(
        f"the index in {folder} is in use by another process: Qdrant's local mode lets one process at a time "
        "open it. Stop the app (or the other citeqa command) that uses it and try again, or set "
        "CITEQA_QDRANT_URL to a Qdrant server, which any number of processes can share"
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if _held(folder / ".lock"):
            raise in_use
        return QdrantClient(path=str(folder))
    except (OSError, RuntimeError) as exc:
        if _held(folder / ".lock"):  # taken by another process since it was checked
            raise in_use from None
        raise BadIndexError(f"cannot open Qdrant's local mode in {folder} ({exc})") from None


def _held(lock: Path) -> bool:
    """Whether another process holds ``lock``, the file Qdrant's local mode locks while a client is open."""
    import portalocker  # as qdrant-client does, only once local mode is used: it probes folders on import

    try:
        with lock.open("r+") as f:
            try:
                portalocker.lock(f, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING)
            except portalocker.exceptions.LockException:
                return True
            portalocker.unlock(f)
            return False
    except OSError:  # no lock file yet, or one that cannot be opened: the client says what is wrong
        return False


def _move_alias(alias: str, collection: str, exists: bool) -> list:
    """One request that points ``alias`` at ``collection``: Qdrant applies it whole."""
    create = models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=collection, alias_name=alias))
    if not exists:
        return [create]
    return [models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias)), create]
