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
    section: str | None = None


# Where in an article a passage is, beside the body's paragraph numbers (1, 2, ...): the lines
# between the headline and the body are citable too, each under its own name.
SUBTITLE = -1
STANDFIRST = 0
_PARTS = {SUBTITLE: "subtitle", STANDFIRST: "standfirst"}


def locator(number: int) -> str:
    """Where passage ``number`` is, as a citation says it: "para. 3", "standfirst", "subtitle"."""
    return _PARTS.get(number, f"para. {number}")


@dataclass(frozen=True)
class Article:
    """One article as read from the corpus, with its body split into numbered paragraphs.

    ``paragraphs[i]`` is paragraph number ``i + 1``, the number shown to readers and used in citations;
    the subtitle and the standfirst are numbered ``SUBTITLE`` and ``STANDFIRST`` (``text``).
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
    section: str | None = None  # front matter's ``section:``, else the sub-folder of the corpus it lies in

    def paragraph_id(self, number: int) -> str:
        """The stable id of paragraph ``number`` (1-based; or the subtitle or standfirst): the same while
        the article is unchanged."""
        return f"{self.id}#{_PARTS[number]}" if number in _PARTS else f"{self.id}#p{number}"

    def text(self, number: int) -> str | None:
        """The text of paragraph ``number``, or of the subtitle or standfirst; None if there is none."""
        if number == SUBTITLE:
            return self.subtitle or None
        if number == STANDFIRST:
            return self.standfirst or None
        return self.paragraphs[number - 1] if 1 <= number <= len(self.paragraphs) else None

    def numbers(self) -> list[int]:
        """The numbers of the article's citable parts in reading order: subtitle, standfirst, paragraphs."""
        heads = [n for n in (SUBTITLE, STANDFIRST) if self.text(n)]
        return heads + list(range(1, len(self.paragraphs) + 1))


@dataclass(frozen=True)
class Passage:
    """The unit that is indexed and cited: one body paragraph of one article, or its subtitle or standfirst."""

    id: str  # Article.paragraph_id(number)
    article_id: str
    number: int  # 1-based paragraph number; SUBTITLE or STANDFIRST for those
    text: str  # the paragraph exactly as extracted
    sentences: tuple[tuple[int, int], ...]  # [start, end) offsets of each sentence in ``text``

    def sentence(self, i: int) -> str:
        start, end = self.sentences[i]
        return self.text[start:end]


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, with the scores that ranked it."""

    passage: Passage
    score: float  # fused score: what ranks the hits
    dense: float  # cosine similarity of the question and the paragraph alone
    lexical: float  # BM25 score, scaled to about [0, 1] (see search.keyword_scale)
    sentence_scores: tuple[float, ...]  # cosine similarity of the question and each sentence
    context: float = 0.0  # cosine similarity of the question and the paragraph read in context

    @property
    def sentence_score(self) -> float:
        return max(self.sentence_scores)


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: a paragraph and the verbatim quote that supports it."""

    n: int
    article: Article
    paragraph: int  # 1-based paragraph number; SUBTITLE or STANDFIRST for those (see ``locator``)
    text: str  # the whole paragraph
    quote: str  # an exact substring of ``text``
    quote_start: int  # ``text[quote_start:quote_start + len(quote)] == quote``
    score: float
    # The parts of the question the passage, read with what surrounds it, does and does not contain:
    # names, figures, years, quoted phrases ("Wendy Williams", "2020"), the kind of answer ("a number").
    matched: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()
    speaker: str | None = None  # who the quote is the words of, when it lies within a quotation whose speaker is known
    role: str | None = None  # the speaker's role as the article gives it
    said: str | None = None  # how a copy introduces the quote after the speaker: "said:", "told The Independent:"
    also_in: tuple[str, ...] = ()  # headlines of near-duplicate stories that hold the same paragraph

    @property
    def passage_id(self) -> str:
        return self.article.paragraph_id(self.paragraph)

    @property
    def locator(self) -> str:
        """Where the passage is in its article: "para. 3", "standfirst", "subtitle"."""
        return locator(self.paragraph)

    @property
    def quote_end(self) -> int:
        return self.quote_start + len(self.quote)


@dataclass(frozen=True)
class Quotation:
    """One quotation or reported statement in a body paragraph of an article, with its speaker.

    ``article.paragraphs[paragraph - 1][start:end]`` is its text, exactly. ``type`` is "direct" (words in
    quotation marks, without the marks) or "reported" (the clause a verb of saying governs). ``kind`` says
    how the speaker was found: "named" (the paragraph names them), "pronoun" (a pronoun or a description
    standing for someone named earlier), "continuation" (it carries on a quotation of an earlier
    paragraph) or "unknown" (``speaker`` is None: the article does not say who spoke). ``verb`` is the
    verb of saying as the article gives it ("said", "told The Independent", "according to"), or "".
    """

    paragraph: int
    start: int
    end: int
    type: str
    speaker: str | None
    role: str | None
    kind: str
    article_id: str = ""
    verb: str = ""
    speaker_class: str = ""


# What ``ask`` concluded. Only an answer is presented as one; the other two say so.
ANSWERED = "answered"  # the quoted passages answer the question
CLOSEST = "closest"  # passages on the subject were found, but they may not answer it
NOT_FOUND = "not_found"  # the articles do not answer it
OUTCOMES = (ANSWERED, CLOSEST, NOT_FOUND)


@dataclass(frozen=True)
class Answer:
    """What ``ask`` returns.

    ``outcome`` is ``ANSWERED`` when the quotes in ``answer`` answer the question, with ``citations``
    their sources. Otherwise ``citations`` is empty, ``reason`` says why the passages found do not
    answer it, and ``closest`` lists them: on the subject (``CLOSEST``) or merely the nearest
    (``NOT_FOUND``), never an answer.
    """

    question: str
    outcome: str
    answer: str
    citations: tuple[Citation, ...] = ()  # by relevance, the passage that answers first; ``n`` is reading order
    closest: tuple[Citation, ...] = ()
    reason: str = ""
    notes: tuple[str, ...] = ()
    search_query: str = ""  # what was searched: the question, resolved against the conversation
    quoted: tuple[int, ...] = ()  # numbers of the citations whose quotes make up the answer text

    @property
    def found(self) -> bool:
        return self.outcome == ANSWERED

    @property
    def used(self) -> tuple[Citation, ...]:
        """The citations whose quotes make up the answer text, in the order the text gives them."""
        by_number = {c.n: c for c in self.citations}
        return tuple(by_number[n] for n in self.quoted if n in by_number)


@dataclass(frozen=True)
class Pin:
    """A quote kept in the basket, with the note its collector wrote beside it."""

    citation: Citation
    note: str = ""

    @property
    def key(self) -> str:
        """The same quote pinned from two answers is one pin."""
        return f"{self.citation.passage_id}@{self.citation.quote_start}-{self.citation.quote_end}"


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
