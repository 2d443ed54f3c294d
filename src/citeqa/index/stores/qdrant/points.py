"""A build's passages as Qdrant points, and the metadata a build's collection carries.

Each passage is a point holding its vectors ("passage" and "context", the "sentence" vectors as one
multivector) and a sparse "keywords" vector of BM25 term weights over citeqa's own stemmed tokens,
which Qdrant multiplies by its IDF, so keyword scores equal those of the embedded bm25s index. Its
payload has the text, the sentence spans, the terms, the quotations in the paragraph with their speakers,
and its article's id and metadata, so that any app server can load the collection with nothing else at
hand.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Iterator

import numpy as np
from qdrant_client import QdrantClient, models

from citeqa.articles.keywords import terms as stemmed_terms
from citeqa.articles.passages import keyword_text
from citeqa.index import build as builds
from citeqa.index import vectors
from citeqa.index.base import IndexData, Manifest

# bm25s's defaults, which the embedded backend uses: the keyword weights must be the same.
K1, B = 1.5, 0.75
OWNER = "alias"  # the metadata key naming the alias a build's collection was made for
_POINTS = uuid.UUID("5b1f3c3e-6f0e-4b7a-9d61-2b8f0c0f7a11")  # namespace of the point ids


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


def points(data: IndexData, average_length: float) -> Iterator[models.PointStruct]:
    """The points of every passage of ``data``, a build in memory."""
    by_id = {a.id: a for a in data.articles}
    matrices = {kind: data.searcher.vectors(kind) for kind in vectors.KINDS}
    starts = data.sentence_start
    quoted: dict[tuple[str, int], list] = {}
    for q in data.quotations:
        quoted.setdefault((q.article_id, q.paragraph), []).append(builds.quotation_json(q))
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
                "quotations": quoted.get((p.article_id, p.number), []),
                "article": {k: v for k, v in builds.article_json(article).items() if k != "paragraphs"},
            },
        )


def average_length(data: IndexData) -> float:
    """The mean number of keyword tokens of a passage, as bm25s takes it."""
    by_id = {a.id: a for a in data.articles}
    lengths = [len(stemmed_terms(keyword_text(by_id[p.article_id], p.number))) for p in data.passages]
    return float(np.mean(lengths)) if lengths else 1.0


def metadata(alias: str, manifest: Manifest, average_length: float, revision: int) -> dict:
    """What a build's collection records about itself, the alias it was made for among it."""
    return {
        OWNER: alias,
        "manifest": dict(manifest.__dict__),
        "average_length": average_length,
        "revision": revision,
    }


def scroll(client: QdrantClient, collection: str, *, with_vectors: bool | list[str]) -> Iterator[models.Record]:
    """Every point of ``collection``, a page at a time."""
    offset = None
    while True:
        page, offset = client.scroll(
            collection, limit=1024, offset=offset, with_payload=True, with_vectors=with_vectors
        )
        yield from page
        if offset is None:
            return
