"""The engine: a corpus, its index and the model, answering questions. One per process, shared.

``Engine.ask`` reads the current index once at its start, and ``refresh`` swaps in a complete new one,
so a question asked while an article is being added sees the old index or the new, never a mix.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from citeqa import changes
from citeqa import index as index_store
from citeqa.answer import compose
from citeqa.backend import open_store
from citeqa.clean import PARSER
from citeqa.config import Config
from citeqa.conversation import resolve
from citeqa.corpus import load_corpus
from citeqa.embed import Embedder, ModelEmbedder
from citeqa.errors import ArticleError, BadIndexError, CiteqaError, IndexWriteError, QuestionError
from citeqa.index import IndexData, Progress
from citeqa.jobs import UploadQueue, UploadStatus, Vectors
from citeqa.judge import Evidence, judge
from citeqa.pending import PendingVectors
from citeqa.pipeline import Tuning
from citeqa.query import analyse
from citeqa.records import Answer, Article, CorpusProblem, Turn
from citeqa.search import search
from citeqa.uploads import check_upload

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 10_000  # longer input is cut before tokenising; the model reads far less anyway
MAX_K = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class State:
    """What one question is answered from; replaced whole, never changed."""

    data: IndexData | None  # None while the corpus has no readable article
    problems: tuple[CorpusProblem, ...]
    by_id: dict[str, Article]  # the articles of ``data`` by id
    evidence: Evidence | None = None  # what answerability is judged on; None while ``data`` is
    warning: str | None = None  # set while answers come from an index that is out of date or unsaved


@dataclass(frozen=True)
class RefreshReport:
    messages: tuple[str, ...]  # what happened, for the user: rebuilt, updated, not saved
    problems: tuple[CorpusProblem, ...] = ()  # the files that were skipped, and why
    embedded: int = 0
    reused: int = 0
    saved: bool = True  # False when the index in use could not be written to the index folder


class Engine:
    """Answers questions over the articles of ``config.corpus`` with the index in ``config.index``."""

    def __init__(self, config: Config, embedder: Embedder, *, tuning: Tuning | None = None) -> None:
        self.config = config
        self.embedder = embedder
        self.tuning = tuning or Tuning()
        self._state = State(data=None, problems=(), by_id={})
        self._refresh_lock = threading.Lock()
        self._uploads = UploadQueue(embedder, self._commit_upload)
        self.store = open_store(config)
        self._seen_current = self.store.signature()

    @classmethod
    def open(
        cls, config: Config, *, embedder: Embedder | None = None, progress: Progress | None = None
    ) -> tuple[Engine, RefreshReport]:
        """Load the model and the saved index, building or refreshing the index if it is not current.

        Raises IndexInUseError, before the model is loaded, if another process holds the index."""
        open_store(config).signature()
        if embedder is None:
            if progress:
                progress("Loading the language model", 0, 0)
            embedder = ModelEmbedder(config.model, cache=config.model_cache)
        engine = cls(config, embedder)
        # A change to the corpus that a killed process left half made is finished or undone first,
        # and the person starting the engine is told which.
        recovered = changes.recover(config.corpus)
        report = engine.refresh(progress=progress)
        return engine, dataclasses.replace(report, messages=recovered + report.messages)

    @property
    def articles(self) -> tuple[Article, ...]:
        data = self._state.data
        return data.articles if data else ()

    @property
    def problems(self) -> tuple[CorpusProblem, ...]:
        return self._state.problems

    @property
    def warning(self) -> str | None:
        """Why answers may not reflect the corpus folder right now (an index that could not be saved or
        updated), or None."""
        return self._state.warning

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
        """Re-read the corpus and bring the index up to date, embedding only what changed.

        When the index folder cannot be written, the last complete build keeps answering (or, if there
        is none, an index kept in memory) and the report says what could not be written and where.
        """
        with self._refresh_lock:
            report = self._refresh(progress=progress)
        for message in report.messages:
            log.info("%s", message)
        return report

    def notice_new_build(self) -> bool:
        """Switch, in the background, to a build that another process (``citeqa index``) made current.

        Cheap enough to call before every question: one ``stat`` of CURRENT. True if a switch started.
        """
        signature = self.store.signature()
        if signature == self._seen_current:
            return False
        self._seen_current = signature
        if not self._refresh_lock.acquire(blocking=False):
            return False  # a refresh is under way and will see the new build itself
        self._refresh_lock.release()
        threading.Thread(target=self._refresh_quietly, name="citeqa-reload", daemon=True).start()
        return True

    def _refresh_quietly(self) -> None:
        try:
            self.refresh()
        except CiteqaError as exc:
            log.warning("could not switch to the new index: %s", exc)

    def _refresh(
        self,
        *,
        progress: Progress | None = None,
        added: Article | None = None,
        vectors: Vectors | None = None,
        strict: bool = False,
    ) -> RefreshReport:
        """``refresh`` under the lock. ``added``: an upload as already read (it is not parsed again);
        ``vectors``: texts embedded already (an upload's). ``strict``: an index that cannot be saved is
        an error (an upload is then not added) instead of a warning."""
        messages: list[str] = []
        if progress:
            progress("Reading the articles", 0, 0)
        previous, damage = self._latest_build(progress)
        if damage:
            messages.append(f"The saved index was unusable and is rebuilt: {damage}")
        known = {a.path: a for a in previous.articles} if previous else None
        parsed = {added.path: added} if added is not None else None
        reread = previous is not None and previous.manifest.parser != PARSER  # read by an older parser
        corpus = load_corpus(self.config.corpus, limits=self.config.limits, known=known, parsed=parsed, reread=reread)
        if not corpus.articles:
            messages.append(f"No readable article in {self.config.corpus}: add .txt, .md or .html files.")
            self._set_state(None, corpus.problems)
            return RefreshReport(tuple(messages), corpus.problems)
        wanted = index_store.fingerprint(corpus.articles, self.embedder.name)
        pending = None
        if previous is not None and previous.manifest.fingerprint == wanted:
            data, embedded, reused = previous, 0, 0
        else:
            blocked = self.store.unwritable()
            if blocked and strict:
                raise IndexWriteError(f"the index cannot be updated ({blocked}); nothing was added")
            if blocked and previous is not None and previous.manifest.model == self.embedder.name:
                warning = (
                    f"The index in {self.store.location} cannot be updated ({blocked}), so answers come from "
                    f"its last complete build ({previous.manifest.created}), which misses these changes: "
                    f"articles {_changes(previous, corpus.articles)}."
                )
                messages.append(warning)
                self._set_state(previous, corpus.problems, warning)
                return RefreshReport(tuple(messages), corpus.problems, saved=False)
            if previous is not None:
                messages.append(_what_changed(previous, corpus.articles, self.embedder.name))
            # Vectors made for another index format may have been made another way: not reused.
            pending = PendingVectors(self.config.index, f"{self.embedder.name}@{index_store.FORMAT}", self.embedder.dim)
            if len(pending):
                messages.append(f"Resuming: {len(pending):,} texts embedded by an interrupted build are reused.")
            built = None
            if previous is not None and not blocked:  # changed articles applied in place, where the store can
                built = self.store.update(
                    previous, corpus.articles, self.embedder, known=vectors, pending=pending, progress=progress
                )
            if built is None:
                built = index_store.build(
                    corpus.articles, self.embedder, previous=previous, known=vectors, pending=pending, progress=progress
                )
            data, report = built
            embedded, reused = report.embedded, report.reused
        warning = None
        if data.build_id is None or data.build_id != self._published():
            try:
                data = self.store.save(data)
            except IndexWriteError as exc:
                if strict:
                    raise
                warning = f"The updated index could not be saved: {exc}. Until it can, it is rebuilt at every start."
                messages.append(warning)
        if pending is not None and warning is None:  # saved, or applied in place: nothing is pending
            pending.clear()
        self._seen_current = self.store.signature()
        self._set_state(data, corpus.problems, warning)
        return RefreshReport(tuple(messages), corpus.problems, embedded, reused, saved=warning is None)

    def _published(self) -> str | None:
        try:
            return self.store.current()
        except BadIndexError:
            return None

    def _latest_build(self, progress: Progress | None) -> tuple[IndexData | None, str | None]:
        """The newest complete build: the one in memory, or the saved one if another process made a
        newer one current. Also what was wrong with the saved one, if it could not be read."""
        current = self._state.data
        try:
            published = self.store.current()
        except BadIndexError as exc:
            return current, str(exc)
        if published is None or (current is not None and current.build_id == published):
            return current, None
        if progress:
            progress("Loading the saved index", 0, 0)
        try:
            return self.store.load(), None
        except BadIndexError as exc:
            return current, str(exc)

    def _set_state(
        self, data: IndexData | None, problems: tuple[CorpusProblem, ...], warning: str | None = None
    ) -> None:
        by_id = {a.id: a for a in data.articles} if data else {}
        evidence = Evidence(data, by_id, self._state.evidence) if data else None
        self._state = State(data=data, problems=problems, by_id=by_id, evidence=evidence, warning=warning)

    def submit_article(self, name: str, data: bytes, *, replacing: bool = False) -> UploadStatus:
        """Check an uploaded article now and index it in the background; ``upload_status`` follows it.
        With ``replacing``, it replaces the article of the same file name, which keeps its id.

        Raises:
            ArticleError: uploads are off, or the file is unsafe, unreadable, too long or already there.
        """
        self._check_changes_allowed()
        article = check_upload(
            name, data, limits=self.config.limits, existing=self.articles + self._uploads.waiting(), replacing=replacing
        )
        return self._uploads.submit(name, data, article, replacing=replacing)

    def upload_status(self, upload_id: str) -> UploadStatus | None:
        return self._uploads.status(upload_id)

    def add_article(self, name: str, data: bytes, *, replacing: bool = False, timeout: float | None = None) -> Article:
        """Add (or replace) an article and wait until it is indexed. Raises ArticleError if it was not."""
        status = self._uploads.wait(self.submit_article(name, data, replacing=replacing).id, timeout)
        if status is None or status.state != "added" or status.article is None:
            raise ArticleError(status.message if status else f"{name!r} was not added")
        return status.article

    def remove_article(self, article_id: str) -> RefreshReport:
        """Take an article out of the corpus and the index together, or, if the index cannot be
        updated, leave both as they were.

        Raises:
            ArticleError: changes are off here, or the article is unknown or cannot be removed.
        """
        self._check_changes_allowed()
        article = self._state.by_id.get(article_id)
        if article is None:
            raise ArticleError(f"there is no article with id {article_id!r} to remove")
        with self._refresh_lock:
            change = changes.begin(self.config.corpus, "remove", article.path)
            indexed = False
            try:
                change.set_aside()
                report = self._refresh(strict=True)
                indexed = True
                changes.checkpoint("indexed")
                change.commit()
            except BaseException:
                change.undo()
                if indexed:  # the index was made without what was just put back: make it again
                    self._refresh()
                raise
            change.finish()
        log.info("removed %s", article.path)
        return report

    def _check_changes_allowed(self) -> None:
        if not self.config.uploads:
            raise ArticleError("changing the collection is turned off here (CITEQA_UPLOADS=0)")

    def _commit_upload(self, name: str, data: bytes, article: Article, vectors: Vectors, replacing: bool) -> Article:
        """Write an upload into the corpus and make an index with it current, or leave no trace (and,
        for a replacement, the article it was to replace where it was)."""
        with self._refresh_lock:
            change = changes.begin(self.config.corpus, "replace" if replacing else "add", name)
            indexed = False
            try:
                if replacing:
                    change.set_aside()
                change.write(data)
                self._refresh(added=article, vectors=vectors, strict=True)
                indexed = True
                problem = next((p for p in self.problems if p.path == name), None)
                if problem is not None:  # a copy of a file that arrived meanwhile, say
                    raise ArticleError(problem.reason)
                changes.checkpoint("indexed")
                change.commit()
            except BaseException:
                change.undo()
                if indexed:  # the index was made with what was just taken out: make it again
                    self._refresh()
                raise
            change.finish()
            return next(a for a in self.articles if a.path == name)

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
        resolved = resolve(question, list(history))
        # The question itself was cut already; a follow-up's longer search text may need it too.
        text = resolved.text if resolved.text == question else self.embedder.truncate(resolved.text)[0]
        query = analyse(question, text, exclude=resolved.exclude)
        if not query.terms:
            raise QuestionError(
                f"“{question[:80]}” has no words to search for; ask about someone or something, "
                "for example “Who submitted the super-complaint?”"
            )
        vector = self.embedder.encode([text])[0]
        # A few more than k, so that a follow-up asking for more still has k new passages to give.
        wanted = min(k + len(query.exclude), len(state.data.passages))
        hits = search(state.data, vector, query, k=wanted, articles=allowed, weights=tuning.weights)
        verdict = judge(query, hits, state.evidence, searched=searched, policy=tuning.policy, quoting=tuning.quoting)
        return compose(
            query, hits, verdict, state.by_id, k=k, notes=notes, how=tuning.composition, quoting=tuning.quoting
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


def _what_changed(data: IndexData, articles: tuple[Article, ...], model: str) -> str:
    if data.manifest.model != model:
        return f"The index was built with model {data.manifest.model!r}; rebuilding it with {model!r}."
    return f"Articles {_changes(data, articles)}. Updating the index."


def _changes(data: IndexData, articles: tuple[Article, ...]) -> str:
    """Which article files were added, changed or removed since ``data`` was built."""
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
    return "; ".join(parts or ["re-read"])
