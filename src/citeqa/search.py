"""Hybrid search: dense similarity (FAISS) and BM25 keywords, fused into one score per passage."""

from __future__ import annotations

from dataclasses import dataclass

import faiss
import numpy as np

from citeqa.index import IndexData
from citeqa.query import Query, has_kind
from citeqa.records import Hit

# Up to this many passages every one is scored exactly; above it FAISS and BM25 each nominate
# candidates first, and only those are scored.
EXACT_LIMIT = 20_000


@dataclass(frozen=True)
class Weights:
    """How the signals are fused: a weighted sum of cosines, of BM25 scaled as ``keyword_scale`` says,
    and of a bonus for holding the kind of answer the question expects."""

    passage: float = 0.2  # the paragraph on its own (a continuation: the better of alone and in context)
    context: float = 0.1  # the paragraph after its headline and the paragraph before it
    keywords: float = 0.4  # BM25 over the paragraph and what the story has said by then (passages.py)
    sentence: float = 0.35  # the paragraph’s closest sentence
    kind: float = 0.05  # the paragraph holds the kind of answer expected (a figure for "how many")
    rerank: int = 30  # how many of the best are checked for the kind of answer
    candidates: int = 200  # per signal, above EXACT_LIMIT passages


def search(
    data: IndexData,
    vector: np.ndarray,
    query: Query,
    *,
    k: int,
    allowed: np.ndarray | None = None,
    weights: Weights = Weights(),
) -> list[Hit]:
    """The ``k`` best passages for a question.

    Args:
        vector: the question's unit vector.
        query: the question's terms and the kind of answer it expects.
        allowed: boolean mask over passage rows (searching some articles only), or None for all.
    """
    n = len(data.passages)
    if n == 0:
        return []
    terms = list(query.terms)
    keyword = np.asarray(data.bm25.get_scores(terms), dtype=np.float32) if terms else np.zeros(n, np.float32)
    if allowed is not None:
        keyword = np.where(allowed, keyword, 0.0)
    rows = _candidates(data, vector, keyword, allowed, weights.candidates)
    if rows.size == 0:
        return []
    every = rows.size == n  # all passages: the matrices are used as they are, not copied row by row
    passage = (data.matrix("passage") if every else data.matrix("passage")[rows]) @ vector
    context = (data.matrix("context") if every else data.matrix("context")[rows]) @ vector
    # A continuation ("Instead they ...") is read with the paragraph it goes on from.
    dense = np.where(data.continuation[rows], np.maximum(passage, context), passage)
    sentence_scores, first = _sentence_scores(data, vector, rows, every=every)
    best_sentence = np.maximum.reduceat(sentence_scores, first[:-1])
    lexical = keyword[rows] / keyword_scale(float(keyword[rows].max()), data.typical_term_score)
    fused = (
        weights.passage * dense
        + weights.context * context
        + weights.keywords * lexical
        + weights.sentence * best_sentence
    )
    order = np.argsort(-fused, kind="stable")
    if query.expects and weights.kind:
        top = order[: max(weights.rerank, k)]
        bonus = np.array(
            [has_kind(data.passages[int(rows[i])].text, query.expects, query.text) for i in top], np.float32
        )
        fused[top] += weights.kind * bonus
        order = np.concatenate([top[np.argsort(-fused[top], kind="stable")], order[len(top) :]])
    return [
        Hit(
            passage=data.passages[int(rows[i])],
            score=float(fused[i]),
            dense=float(passage[i]),
            lexical=float(lexical[i]),
            sentence_scores=tuple(float(x) for x in sentence_scores[first[i] : first[i + 1]]),
            context=float(context[i]),
        )
        for i in order[:k]
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


def _sentence_scores(
    data: IndexData, query: np.ndarray, rows: np.ndarray, *, every: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The cosine of the question with each sentence of the passages ``rows``, one flat array, and
    where each row's sentences start in it (with its end last): row i's are ``scores[first[i]:first[i + 1]]``."""
    starts, ends = data.sentence_start[rows], data.sentence_start[rows + 1]
    lengths = ends - starts  # every passage has at least one sentence
    first = np.concatenate(([0], np.cumsum(lengths)))
    if every:  # the passages' sentences are the whole matrix, in order
        return data.matrix("sentence") @ query, first
    # Row i's sentences are starts[i] .. ends[i]: one index array for all, without a Python loop.
    index = np.arange(first[-1]) - np.repeat(first[:-1] - starts, lengths)
    return data.matrix("sentence")[index] @ query, first
