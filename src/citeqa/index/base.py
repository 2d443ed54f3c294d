"""What an index store provides: where builds are kept, and how a loaded build is searched.

Two stores implement it: ``stores.folder`` (FAISS and bm25s in a folder, the embedded default) and
``stores.qdrant`` (a Qdrant collection, on a server or in Qdrant's local mode); ``factory`` picks one.
A build is made in memory by ``build.build`` whatever the store; a store publishes it atomically (the
folder store writing only what changed since its last whole build), or applies the changed articles to
the build it holds. Everything above (fusing the signals into a ranking, judging, quoting) is the same
for both. The records of a build (``Manifest``, ``IndexData``) live here too, so that the stores depend
on this module and ``build`` alone, and never on each other.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from citeqa.records import Article, Passage, Quotation

if TYPE_CHECKING:
    from citeqa.index.embed import Embedder
    from citeqa.index.pending import PendingVectors


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


Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Manifest:
    format: int
    model: str
    dim: int
    fingerprint: str  # of the corpus: article files and their hashes
    created: str
    counts: dict[str, int]
    files: dict[str, str]  # file name -> sha256, for every other file of the build
    parser: int = 1  # the clean.PARSER its articles were read with
    base: str | None = None  # for a delta (delta.py), the full build it amends; None for a full build


@dataclass(frozen=True)
class IndexData:
    """A loaded build: everything search needs, never changed after loading (safe to share)."""

    manifest: Manifest
    articles: tuple[Article, ...]
    passages: tuple[Passage, ...]
    searcher: Searcher
    # Passage row r's sentences are rows sentence_start[r] .. sentence_start[r + 1] - 1 of "sentence".
    sentence_start: np.ndarray
    continuation: np.ndarray  # continuation[r]: passage row r goes on from the paragraph before it
    terms: Terms
    typical_term_score: float  # the most one term of average rarity can score in BM25 (its IDF)
    build_id: str | None  # which published build it is; None while only in memory
    # Every article's quotations with their speakers (quotations.extract), in the articles' order.
    quotations: tuple[Quotation, ...] = ()


@dataclass(frozen=True)
class BuildReport:
    embedded: int  # texts embedded in this build
    reused: int  # vectors found at hand (a previous or interrupted build's), not embedded
    seconds: float
    quoting: float = 0.0  # of ``seconds``, those spent finding the articles' quotations and speakers
