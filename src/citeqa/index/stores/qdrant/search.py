"""Searching one published Qdrant collection: the candidates of a question and their raw scores."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qdrant_client import QdrantClient, models

from citeqa.index.base import Signals, Terms
from citeqa.index.stores.qdrant.points import scroll, term_index
from citeqa.records import Passage


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
        for point in scroll(self.client, self.collection, with_vectors=[kind]):
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


def _no_signals() -> Signals:
    empty = np.zeros(0, np.float32)
    return Signals(np.zeros(0, np.int64), empty, empty, empty, empty, np.zeros(1, np.int64))
