"""Typed records passed between citeqa's modules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Metadata:
    """Metadata a file states itself (front matter, an HTML page's tags), which beats detection."""

    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: dt.date | None = None
    url: str | None = None


@dataclass(frozen=True)
class Article:
    """One article as read from the corpus, with its body split into numbered paragraphs.

    ``paragraphs[i]`` is paragraph number ``i + 1``, the number shown to readers and used in citations.
    Metadata that the file does not give is ``None``; nothing is guessed.
    """

    id: str
    path: str  # file name relative to the corpus folder
    title: str
    paragraphs: tuple[str, ...]
    sha256: str  # of the file's bytes: what decides whether the article changed
    outlet: str | None = None
    author: str | None = None
    date: dt.date | None = None
    url: str | None = None
    subtitle: str | None = None
    standfirst: str | None = None

    def paragraph_id(self, number: int) -> str:
        """The stable id of paragraph ``number`` (1-based): the same while the article is unchanged."""
        return f"{self.id}#p{number}"


@dataclass(frozen=True)
class Passage:
    """The unit that is indexed and cited: one body paragraph of one article."""

    id: str  # Article.paragraph_id(number)
    article_id: str
    number: int  # 1-based paragraph number
    text: str  # the paragraph exactly as extracted
    sentences: tuple[tuple[int, int], ...]  # [start, end) offsets of each sentence in ``text``

    def sentence(self, i: int) -> str:
        start, end = self.sentences[i]
        return self.text[start:end]


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, with the scores that ranked it."""

    passage: Passage
    score: float  # fused score in [0, 1]: what ranks the hits
    dense: float  # cosine similarity of the question and the passage (with its context)
    lexical: float  # BM25 score divided by the best BM25 score of this query
    sentence_scores: tuple[float, ...]  # cosine similarity of the question and each sentence

    @property
    def sentence_score(self) -> float:
        return max(self.sentence_scores)


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: a paragraph and the verbatim quote that supports it."""

    n: int
    article: Article
    paragraph: int
    text: str  # the whole paragraph
    quote: str  # an exact substring of ``text``
    quote_start: int  # ``text[quote_start:quote_start + len(quote)] == quote``
    score: float

    @property
    def passage_id(self) -> str:
        return self.article.paragraph_id(self.paragraph)


@dataclass(frozen=True)
class Answer:
    """What ``ask`` returns.

    When ``found`` is false the articles do not answer the question: ``citations`` is empty and
    ``closest`` lists the nearest passages, which do not answer it.
    """

    question: str
    found: bool
    answer: str
    citations: tuple[Citation, ...] = ()
    closest: tuple[Citation, ...] = ()
    notes: tuple[str, ...] = ()
    search_query: str = ""  # what was searched: the question, resolved against the conversation
    quoted: tuple[int, ...] = ()  # numbers of the citations whose quotes make up the answer text

    @property
    def used(self) -> tuple[Citation, ...]:
        """The citations whose quotes make up the answer text, in order of their markers."""
        return tuple(c for c in self.citations if c.n in self.quoted)


@dataclass(frozen=True)
class Turn:
    """One earlier question and its answer, for resolving follow-up questions."""

    question: str
    answer: Answer | None = None


@dataclass(frozen=True)
class CorpusProblem:
    """A file that could not be read as an article, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class Corpus:
    """The articles of a corpus folder and the files that were skipped."""

    articles: tuple[Article, ...]
    problems: tuple[CorpusProblem, ...] = ()
