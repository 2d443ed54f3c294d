"""The collection: the articles of a corpus folder and their index, kept current. One per process, shared.

A question reads the current ``State`` once, and ``refresh`` swaps in a complete new one, so a question
asked while an article is being added sees the old index or the new, never a mix. Articles are added,
replaced and removed here (checked at once, indexed in the background, written down before any file
moves so that a killed process is finished or undone at the next start). On a first build, the
articles indexed so far can be searched while the rest are (``refresh(early=True)``). Each state's
catalog (the articles findable by their words, their near-duplicate stories) is made on a thread of
its own, at once in a server or when first asked for, reusing what the previous one read of
unchanged articles.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from citeqa.answers.evidence import Evidence
from citeqa.articles.catalog import Background, Catalog
from citeqa.articles.clean import PARSER
from citeqa.articles.corpus import load_corpus
from citeqa.config import Config
from citeqa.errors import ArticleError, BadIndexError, CiteqaError, IndexWriteError, QuestionError
from citeqa.index import build as index_store
from citeqa.index.base import IndexData, Progress
from citeqa.index.embed import Embedder, ModelEmbedder
from citeqa.index.factory import open_store
from citeqa.index.pending import PendingVectors
from citeqa.records import Article, CorpusProblem
from citeqa.workbench import changes
from citeqa.workbench.jobs import UploadQueue, UploadStatus, Vectors
from citeqa.workbench.uploads import check_upload

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class State:
    """What one question is answered from; replaced whole, never changed."""

    data: IndexData | None  # None while the corpus has no readable article
    problems: tuple[CorpusProblem, ...]
    by_id: dict[str, Article]  # the articles of ``data`` by id
    evidence: Evidence | None = None  # what answerability is judged on; None while ``data`` is
    warning: str | None = None  # set while answers come from an index that is out of date or unsaved
    catalog: Background | None = None  # the catalog of ``data``'s articles, made in the background
    indexed: tuple[int, int] | None = None  # while a first build is under way: (articles in ``data``, in all)


@dataclass(frozen=True)
class RefreshReport:
    messages: tuple[str, ...]  # what happened, for the user: rebuilt, updated, not saved
    problems: tuple[CorpusProblem, ...] = ()  # the files that were skipped, and why
    embedded: int = 0
    reused: int = 0
    saved: bool = True  # False when the index in use could not be written to the index folder


class Collection:
    """The articles of ``config.corpus`` and their index in ``config.index``, kept current."""

    def __init__(self, config: Config, embedder: Embedder) -> None:
        self.config = config
        self.embedder = embedder
        self._state = State(data=None, problems=(), by_id={})
        self._refresh_lock = threading.Lock()
        self._uploads = UploadQueue(embedder, self._commit_upload)
        self.store = open_store(config)
        self._seen_current = self.store.signature()
        self._catalog_ahead = False  # whether each new catalog is made at once (a server), or when asked

    @classmethod
    def open(
        cls, config: Config, *, embedder: Embedder | None = None, progress: Progress | None = None
    ) -> tuple[Self, RefreshReport]:
        """Load the model and the saved index, building or refreshing the index if it is not current.

        Raises IndexInUseError, before the model is loaded, if another process holds the index."""
        collection, recovered = cls.start(config, embedder=embedder, progress=progress)
        report = collection.refresh(progress=progress)
        return collection, dataclasses.replace(report, messages=recovered + report.messages)

    @classmethod
    def start(
        cls, config: Config, *, embedder: Embedder | None = None, progress: Progress | None = None
    ) -> tuple[Self, tuple[str, ...]]:
        """The collection with its model loaded, before its articles are read (``refresh`` reads them),
        and what was done about changes a killed process left half made.

        Raises IndexInUseError, before the model is loaded, if another process holds the index."""
        open_store(config).signature()
        if embedder is None:
            if progress:
                progress("Loading the language model", 0, 0)
            embedder = ModelEmbedder(config.model, cache=config.model_cache)
        collection = cls(config, embedder)
        # A change to the corpus that a killed process left half made is finished or undone first,
        # and the person starting it is told which.
        return collection, changes.recover(config.corpus)

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
    def catalog(self) -> Catalog:
        """The articles made findable by their words, with their near-duplicate stories. Just after a
        change it may still be being made (about a second for a thousand articles): this waits for it."""
        later = self._state.catalog
        return later.get() if later is not None else Catalog(())

    @property
    def indexing(self) -> tuple[int, int] | None:
        """While a first build is under way and its first articles can be searched already: how many
        of how many articles can be; None otherwise."""
        return self._state.indexed

    @property
    def passage_count(self) -> int:
        data = self._state.data
        return len(data.passages) if data else 0

    def article(self, article_id: str) -> Article:
        article = self._state.by_id.get(article_id)
        if article is not None:
            return article
        raise QuestionError(f"no article with id {article_id!r}; known ids: {', '.join(a.id for a in self.articles)}")

    def refresh(self, *, progress: Progress | None = None, early: bool = False) -> RefreshReport:
        """Re-read the corpus and bring the index up to date, embedding only what changed.

        When the index folder cannot be written, the last complete build keeps answering (or, if there
        is none, an index kept in memory) and the report says what could not be written and where.

        Args:
            early: when there is nothing to answer from yet (a first build), the articles whose
                vectors are made (and kept) are searched while the others are indexed; the whole
                build is published at the end, as always. From then on, each new catalog is made at
                once on a thread of its own rather than when first asked for (as a server wants).
        """
        self._catalog_ahead = self._catalog_ahead or early  # a server: its pages will ask for the catalog
        with self._refresh_lock:
            report = self._refresh(progress=progress, early=early)
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
        early: bool = False,
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
                    corpus.articles,
                    self.embedder,
                    previous=previous,
                    known=vectors,
                    pending=pending,
                    progress=progress,
                    partial=self._early_state(corpus.problems, len(corpus.articles)) if early else None,
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

    def _early_state(self, problems: tuple[CorpusProblem, ...], total: int) -> Callable[[IndexData], None] | None:
        """What makes the articles of a first build searchable as they are indexed; None when there is
        an index to answer from meanwhile."""
        if self._state.data is not None:
            return None

        def searchable(data: IndexData) -> None:
            self._set_state(data, problems, indexed=(len(data.articles), total))
            log.info("%d of %d articles can be searched so far", len(data.articles), total)

        return searchable

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
        self,
        data: IndexData | None,
        problems: tuple[CorpusProblem, ...],
        warning: str | None = None,
        *,
        indexed: tuple[int, int] | None = None,
    ) -> None:
        before = self._state
        by_id = {a.id: a for a in data.articles} if data else {}
        evidence = Evidence(data, by_id, before.evidence) if data else None
        same = data is not None and before.data is not None and before.data.articles == data.articles
        catalog = before.catalog if same else Background(data.articles, before.catalog) if data else None
        if catalog is not None and self._catalog_ahead:
            catalog.start()
        self._state = State(
            data=data,
            problems=problems,
            by_id=by_id,
            evidence=evidence,
            warning=warning,
            catalog=catalog,
            indexed=indexed,
        )

    def submit_article(self, name: str, data: bytes, *, replacing: bool = False) -> UploadStatus:
        """Check an uploaded article now and index it in the background; ``upload_status`` follows it.
        With ``replacing``, it replaces the article of the same file name, which keeps its id.

        Raises:
            ArticleError: uploads are off, or the file is unsafe, unreadable, too long or already there.
        """
        self._check_changes_allowed()
        if replacing:
            _check_top_level(name)
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
        _check_top_level(article.path)
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


def _check_top_level(path: str) -> None:
    """Articles in sub-folders of the corpus are changed in their folders, not here: the safe changes
    (written down first, undone after a crash) are made at the top of the corpus folder."""
    if "/" in path:
        raise ArticleError(
            f"{path!r} lies in a sub-folder of the corpus; change it in that folder, then re-read the corpus folder"
        )


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
    found = (("added", added), ("changed", changed), ("removed", removed))
    parts = [f"{label}: {_some(names)}" for label, names in found if names]
    return "; ".join(parts or ["re-read"])


def _some(names: list[str], shown: int = 5) -> str:
    """The first ``shown`` names and how many more: a note that stays short for thousands of files."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
