"""A build searched in this process: FAISS for the vectors, bm25s for keywords.

Every build is made in memory first (``index.build``). The folder store saves and loads it as it is;
the Qdrant store uploads its vectors and keyword weights.
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import faiss
import numpy as np

from citeqa.articles import keywords
from citeqa.index.base import Signals, Terms

# Up to this many passages every one is scored exactly; above it FAISS and BM25 each nominate
# candidates first, and only those are scored.
EXACT_LIMIT = 20_000


class MemorySearcher:
    """Flat (exact) FAISS indexes of the "passage", "context" and "sentence" vectors, and BM25."""

    def __init__(
        self,
        vectors: dict[str, faiss.IndexFlatIP],
        bm25: bm25s.BM25,
        article_ids: Sequence[str],
        sentence_start: np.ndarray,
    ) -> None:
        """``article_ids[r]``: passage row r's article. Row r's sentences are rows ``sentence_start[r]``
        up to ``sentence_start[r + 1]`` of "sentence"."""
        if vectors["passage"].ntotal != len(article_ids) or vectors["sentence"].ntotal != sentence_start[-1]:
            raise ValueError("vector counts do not match the passages")
        self.index = vectors
        self.bm25 = bm25
        self._article_ids = np.asarray(article_ids, dtype=object)
        self._sentence_start = sentence_start

    @classmethod
    def of(
        cls, matrices: dict[str, np.ndarray], keyword_texts: list[str], article_ids: Sequence[str], sentence_start
    ) -> MemorySearcher:
        vectors = {}
        for kind, matrix in matrices.items():
            vectors[kind] = faiss.IndexFlatIP(matrix.shape[1])  # unit vectors: inner product is cosine
            vectors[kind].add(np.ascontiguousarray(matrix, dtype=np.float32))
        bm25 = bm25s.BM25()
        bm25.index(keywords.tokenize(keyword_texts), show_progress=False)
        return cls(vectors, bm25, article_ids, sentence_start)

    def vectors(self, kind: str) -> np.ndarray:
        """The vectors of ``kind`` as a read-only array, without copying them out of FAISS."""
        index = self.index[kind]
        array = faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d).reshape(index.ntotal, index.d)
        array.flags.writeable = False
        return array

    def terms(self) -> Terms:
        frequency = np.diff(np.asarray(self.bm25.scores["indptr"]))  # passages each term occurs in
        return Terms(
            documents=int(self.bm25.scores["num_docs"]),
            frequency={t: int(frequency[i]) for t, i in self.bm25.vocab_dict.items() if i < len(frequency)},
        )

    def signals(
        self, vector: np.ndarray, terms: Sequence[str], articles: frozenset[str] | None, per_signal: int
    ) -> Signals:
        n = len(self._article_ids)
        keyword = np.asarray(self.bm25.get_scores(list(terms)), np.float32) if terms else np.zeros(n, np.float32)
        allowed = None if articles is None else np.isin(self._article_ids, list(articles))
        if allowed is not None:
            keyword = np.where(allowed, keyword, 0.0)
        rows = self._candidates(vector, keyword, allowed, per_signal)
        every = rows.size == n  # all passages: the matrices are used as they are, not copied row by row
        passage = (self.vectors("passage") if every else self.vectors("passage")[rows]) @ vector
        context = (self.vectors("context") if every else self.vectors("context")[rows]) @ vector
        sentence, first = self._sentence_scores(vector, rows, every=every)
        return Signals(rows, passage, context, keyword[rows], sentence, first)

    def _candidates(
        self, query: np.ndarray, keyword: np.ndarray, allowed: np.ndarray | None, per_signal: int
    ) -> np.ndarray:
        n = len(self._article_ids)
        if n <= EXACT_LIMIT:
            return np.arange(n) if allowed is None else np.flatnonzero(allowed)
        params = None
        if allowed is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.flatnonzero(allowed).astype(np.int64)))
        top = min(per_signal, n)
        found = [np.argpartition(-keyword, top - 1)[:top]]
        for kind in ("passage", "context"):
            _, ids = self.index[kind].search(query[None, :], top, params=params)
            found.append(ids[0][ids[0] >= 0])
        rows = np.unique(np.concatenate(found))
        return rows if allowed is None else rows[allowed[rows]]

    def _sentence_scores(self, query: np.ndarray, rows: np.ndarray, *, every: bool) -> tuple[np.ndarray, np.ndarray]:
        starts, ends = self._sentence_start[rows], self._sentence_start[rows + 1]
        lengths = ends - starts  # every passage has at least one sentence
        first = np.concatenate(([0], np.cumsum(lengths)))
        if every:  # the passages' sentences are the whole matrix, in order
            return self.vectors("sentence") @ query, first
        # Row i's sentences are starts[i] .. ends[i]: one index array for all, without a Python loop.
        index = np.arange(first[-1]) - np.repeat(first[:-1] - starts, lengths)
        return self.vectors("sentence")[index] @ query, first
