"""The engine: a corpus, its index and the model, answering questions. One per process, shared.

``Engine.ask`` reads the current index once at its start, and ``refresh`` swaps in a complete new one,
so a question asked while an article is being added sees the old index or the new, never a mix.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from citeqa import index as index_store
from citeqa import keywords
from citeqa.answer import compose
from citeqa.config import Config
from citeqa.conversation import resolve
from citeqa.corpus import load_corpus
from citeqa.embed import Embedder, SentenceTransformerEmbedder
from citeqa.errors import ArticleError, BadIndexError, QuestionError
from citeqa.index import IndexData, Progress
from citeqa.records import Answer, Article, CorpusProblem, Turn
from citeqa.search import search
from citeqa.uploads import add_article

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 10_000  # longer input is cut before tokenising; the model reads far less anyway
MAX_K = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class State:
    """What one question is answered from; replaced whole, never changed."""

    data: IndexData | None  # None while the corpus has no readable article
    problems: tuple[CorpusProblem, ...]
    vocabulary: frozenset[str]
    by_id: dict[str, Article]  # the articles of ``data`` by id


@dataclass(frozen=True)
class RefreshReport:
    messages: tuple[str, ...]  # what happened, for the user: rebuilt, reused, files skipped
    embedded: int = 0
    reused: int = 0


class Engine:
    """Answers questions over the articles of ``config.corpus`` with the index in ``config.index``."""

    def __init__(self, config: Config, embedder: Embedder) -> None:
        self.config = config
        self.embedder = embedder
        self._state = State(data=None, problems=(), vocabulary=frozenset(), by_id={})
        self._refresh_lock = threading.Lock()

    @classmethod
    def open(
        cls, config: Config, *, embedder: Embedder | None = None, progress: Progress | None = None
    ) -> tuple[Engine, RefreshReport]:
        """Load the model and the saved index, building or refreshing the index if it is not current."""
        if embedder is None:
            if progress:
                progress("Loading the language model", 0, 0)
            embedder = SentenceTransformerEmbedder(config.model)
        engine = cls(config, embedder)
        return engine, engine.refresh(progress=progress)

    @property
    def articles(self) -> tuple[Article, ...]:
        data = self._state.data
        return data.articles if data else ()

    @property
    def problems(self) -> tuple[CorpusProblem, ...]:
        return self._state.problems

    @property
    def passage_count(self) -> int:
        data = self._state.data
        return len(data.passages) if data else 0

    def article(self, article_id: str) -> Article:
        article = self._state.by_id.get(article_id)
        if article is not None:
            return article
        raise QuestionError(f"no article with id {article_id!r}; known ids: {', '.join(a.id for a in self.articles)}")

    def refresh(self, *, progress: Progress | None = None) -> RefreshReport:
        """Re-read the corpus and bring the index up to date, embedding only what changed."""
        with self._refresh_lock:
            if progress:
                progress("Reading the articles", 0, 0)
            corpus = load_corpus(self.config.corpus, max_bytes=self.config.max_article_bytes)
            messages = [f"Skipped {p.path}: {p.reason}" for p in corpus.problems]
            if not corpus.articles:
                messages.append(f"No readable article in {self.config.corpus}: add .txt, .md or .html files.")
                self._state = State(data=None, problems=corpus.problems, vocabulary=frozenset(), by_id={})
                return RefreshReport(tuple(messages))
            current = self._state.data
            if current is None:
                if progress:
                    progress("Loading the saved index", 0, 0)
                try:
                    current = index_store.load(self.config.index)
                except BadIndexError as exc:
                    if (self.config.index / index_store.CURRENT).exists():  # damaged, not merely absent
                        messages.append(f"The saved index was unusable and is rebuilt: {exc}")
                    current = None
            wanted = index_store.fingerprint(corpus.articles, self.embedder.name)
            if current is not None and current.manifest.fingerprint == wanted:
                data, embedded, reused = current, 0, 0
            else:
                if current is not None:
                    messages.append(_what_changed(current, corpus.articles, self.embedder.name))
                data, report = index_store.build(
                    self.config.index, corpus.articles, self.embedder, previous=current, progress=progress
                )
                embedded, reused = report.embedded, report.reused
            vocabulary = frozenset(data.bm25.vocab_dict)
            by_id = {a.id: a for a in data.articles}
            self._state = State(data=data, problems=corpus.problems, vocabulary=vocabulary, by_id=by_id)
            for message in messages:
                log.warning("%s", message)
            return RefreshReport(tuple(messages), embedded, reused)

    def add_article(self, name: str, data: bytes, *, progress: Progress | None = None) -> tuple[Article, RefreshReport]:
        """Save an uploaded article into the corpus and index it. Nothing is saved if it is refused.

        Raises:
            ArticleError: uploads are off, or the file is unsafe, unreadable or already there.
        """
        if not self.config.uploads:
            raise ArticleError("adding articles is turned off here (CITEQA_UPLOADS=0)")
        add_article(self.config.corpus, name, data, max_bytes=self.config.max_article_bytes, existing=self.articles)
        report = self.refresh(progress=progress)
        return next(a for a in self.articles if a.path == name), report

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        articles: Sequence[str] | None = None,
        history: Sequence[Turn] = (),
    ) -> Answer:
        """Answer ``question`` from the articles (all, or those whose ids are in ``articles``).

        Earlier turns in ``history`` (oldest first) resolve follow-up questions.
        """
        state = self._state  # one consistent index for the whole question
        if state.data is None:
            raise QuestionError(
                f"there are no articles to search; add .txt, .md or .html files to {self.config.corpus}"
            )
        if k is None:  # the default never exceeds a small corpus; an explicit k must fit it
            k = min(self.config.k, len(state.data.passages))
        question, notes = self._check_question(question)
        allowed = self._allowed(state.data, articles)
        if not isinstance(k, int) or not 1 <= k <= min(MAX_K, len(state.data.passages)):
            raise QuestionError(
                f"k={k} must be between 1 and {min(MAX_K, len(state.data.passages))} "
                f"(there are {len(state.data.passages)} passages indexed); use a smaller k"
            )
        query = resolve(question, list(history))
        # The question itself was cut already; a follow-up's longer search text may need it too.
        query_text = query if query == question else self.embedder.truncate(query)[0]
        vector = self.embedder.encode([query_text])[0]
        terms = keywords.terms(query_text)
        covered = sum(t in state.vocabulary for t in terms) / len(terms) if terms else 1.0
        missing = keywords.missing_names(question, state.vocabulary)
        hits = search(state.data, vector, terms, k=k, allowed=allowed)
        return compose(
            question,
            hits,
            state.by_id,
            k=k,
            terms=terms,
            covered=covered,
            missing=missing,
            notes=notes,
            search_query=query,
        )

    def _check_question(self, question: str) -> tuple[str, tuple[str, ...]]:
        if not isinstance(question, str):
            raise QuestionError(f"the question must be text, not {type(question).__name__}")
        question = _CONTROL.sub(" ", question).strip()
        if not question:
            raise QuestionError("the question is empty; type a question about the articles")
        notes = []
        if len(question) > MAX_QUESTION_CHARS:
            question = question[:MAX_QUESTION_CHARS]
        cut, was_cut = self.embedder.truncate(question)
        if was_cut:
            notes.append(
                f"The question was cut to its first {len(cut.split())} words: "
                f"the model reads at most {self.embedder.max_tokens} tokens."
            )
            question = cut
        return question, tuple(notes)

    @staticmethod
    def _allowed(data: IndexData, articles: Sequence[str] | None) -> np.ndarray | None:
        if articles is None:
            return None
        wanted = set(articles)
        known = {a.id for a in data.articles}
        if not wanted:
            raise QuestionError("no article selected; choose at least one article to search")
        unknown = sorted(wanted - known)
        if unknown:
            raise QuestionError(f"unknown article id(s) {', '.join(unknown)}; known ids: {', '.join(sorted(known))}")
        return np.array([p.article_id in wanted for p in data.passages])


def _what_changed(data: IndexData, articles: tuple[Article, ...], model: str) -> str:
    if data.manifest.model != model:
        return f"The index was built with model {data.manifest.model!r}; rebuilding it with {model!r}."
    before = {a.path: a.sha256 for a in data.articles}
    after = {a.path: a.sha256 for a in articles}
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    changed = sorted(p for p in after.keys() & before.keys() if after[p] != before[p])
    parts = [
        f"{label}: {', '.join(names)}"
        for label, names in (("added", added), ("changed", changed), ("removed", removed))
        if names
    ]
    return "Articles " + "; ".join(parts or ["re-read"]) + ". Updating the index."
