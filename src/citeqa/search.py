"""Hybrid search: dense similarity (FAISS) and BM25 keywords, fused into one score per passage."""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

from citeqa.index import IndexData
from citeqa.records import Hit

# Up to this many passages every one is scored exactly; above it FAISS and BM25 each nominate
# candidates first, and only those are scored.
EXACT_LIMIT = 20_000


@dataclass(frozen=True)
class Weights:
    """How the signals are fused: a weighted sum of cosines and of BM25 scaled as ``keyword_scale`` says."""

    passage: float = 0.5  # the paragraph on its own
    context: float = 0.1  # the paragraph after its headline and the paragraph before it
    keywords: float = 0.45  # BM25 over the paragraph (and the names it refers back to)
    candidates: int = 200  # per signal, above EXACT_LIMIT passages


def search(
    data: IndexData,
    query: np.ndarray,
    terms: list[str],
    *,
    k: int,
    allowed: np.ndarray | None = None,
    weights: Weights = Weights(),
) -> list[Hit]:
    """The ``k`` best passages for a question.

    Args:
        query: the question's unit vector.
        terms: the question's keyword terms (``keywords.terms``).
        allowed: boolean mask over passage rows (searching some articles only), or None for all.
    """
    n = len(data.passages)
    if n == 0:
        return []
    keyword = np.asarray(data.bm25.get_scores(terms), dtype=np.float32) if terms else np.zeros(n, np.float32)
    if allowed is not None:
        keyword = np.where(allowed, keyword, 0.0)
    rows = _candidates(data, query, keyword, allowed, weights.candidates)
    if rows.size == 0:
        return []
    passage = data.matrix("passage")[rows] @ query
    context = data.matrix("context")[rows] @ query
    sentence_scores = _sentence_scores(data, query, rows)
    lexical = keyword[rows] / keyword_scale(float(keyword[rows].max()), data.typical_term_score)
    fused = weights.passage * passage + weights.context * context + weights.keywords * lexical
    order = np.argsort(-fused, kind="stable")[:k]
    return [
        Hit(
            passage=data.passages[int(rows[i])],
            score=float(fused[i]),
            dense=float(passage[i]),
            lexical=float(lexical[i]),
            sentence_scores=tuple(float(x) for x in sentence_scores[i]),
        )
        for i in order
    ]


def keyword_scale(top: float, typical: float) -> float:
    """What BM25 scores are divided by: the best score plus what one typical term can score.

    Dividing by the best score alone would give a match on one common word the full keyword weight.
    This keeps a weak best match weak and a strong one near 1, capped at six typical terms (the
    normalisation txtai's hybrid search uses).
    """
    return max(min(top + typical, 6 * typical), 1e-9)


def _candidates(
    data: IndexData, query: np.ndarray, keyword: np.ndarray, allowed: np.ndarray | None, per_signal: int
) -> np.ndarray:
    n = len(data.passages)
    if n <= EXACT_LIMIT:
        return np.arange(n) if allowed is None else np.flatnonzero(allowed)
    params = None
    if allowed is not None:
        params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.flatnonzero(allowed).astype(np.int64)))
    top = min(per_signal, n)
    found = [np.argpartition(-keyword, top - 1)[:top]]
    for kind in ("passage", "context"):
        _, ids = data.vectors[kind].search(query[None, :], top, params=params)
        found.append(ids[0][ids[0] >= 0])
    rows = np.unique(np.concatenate(found))
    return rows if allowed is None else rows[allowed[rows]]


def _sentence_scores(data: IndexData, query: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    """For each passage row, the cosine of the question with each of its sentences."""
    starts, ends = data.sentence_start[rows], data.sentence_start[rows + 1]
    scores = (
        data.matrix("sentence")[np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])] @ query
    )
    return np.split(scores, np.cumsum(ends - starts)[:-1])
