"""What an index backend provides: where builds are kept, and how a loaded build is searched.

Two backends implement it: ``faiss_store`` (FAISS and bm25s in a folder, the embedded default) and
``qdrant_store`` (a Qdrant collection, on a server or in Qdrant's local mode). A build is made in
memory by ``index.build`` whatever the backend; a store publishes it atomically (the folder store
writing only what changed since its last whole build), or applies the changed articles to the build
it holds. Everything above (fusing the signals into a ranking, judging,
quoting) is the same for both.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from citeqa.config import Config
    from citeqa.embed import Embedder
    from citeqa.index import BuildReport, IndexData, Progress
    from citeqa.pending import PendingVectors


@dataclass(frozen=True)
class Signals:
    """The raw scores of a question's candidate passages, for ``search.search`` to fuse and rank.

    ``rows`` index the build's passages; every other array is aligned with them, except the sentence
    cosines: candidate i's are ``sentence[first[i]:first[i + 1]]``.
    """

    rows: np.ndarray
    passage: np.ndarray  # cosine of the question and the paragraph alone
    context: np.ndarray  # ... and the paragraph read in context
    keyword: np.ndarray  # BM25 score, unscaled
    sentence: np.ndarray
    first: np.ndarray


@dataclass(frozen=True)
class Terms:
    """Which stemmed terms the collection knows, and in how many passages each occurs."""

    documents: int
    frequency: dict[str, int]

    def typical_score(self) -> float:
        """The mean IDF of the vocabulary: the most one term of average rarity adds to a BM25 score."""
        if not self.frequency:
            return 1.0
        frequency = np.fromiter(self.frequency.values(), dtype=np.float64, count=len(self.frequency))
        return float(np.mean(np.log(1 + (self.documents - frequency + 0.5) / (frequency + 0.5))))


class Searcher(Protocol):
    """The search side of one loaded build."""

    def signals(
        self, vector: np.ndarray, terms: Sequence[str], articles: frozenset[str] | None, per_signal: int
    ) -> Signals:
        """Candidates and their scores for a question's unit ``vector`` and stemmed ``terms``, among the
        passages of ``articles`` (ids; None: all). Small collections score every passage; large ones
        score the ``per_signal`` best of each signal."""
        ...

    def terms(self) -> Terms: ...

    def vectors(self, kind: str) -> np.ndarray | None:
        """All vectors of ``kind`` in passage (or sentence) order, if they are at hand, to reuse."""
        ...


class Store(Protocol):
    """Where builds are kept, and which one is current."""

    location: str  # for messages: a folder, or a Qdrant URL and collection

    def signature(self) -> Hashable | None:
        """Cheap to ask before every question; changes whenever another build is published."""
        ...

    def current(self) -> str | None:
        """The id of the published build, or None if there is none. Raises BadIndexError if damaged."""
        ...

    def load(self) -> IndexData:
        """The published build. Raises BadIndexError if there is none or it is damaged."""
        ...

    def unwritable(self) -> str | None:
        """Why nothing can be published now, or None if it can."""
        ...

    def save(self, data: IndexData) -> IndexData:
        """Publish ``data`` as the current build, atomically (a store may write only what changed since an
        earlier build). Raises IndexWriteError."""
        ...

    def update(
        self,
        previous: IndexData,
        articles: tuple,
        embedder: Embedder,
        *,
        known: dict | None = None,
        pending: PendingVectors | None = None,
        progress: Progress | None = None,
    ) -> tuple[IndexData, BuildReport] | None:
        """Apply the articles that changed since ``previous`` to the published build in place, embedding
        only theirs; None when this store rebuilds instead (then ``index.build`` and ``save``)."""
        ...


def open_store(config: Config) -> Store:
    """The store ``config.backend`` names: "faiss" (the default) or "qdrant"."""
    if config.backend == "qdrant":
        from citeqa.qdrant_store import QdrantStore

        return QdrantStore(config.index, url=config.qdrant_url, collection=config.qdrant_collection)
    from citeqa.faiss_store import FolderStore

    return FolderStore(config.index)
