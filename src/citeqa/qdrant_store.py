"""The distributed backend: builds as Qdrant collections, the current one named by an alias.

Each passage is a point holding its vectors ("passage" and "context", the "sentence" vectors as one
multivector) and a sparse "keywords" vector of BM25 term weights over citeqa's own stemmed tokens,
which Qdrant multiplies by its IDF, so keyword scores equal those of the embedded bm25s index. Its
payload has the text, the sentence spans, the terms, and its article's id and metadata, so that any
app server can load the collection with nothing else at hand.

A new build is uploaded into a collection of its own and published by moving the alias in one
request: readers see the old build or the new one, never half of one. Added, changed and removed
articles are applied to the published collection in place, point by point (``update``).

With ``url`` it talks to a Qdrant server or cluster; without, it uses Qdrant's local mode in
``<index>/qdrant`` (one process at a time).
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from qdrant_client import QdrantClient, models

from citeqa import index as builds
from citeqa import vectors
from citeqa.backend import Signals, Terms
from citeqa.clean import PARSER
from citeqa.embed import Embedder
from citeqa.errors import BadIndexError, IndexWriteError
from citeqa.index import FORMAT, BuildReport, IndexData, Manifest, Progress
from citeqa.keywords import terms as stemmed_terms
from citeqa.passages import keyword_text
from citeqa.pending import PendingVectors
from citeqa.records import Article, Passage
from citeqa.vectors import Key

log = logging.getLogger(__name__)

# bm25s's defaults, which the embedded backend uses: the keyword weights must be the same.
K1, B = 1.5, 0.75
UPLOAD_BATCH = 256
_POINTS = uuid.UUID("5b1f3c3e-6f0e-4b7a-9d61-2b8f0c0f7a11")  # namespace of the point ids
_local_clients: dict[Path, QdrantClient] = {}  # local mode locks its folder: one client per process
_local_lock = threading.Lock()


def point_id(passage_id: str) -> str:
    return str(uuid.uuid5(_POINTS, passage_id))


def term_index(term: str) -> int:
    """A term's dimension in the sparse vectors: a 32-bit hash, so no vocabulary needs sharing."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "big")


def keyword_vector(tokens: list[str], average_length: float) -> models.SparseVector:
    """BM25's term-frequency part for each term of a passage (Lucene's, as bm25s computes it)."""
    counts = Counter(tokens)
    norm = K1 * ((1 - B) + B * len(tokens) / max(average_length, 1e-9))
    weights = {term_index(t): tf / (norm + tf) for t, tf in counts.items()}
    indices = sorted(weights)
    return models.SparseVector(indices=indices, values=[weights[i] for i in indices])


class QdrantSearcher:
    """Searches one published collection; rows are those of the build's passages as loaded."""

    def __init__(
        self, client: QdrantClient, collection: str, revision: int, passages: Sequence[Passage], terms: Terms
    ) -> None:
        self.client = client
        self.collection = collection
        self.revision = revision  # of the collection's points: raised by every update in place
        self._passages = passages
        self._row = {p.id: row for row, p in enumerate(passages)}
        self._terms = terms

    def terms(self) -> Terms:
        return self._terms

    def vectors(self, kind: str) -> np.ndarray:
        """All vectors of ``kind`` in passage order (sentences: passage by passage), read from Qdrant."""
        by_row: dict[int, np.ndarray] = {}
        for point in _scroll(self.client, self.collection, with_vectors=[kind]):
            row = self._row.get(point.payload["id"])
            if row is not None:
                by_row[row] = np.asarray(point.vector[kind], dtype=np.float32)
        return np.vstack([np.atleast_2d(by_row[r]) for r in range(len(self._passages))])

    def signals(
        self, vector: np.ndarray, terms: Sequence[str], articles: frozenset[str] | None, per_signal: int
    ) -> Signals:
        where = None
        if articles is not None:
            match = models.MatchAny(any=sorted(articles))
            where = models.Filter(must=[models.FieldCondition(key="article_id", match=match)])
        dense = vector.tolist()
        indices = sorted({term_index(t) for t in terms})
        keywords = models.SparseVector(indices=indices, values=[1.0] * len(indices))
        requests = [
            models.QueryRequest(query=dense, using=kind, filter=where, limit=per_signal, with_payload=["id"])
            for kind in ("passage", "context")
        ]
        if terms:
            requests.append(
                models.QueryRequest(
                    query=keywords, using="keywords", filter=where, limit=per_signal, with_payload=["id"]
                )
            )
        found = {
            point.id: point.payload["id"]
            for response in self.client.query_batch_points(self.collection, requests)
            for point in response.points
            if point.payload["id"] in self._row  # a point added since this build was loaded is not known
        }
        if not found:
            return _no_signals()
        ids = sorted(found, key=lambda i: self._row[found[i]])
        rows = np.array([self._row[found[i]] for i in ids], dtype=np.int64)
        points = {p.id: p for p in self.client.retrieve(self.collection, ids, with_vectors=True, with_payload=False)}
        passage = np.array([np.dot(points[i].vector["passage"], vector) for i in ids], np.float32)
        context = np.array([np.dot(points[i].vector["context"], vector) for i in ids], np.float32)
        per_sentence = [np.asarray(points[i].vector["sentence"], np.float32) @ vector for i in ids]
        first = np.concatenate(([0], np.cumsum([len(s) for s in per_sentence]))).astype(np.int64)
        keyword = np.zeros(len(ids), np.float32)
        if terms:
            scored = self.client.query_points(
                self.collection,
                query=keywords,
                using="keywords",
                query_filter=models.Filter(must=[models.HasIdCondition(has_id=ids)]),
                limit=len(ids),
                with_payload=False,
            ).points
            position = {i: n for n, i in enumerate(ids)}
            for point in scored:
                keyword[position[point.id]] = point.score
        return Signals(rows, passage, context, keyword, np.concatenate(per_sentence), first)


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
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                    _local_clients[folder] = QdrantClient(path=str(folder))
                    atexit.register(_local_clients[folder].close)
                except (OSError, RuntimeError) as exc:
                    raise BadIndexError(
                        f"cannot open Qdrant's local mode in {folder} ({exc}); "
                        "only one process can use it at a time: set CITEQA_QDRANT_URL to share one server"
                    ) from None
            return _local_clients[folder]

    def current(self) -> str | None:
        try:
            aliases = self.client.get_aliases().aliases
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
        frequency: Counter[str] = Counter()
        for point in _scroll(self.client, collection, with_vectors=False):
            payload = point.payload
            if payload["article_id"] not in articles:
                articles[payload["article_id"]] = builds.article_from_json(payload["article"] | {"paragraphs": []})
            passages.append(builds.passage_from_json(payload))
            frequency.update(payload["terms"])
        if len(passages) != manifest.counts.get("passage"):
            raise BadIndexError(
                f"{collection} holds {len(passages)} passages, its manifest says {manifest.counts.get('passage')}"
            )
        revision = int(metadata.get("revision", 0))
        return self._data(manifest, collection, revision, articles, passages, frequency, average_length)

    def save(self, data: IndexData) -> IndexData:
        """Upload ``data`` into a new collection, then move the alias to it in one request."""
        name = f"{self.alias}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        average_length = _average_length(data)
        try:
            previous = self.current()
            self._create(name, data.manifest.dim)
            self.client.upload_points(name, _points(data, average_length), batch_size=UPLOAD_BATCH, wait=True)
            self.client.update_collection(name, metadata=_metadata(data.manifest, average_length, revision=0))
            self.client.update_collection_aliases(_move_alias(self.alias, name, previous is not None))
        except BadIndexError as exc:
            raise IndexWriteError(str(exc)) from None
        except Exception as exc:  # the client raises many kinds; the alias still names the old build
            self._drop(name)
            raise IndexWriteError(f"cannot write the index to {self.location} ({exc})") from None
        self._remove_old_builds(keep={name, previous})
        articles = {a.id: a for a in data.articles}
        frequency = Counter(data.terms.frequency)
        return self._data(data.manifest, name, 0, articles, list(data.passages), frequency, average_length)

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
                self.client.upload_points(collection, _points(part, average_length), batch_size=UPLOAD_BATCH, wait=True)
            if gone:
                self.client.delete(collection, models.PointIdsList(points=[point_id(p.id) for p in gone]), wait=True)
            revision = searcher.revision + 1
            self.client.update_collection(collection, metadata=_metadata(manifest, average_length, revision))
        except Exception as exc:  # the client raises many kinds
            raise IndexWriteError(f"cannot update the index in {self.location} ({exc})") from None
        wanted = {a.id: a for a in articles}
        data = self._data(manifest, collection, revision, wanted, passages, +frequency, average_length)
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
    ) -> IndexData:
        """The build in memory as ``assemble`` wants it: articles by path, passages in their order."""
        texts: dict[str, list[str]] = {}
        for p in sorted(passages, key=lambda p: p.number):
            texts.setdefault(p.article_id, []).append(p.text)
        ordered = tuple(
            replace(a, paragraphs=tuple(texts.get(a.id, ()))) if not a.paragraphs else a
            for a in sorted(articles.values(), key=lambda a: a.path)
        )
        position = {a.id: n for n, a in enumerate(ordered)}
        passages = sorted(passages, key=lambda p: (position[p.article_id], p.number))
        terms = Terms(documents=len(passages), frequency={t: n for t, n in frequency.items() if n > 0})
        searcher = QdrantSearcher(self.client, collection, revision, passages, terms)
        return builds.assemble(manifest, ordered, tuple(passages), searcher, build_id=collection)

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
        """Delete this alias's builds other than ``keep``: the new one, and the one a reader may still use."""
        for collection in self.client.get_collections().collections:
            name = collection.name
            if name.startswith(f"{self.alias}-") and name not in keep:
                self._drop(name)


def _points(data: IndexData, average_length: float) -> Iterator[models.PointStruct]:
    """The points of every passage of ``data``, a build in memory."""
    by_id = {a.id: a for a in data.articles}
    matrices = {kind: data.searcher.vectors(kind) for kind in vectors.KINDS}
    starts = data.sentence_start
    for row, p in enumerate(data.passages):
        article = by_id[p.article_id]
        tokens = stemmed_terms(keyword_text(article, p.number))
        yield models.PointStruct(
            id=point_id(p.id),
            vector={
                "passage": matrices["passage"][row].tolist(),
                "context": matrices["context"][row].tolist(),
                "sentence": matrices["sentence"][starts[row] : starts[row + 1]].tolist(),
                "keywords": keyword_vector(tokens, average_length),
            },
            payload=builds.passage_json(p)
            | {
                "terms": sorted(set(tokens)),
                "article": {k: v for k, v in builds.article_json(article).items() if k != "paragraphs"},
            },
        )


def _average_length(data: IndexData) -> float:
    """The mean number of keyword tokens of a passage, as bm25s takes it."""
    by_id = {a.id: a for a in data.articles}
    lengths = [len(stemmed_terms(keyword_text(by_id[p.article_id], p.number))) for p in data.passages]
    return float(np.mean(lengths)) if lengths else 1.0


def _metadata(manifest: Manifest, average_length: float, revision: int) -> dict:
    return {"manifest": dict(manifest.__dict__), "average_length": average_length, "revision": revision}


def _move_alias(alias: str, collection: str, exists: bool) -> list:
    """One request that points ``alias`` at ``collection``: Qdrant applies it whole."""
    create = models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=collection, alias_name=alias))
    if not exists:
        return [create]
    return [models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias)), create]


def _scroll(client: QdrantClient, collection: str, *, with_vectors: bool | list[str]) -> Iterator[models.Record]:
    offset = None
    while True:
        points, offset = client.scroll(
            collection, limit=1024, offset=offset, with_payload=True, with_vectors=with_vectors
        )
        yield from points
        if offset is None:
            return


def _no_signals() -> Signals:
    empty = np.zeros(0, np.float32)
    return Signals(np.zeros(0, np.int64), empty, empty, empty, empty, np.zeros(1, np.int64))
