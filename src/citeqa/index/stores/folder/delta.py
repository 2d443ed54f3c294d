"""A change of a few articles saved as a delta on a full build, so that one upload writes one article.

A delta folder holds the articles added or changed since its full build (the "base"), their passages
and their three vector sets, and the order of every article of the collection (an article left out
of it was removed). Loading puts the base's unchanged articles and the delta's together in that order,
which is the order a full build of the same collection has, with the same vectors row for row; BM25
is indexed again from the passages' keyword texts, since its weights depend on the whole collection.

Passages, keyword texts and vectors all depend on their own article only (passages.py, vectors.py),
which is what makes an article's part of the index separable.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from citeqa.index.base import IndexData, Manifest
from citeqa.index.build import (
    article_from_json,
    article_json,
    assemble,
    passage_from_json,
    passage_json,
    quotations_from_json,
    quotations_json,
    sentence_starts,
)
from citeqa.index.vectors import KINDS
from citeqa.records import Article

STORE = "delta.json"
# Above this share of the collection's passages added or changed since the full build, a new full
# build is written instead: loading a delta costs a little more for each passage it holds.
MAX_SHARE = 0.25


def changed(base: dict[str, Article], data: IndexData) -> frozenset[str] | None:
    """The ids of the articles of ``data`` that ``base`` (the full build's articles by id) does not hold
    as they are, or None if they are too many for a delta."""
    ids = frozenset(a.id for a in data.articles if base.get(a.id) != a)
    size = sum(len(a.paragraphs) for a in data.articles if a.id in ids)
    return ids if size <= MAX_SHARE * max(len(data.passages), 1) else None


def write(folder: Path, data: IndexData, ids: frozenset[str]) -> None:
    """The articles ``ids`` of ``data`` with their passages and vectors, and the order of all."""
    rows = np.array([r for r, p in enumerate(data.passages) if p.article_id in ids], dtype=np.int64)
    start = data.sentence_start
    sentence_rows = np.concatenate([np.arange(start[r], start[r + 1]) for r in rows]) if rows.size else rows
    store = {
        "order": [a.id for a in data.articles],
        "articles": [article_json(a) for a in data.articles if a.id in ids],
        "passages": [passage_json(data.passages[r]) for r in rows],
        "quotations": quotations_json(data.quotations, ids),
    }
    (folder / STORE).write_text(json.dumps(store, ensure_ascii=False), encoding="utf-8")
    for kind in KINDS:
        matrix = data.searcher.vectors(kind)
        np.save(folder / f"{kind}.npy", matrix[sentence_rows if kind == "sentence" else rows])


def apply(folder: Path, manifest: Manifest, base: IndexData) -> IndexData:
    """The collection of the delta in ``folder`` on its full build ``base``."""
    store = json.loads((folder / STORE).read_text(encoding="utf-8"))
    new = {a.id: a for a in (article_from_json(a) for a in store["articles"])}
    old = {a.id: a for a in base.articles}
    articles = tuple(new.get(i) or old[i] for i in store["order"])
    added = tuple(passage_from_json(p) for p in store["passages"])
    # Rows of the base and of the delta, one matrix after the other: where each article's rows are.
    parts = {
        "base": (base.passages, base.sentence_start, 0, 0),
        "delta": (added, sentence_starts(added), len(base.passages), int(base.sentence_start[-1])),
    }
    rows: dict[tuple[str, str], list[int]] = {}
    for source, (source_passages, *_) in parts.items():
        for row, p in enumerate(source_passages):
            rows.setdefault((source, p.article_id), []).append(row)
    passages, passage_rows, sentence_rows = [], [], []
    for article in articles:
        source = "delta" if article.id in new else "base"
        source_passages, starts, offset, sentence_offset = parts[source]
        for row in rows.get((source, article.id), []):
            passages.append(source_passages[row])
            passage_rows.append(offset + row)
            sentence_rows.extend(range(sentence_offset + starts[row], sentence_offset + starts[row + 1]))
    matrices = {}
    for kind in KINDS:
        delta_vectors = np.load(folder / f"{kind}.npy", allow_pickle=False)
        if delta_vectors.ndim != 2 or delta_vectors.shape[1] != manifest.dim:
            raise ValueError(f"{kind} vectors of shape {delta_vectors.shape}, not of dimension {manifest.dim}")
        both = np.concatenate([base.searcher.vectors(kind), delta_vectors])
        matrices[kind] = both[sentence_rows if kind == "sentence" else passage_rows]
    # Quotations of the delta's articles from it, of the others from the base, in the articles' order.
    by_article: dict[str, list] = {}
    for q in base.quotations:
        if q.article_id not in new:
            by_article.setdefault(q.article_id, []).append(q)
    for q in quotations_from_json(store["quotations"], tuple(new.values())):
        by_article.setdefault(q.article_id, []).append(q)
    quotations = tuple(q for a in articles for q in by_article.get(a.id, ()))
    return assemble(manifest, articles, tuple(passages), matrices=matrices, build_id=folder.name, quotations=quotations)
