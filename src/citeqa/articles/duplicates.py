"""Near-duplicate stories: one story filed twice, edited a little (a typo fixed, a paragraph split,
readers' comments added, a new headline), found so that an answer quotes it once.

Each article is read as its set of shingles, five stemmed words in a row (finder.Words). In a
collection of more than ``EVERY_PAIR`` articles, MinHash LSH (datasketch) proposes the pairs whose
shingles likely overlap by at least ``CANDIDATE`` (Jaccard), without comparing every pair; a smaller
one has every pair measured. Each pair is measured exactly on its shingles, and is one
story when the two share at least ``SAME_STORY`` of their shingles (Jaccard) or when ``CONTAINED`` of
the shorter one's are in the longer (a story with comments appended, a short version in a long one).
A story and its copies form a group; its first article (the earliest dated, else the first in the
collection's order) is the story, the others repeat it. Both stay citable.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from citeqa.articles.finder import Words, fold
from citeqa.records import Article

if TYPE_CHECKING:  # datasketch is imported where it is used: with scipy, it costs a start-up 0.6 s
    from datasketch import LeanMinHash, MinHash

SHINGLE = 5  # stemmed words in a row (stop words out)
PERMUTATIONS = 128
CANDIDATE = 0.3  # pairs LSH proposes: estimated Jaccard about this or more
SAME_STORY = 0.5  # Jaccard of two articles' shingles from which they are one story
CONTAINED = 0.8  # ... or share of the shorter one's shingles in the longer
MIN_CONTAINED = 20  # shingles the shorter must have for containment to count: a few lines prove nothing
SAME_PASSAGE = 0.8  # share of a paragraph's word triples found in another text: the same paragraph
EVERY_PAIR = 100  # up to this many articles every pair is measured; beyond, MinHash LSH proposes the pairs


@dataclass(frozen=True)
class Sketch:
    """An article's shingles (their CRC-32s, sorted) and their MinHash (in a collection of more than
    ``EVERY_PAIR`` articles), kept while it is unchanged."""

    key: tuple
    shingles: np.ndarray
    minhash: LeanMinHash | None


@dataclass(frozen=True)
class Pair:
    first: str  # article ids, the first in the collection's order first
    second: str
    jaccard: float
    contained: float  # share of the shorter one's shingles in the longer


@dataclass(frozen=True)
class Duplicates:
    """The near-duplicate stories of a collection."""

    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> its group's ids, the story first
    pairs: tuple[Pair, ...] = ()  # every pair found to be one story

    def original(self, article_id: str) -> str | None:
        """The id of the story ``article_id`` nearly repeats, or None (it repeats none, or is the story)."""
        group = self.groups.get(article_id)
        return group[0] if group and group[0] != article_id else None

    def others(self, article_id: str) -> tuple[str, ...]:
        """The ids of the other articles of its story."""
        return tuple(i for i in self.groups.get(article_id, ()) if i != article_id)

    def also_in(self, article_id: str, text: str, articles: Mapping[str, Article]) -> tuple[str, ...]:
        """The headlines of the other articles of its story that hold the paragraph ``text`` too."""
        return tuple(
            articles[other].title
            for other in self.others(article_id)
            if other in articles and same_passage(text, "\n".join(articles[other].paragraphs))
        )


def sketches(words: Sequence[Words], known: Mapping[tuple, Sketch] | None = None) -> list[Sketch]:
    """The sketch of each article's words; those ``known`` holds under the same key are reused."""
    known = known or {}
    hashed = len(words) > EVERY_PAIR
    out = []
    template = None
    for w in words:
        found = known.get(w.key)
        if found is None or (hashed and found.minhash is None):
            if hashed and template is None:  # its permutations are made once and shared
                from datasketch import MinHash

                template = MinHash(num_perm=PERMUTATIONS)
            found = _sketch(w, template)
        out.append(found)
    return out


def _sketch(words: Words, template: MinHash | None) -> Sketch:
    terms = _term_hashes(words.body or ("",))
    count = max(1, terms.size - SHINGLE + 1)
    shingle = np.zeros(count, np.uint64)
    for k in range(min(SHINGLE, terms.size)):  # a polynomial hash of the terms in a row; uint64 wraps
        shingle = shingle * _MULTIPLIER + terms[k : k + count]
    hashes = np.unique(((shingle >> np.uint64(32)) ^ shingle).astype(np.uint32))
    if template is None:
        return Sketch(words.key, hashes, None)
    from datasketch import LeanMinHash, MinHash

    minhash = MinHash(PERMUTATIONS, hashfunc=int, permutations=template.permutations, scheme=template.scheme)
    minhash.update_batch(hashes.tolist())
    return Sketch(words.key, hashes, LeanMinHash(minhash))


_MULTIPLIER = np.uint64(1_000_003)
_HASHES: dict[str, int] = {}  # each term's CRC-32, worked out once per process


def _term_hashes(terms: Sequence[str]) -> np.ndarray:
    known = _HASHES
    values = [known.get(t) for t in terms]
    for i, value in enumerate(values):
        if value is None:
            values[i] = known[terms[i]] = zlib.crc32(terms[i].encode())
    return np.array(values, np.uint64)


def detect(articles: Sequence[Article], found: Sequence[Sketch]) -> Duplicates:
    """The near-duplicate stories among ``articles`` (in the collection's order), ``found`` their sketches."""
    if len(articles) < 2:
        return Duplicates()
    pairs = []
    for i, j in _candidates(found):
        jaccard, contained = _measure(found[i].shingles, found[j].shingles)
        if jaccard >= SAME_STORY or contained >= CONTAINED:
            pairs.append(Pair(articles[i].id, articles[j].id, round(jaccard, 3), round(contained, 3)))
    return Duplicates(_groups(articles, pairs), tuple(pairs))


def _candidates(found: Sequence[Sketch]) -> Iterator[tuple[int, int]]:
    """The pairs (i < j, in order) worth measuring: every pair of a small collection; in a larger one,
    those MinHash LSH proposes."""
    if len(found) <= EVERY_PAIR or any(s.minhash is None for s in found):
        yield from ((i, j) for i in range(len(found)) for j in range(i + 1, len(found)))
        return
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE, num_perm=PERMUTATIONS)
    with lsh.insertion_session() as session:
        for i, sketch in enumerate(found):
            session.insert(i, sketch.minhash, check_duplication=False)
    for i, sketch in enumerate(found):
        yield from ((i, j) for j in sorted(j for j in lsh.query(sketch.minhash) if j > i))


def _measure(first: np.ndarray, second: np.ndarray) -> tuple[float, float]:
    shared = np.intersect1d(first, second, assume_unique=True).size
    smaller = min(first.size, second.size)
    contained = shared / smaller if smaller >= MIN_CONTAINED else 0.0
    return shared / (first.size + second.size - shared), contained


def _groups(articles: Sequence[Article], pairs: list[Pair]) -> dict[str, tuple[str, ...]]:
    """Articles joined by pairs (and pairs of pairs) into stories, each listed from its story on."""
    parent: dict[str, str] = {}

    def root(i: str) -> str:
        while parent.get(i, i) != i:
            i = parent[i]
        return i

    for pair in pairs:
        a, b = root(pair.first), root(pair.second)
        if a != b:
            parent[b] = a
    paired = {i for pair in pairs for i in (pair.first, pair.second)}
    members: dict[str, list[Article]] = {}
    for article in articles:
        if article.id in paired:
            members.setdefault(root(article.id), []).append(article)
    groups = {}
    for group in members.values():
        order = sorted(range(len(group)), key=lambda n: (group[n].date is None, group[n].date or 0, n))
        ids = tuple(group[n].id for n in order)
        groups |= {i: ids for i in ids}
    return groups


_WORDS = re.compile(r"\w+")


def same_passage(part: str, whole: str) -> bool:
    """Whether the paragraph ``part`` is, give or take a few words, in the text ``whole``."""
    return _contained(part, whole) >= SAME_PASSAGE


def _contained(part: str, whole: str) -> float:
    """The share of ``part``'s word triples (its words, if it has fewer than three) found in ``whole``."""
    small, large = _WORDS.findall(fold(part)), _WORDS.findall(fold(whole))
    n = 3 if len(small) >= 3 else 1
    mine = {tuple(small[i : i + n]) for i in range(len(small) - n + 1)}
    if not mine:
        return 0.0
    theirs = {tuple(large[i : i + n]) for i in range(len(large) - n + 1)}
    return len(mine & theirs) / len(mine)
