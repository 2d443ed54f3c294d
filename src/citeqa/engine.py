"""The engine: the collection, answering questions. One per process, shared by every session.

Questions are checked here, at the edge (text, length, the articles and the number of sources asked
for); the path of a question from there is ``answers.ask``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from citeqa.answers.ask import answer
from citeqa.answers.attribution import quotations_of
from citeqa.answers.directory import Person, directory
from citeqa.answers.tuning import Tuning
from citeqa.collection import Collection, RefreshReport, State
from citeqa.config import Config
from citeqa.errors import QuestionError
from citeqa.index.base import IndexData
from citeqa.index.embed import Embedder
from citeqa.records import Answer, Citation, Turn

__all__ = ["Engine", "Person", "RefreshReport", "State"]

MAX_QUESTION_CHARS = 10_000  # longer input is cut before tokenising; the model reads far less anyway
MAX_K = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class Engine(Collection):
    """Answers questions over the articles of ``config.corpus`` with the index in ``config.index``."""

    def __init__(self, config: Config, embedder: Embedder, *, tuning: Tuning | None = None) -> None:
        super().__init__(config, embedder)
        self.tuning = tuning or Tuning()

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        articles: Sequence[str] | None = None,
        history: Sequence[Turn] = (),
        tuning: Tuning | None = None,
    ) -> Answer:
        """Answer ``question`` from the articles (all, or those whose ids are in ``articles``).

        Earlier turns in ``history`` (oldest first) resolve follow-up questions. The answer says which
        of three outcomes it is: answered, closest passages (which may not answer it), not found.
        """
        self.notice_new_build()
        state = self._state  # one consistent index for the whole question
        if state.data is None or state.evidence is None:
            raise QuestionError(
                f"there are no articles to search; add .txt, .md or .html files to {self.config.corpus}"
            )
        tuning = tuning or self.tuning
        if k is None:  # the default never exceeds a small corpus; an explicit k must fit it
            k = min(self.config.k, len(state.data.passages))
        question, notes = self._check_question(question)
        allowed, searched = self._allowed(state.data, articles)
        _check_k(k, len(state.data.passages))
        if state.indexed is not None:  # a first build is under way: say what was searched
            done, total = state.indexed
            notes += (f"Searched {done:,} of {total:,} articles, those indexed so far: the rest are being indexed.",)
        return answer(
            question,
            data=state.data,
            evidence=state.evidence,
            embedder=self.embedder,
            k=k,
            allowed=allowed,
            searched=searched,
            history=history,
            notes=notes,
            tuning=tuning,
            duplicates=state.catalog.get().duplicates if state.catalog is not None else None,
        )

    def _set_state(self, data, problems, warning=None, *, indexed=None) -> None:
        super()._set_state(data, problems, warning, indexed=indexed)
        if data is not None and indexed is None:  # the people quoted, counted ahead of the first look at them
            threading.Thread(target=directory, args=(data,), name="citeqa-people", daemon=True).start()

    def people(self, *, articles: Sequence[str] | None = None, words: str = "") -> list[Person]:
        """The people and bodies the articles (all, or those whose ids are in ``articles``) quote, most
        quoted first; ``words`` must all be in a name or role. Raises QuestionError for an unknown id."""
        data = self._state.data
        if data is None:
            return []
        allowed, _ = self._allowed(data, articles)
        return directory(data).people(allowed, words)

    def quotations(
        self, *, speaker: str | None = None, key: str | None = None, articles: Sequence[str] | None = None
    ) -> tuple[Citation, ...]:
        """The quotations in the articles (all, or ``articles``) of the speaker ``key`` (a ``Person.key``),
        or of the speakers ``speaker`` names ("Wendy Williams", "Williams", "the Home Office"), or every
        one, in reading order, each as a citation of its paragraph with its speaker."""
        data = self._state.data
        if data is None:
            return ()
        allowed, _ = self._allowed(data, articles)
        keys = [key] if key is not None else None
        if speaker is not None:
            keys = (keys or []) + directory(data).find(speaker, allowed)
        return quotations_of(data, keys=keys, allowed=allowed)

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
    def _allowed(data: IndexData, articles: Sequence[str] | None) -> tuple[frozenset[str] | None, list[str] | None]:
        """The ids of the articles to search, as a set and sorted (None: all)."""
        if articles is None:
            return None, None
        wanted = set(articles)
        known = {a.id for a in data.articles}
        if not wanted:
            raise QuestionError("no article selected; choose at least one article to search")
        unknown = sorted(wanted - known)
        if unknown:
            raise QuestionError(f"unknown article id(s) {', '.join(unknown)}; known ids: {', '.join(sorted(known))}")
        if wanted == known:
            return None, None
        return frozenset(wanted), sorted(wanted)


def _check_k(k: object, passages: int) -> None:
    most = min(MAX_K, passages)
    if isinstance(k, bool) or not isinstance(k, int):
        raise QuestionError(f"k={k!r} must be a whole number of sources between 1 and {most}")
    if k < 1:
        raise QuestionError(f"k={k} must be at least 1: it is the number of sources per answer")
    if k > most:
        why = f"only {passages} passages are indexed" if passages < MAX_K else f"at most {MAX_K} sources are given"
        raise QuestionError(f"k={k} is too many: {why}; use a k between 1 and {most}")
