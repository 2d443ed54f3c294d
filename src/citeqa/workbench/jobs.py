"""Indexing uploaded articles in the background, so an upload never holds up anyone's questions.

One worker thread embeds the texts of waiting uploads a small batch at a time, always the upload with
the least left to do first, at background priority (a question's own embedding goes first). A small
upload therefore waits for one batch of a large one, not for all of it. Once an upload's texts are
embedded, ``commit`` writes the file and makes the new index current, or fails and leaves nothing.
"""

from __future__ import annotations

import itertools
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from citeqa.articles.passages import build_passages
from citeqa.errors import CiteqaError
from citeqa.index import vectors
from citeqa.index.build import BATCH
from citeqa.index.embed import Embedder
from citeqa.records import Article

log = logging.getLogger(__name__)

_KEEP_FINISHED = 200  # statuses of finished uploads kept for their uploaders to read

Vectors = dict[vectors.Key, np.ndarray]  # unit vectors by key (vectors.py)
# (name, data, the article as read, its vectors, whether it replaces the article of that name)
Commit = Callable[[str, bytes, Article, Vectors, bool], Article]


@dataclass(frozen=True)
class UploadStatus:
    """Where one upload stands, for the person who sent it."""

    id: str
    name: str
    state: str  # "queued", "embedding", "indexing", "added" or "failed"
    done: int = 0  # texts embedded so far (a paragraph, a headline)
    total: int = 0  # texts to embed
    message: str = ""  # why it failed, or what was added
    article: Article | None = None  # once added

    @property
    def finished(self) -> bool:
        return self.state in ("added", "failed")


@dataclass
class _Upload:
    status: UploadStatus
    order: int
    data: bytes
    article: Article
    runs: list[vectors.Run]
    replacing: bool = False
    vectors: Vectors = field(default_factory=dict)
    done: int = 0

    @property
    def left(self) -> int:
        return len(self.runs) - self.done


class UploadQueue:
    """Uploads waiting to be indexed, and the statuses of recent ones."""

    def __init__(self, embedder: Embedder, commit: Commit) -> None:
        self._embedder = embedder
        self._commit = commit
        self._changed = threading.Condition()
        self._waiting: dict[str, _Upload] = {}
        self._finished: dict[str, UploadStatus] = {}
        self._order = itertools.count()
        self._worker: threading.Thread | None = None

    def submit(self, name: str, data: bytes, article: Article, *, replacing: bool = False) -> UploadStatus:
        """Queue an upload that has passed its checks (``uploads.check_upload``)."""
        runs = vectors.runs((article,), build_passages([article]), lambda key: None)
        status = UploadStatus(id=uuid.uuid4().hex[:12], name=name, state="queued", total=len(runs))
        with self._changed:
            self._waiting[status.id] = _Upload(status, next(self._order), data, article, runs, replacing)
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="citeqa-uploads", daemon=True)
                self._worker.start()
            self._changed.notify_all()
        log.info("queued %s: %d texts to embed", name, len(runs))
        return status

    def waiting(self) -> tuple[Article, ...]:
        """The articles of uploads not yet finished: a new upload must not repeat them either."""
        with self._changed:
            return tuple(u.article for u in self._waiting.values())

    def status(self, upload_id: str) -> UploadStatus | None:
        with self._changed:
            upload = self._waiting.get(upload_id)
            return upload.status if upload else self._finished.get(upload_id)

    def wait(self, upload_id: str, timeout: float | None = None) -> UploadStatus | None:
        """The upload's status once it has finished, or as it stands when ``timeout`` runs out."""
        with self._changed:
            self._changed.wait_for(lambda: upload_id not in self._waiting, timeout)
        return self.status(upload_id)

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._waiting)
                upload = min(self._waiting.values(), key=lambda u: (u.left, u.order))
            status = upload.status
            try:
                if upload.left:
                    self._embed_next(upload)
                    continue
                self._set(upload, replace(status, state="indexing"))
                article = self._commit(status.name, upload.data, upload.article, upload.vectors, upload.replacing)
            except CiteqaError as exc:
                self._end(upload, replace(status, state="failed", message=str(exc)))
            except Exception:  # a bug: logged with its traceback; the worker goes on serving other uploads
                log.exception("indexing %s failed", status.name)
                self._end(upload, replace(status, state="failed", message="an internal error stopped it (see the log)"))
            else:
                done = "Replaced with" if upload.replacing else "Added"
                self._end(upload, replace(status, state="added", article=article, message=f"{done} “{article.title}”."))

    def _embed_next(self, upload: _Upload) -> None:
        batch = upload.runs[upload.done : upload.done + BATCH]
        upload.vectors |= vectors.embed(self._embedder, batch)
        upload.done += len(batch)
        self._set(upload, replace(upload.status, state="embedding", done=upload.done))

    def _set(self, upload: _Upload, status: UploadStatus) -> None:
        with self._changed:
            upload.status = status
            self._changed.notify_all()

    def _end(self, upload: _Upload, status: UploadStatus) -> None:
        with self._changed:
            del self._waiting[status.id]
            self._finished[status.id] = status
            while len(self._finished) > _KEEP_FINISHED:
                del self._finished[next(iter(self._finished))]
            self._changed.notify_all()
        log.info("upload %s %s: %s", status.name, status.state, status.message)
