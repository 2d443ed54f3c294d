"""Hybrid search: the backend's signals for a question (dense similarity of the paragraph alone, in
context and of its sentences, and BM25 keywords) fused into one score per passage."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from citeqa.answers.query import Query, has_kind
from citeqa.index.base import IndexData
from citeqa.records import Hit


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
    candidates: int = 200  # per signal, in a collection too large to score every passage


def search(
    data: IndexData,
    vector: np.ndarray,
    query: Query,
    *,
    k: int,
    articles: frozenset[str] | None = None,
    weights: Weights = Weights(),
) -> list[Hit]:
    """The ``k`` best passages for a question.

    Args:
        vector: the question's unit vector.
        query: the question's terms and the kind of answer it expects.
        articles: the ids of the articles to search, or None for all.
    """
    if not data.passages:
        return []
    signals = data.searcher.signals(vector, query.terms, articles, weights.candidates)
    rows = signals.rows
    if rows.size == 0:
        return []
    # A continuation ("Instead they ...") is read with the paragraph it goes on from.
    dense = np.where(data.continuation[rows], np.maximum(signals.passage, signals.context), signals.passage)
    first = signals.first
    best_sentence = np.maximum.reduceat(signals.sentence, first[:-1])
    lexical = signals.keyword / keyword_scale(float(signals.keyword.max()), data.typical_term_score)
    fused = (
        weights.passage * dense
        + weights.context * signals.context
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
            dense=float(signals.passage[i]),
            lexical=float(lexical[i]),
            sentence_scores=tuple(float(x) for x in signals.sentence[first[i] : first[i + 1]]),
            context=float(signals.context[i]),
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
