"""Opening the engine in a background thread, so a user interface can show progress meanwhile, and, on
a first build of a large collection, answer from the articles indexed so far while the rest are."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from citeqa.config import Config
from citeqa.engine import Engine, RefreshReport
from citeqa.errors import CiteqaError

log = logging.getLogger(__name__)


# The first batches run while the model warms up: the time left is estimated from this share on.
_WARM_UP = 0.02


@dataclass(frozen=True)
class LoadState:
    """How far loading has come, as a user interface shows it."""

    stage: str  # what is being done, for people
    done: int = 0
    total: int = 0  # 0 while the amount of work is unknown
    detail: str = ""  # what the work is ("Indexing 2,091 articles, 9,998 paragraphs, 11,870 texts to embed")
    since: float = 0.0  # time.monotonic() when ``done`` was last counted from (after the warm-up)
    since_done: int = 0  # ``done`` at ``since``

    def seconds_left(self, now: float | None = None) -> float | None:
        """The time left at the rate seen so far, or None until there is a rate to go by."""
        now = time.monotonic() if now is None else now
        counted = self.done - self.since_done
        if not self.total or not self.since or counted <= 0 or now <= self.since:
            return None
        return (self.total - self.done) * (now - self.since) / counted

    def describe(self, now: float | None = None) -> str:
        """One line for a progress bar: what is being done, how far, and about how long is left."""
        if not self.total:
            return f"{self.stage}…"
        line = f"{self.stage}: {self.done:,} of {self.total:,}"
        left = self.seconds_left(now)
        return line + (f" · {_duration(left)} left" if left is not None else " · estimating the time left")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"about {max(5, round(seconds / 5) * 5)} s"
    minutes = seconds / 60
    return f"about {round(minutes)} min" if minutes < 90 else f"about {minutes / 60:.1f} h"


class EngineLoader:
    """Opens the engine on a thread at once; ``state``, ``usable``, ``wait`` and ``result`` may be read
    from any."""

    def __init__(self, config: Callable[[], Config]) -> None:
        """``config`` makes the settings, on the loading thread: a bad setting is an error it reports."""
        self._config = config
        self._state = LoadState("Loading the language model")
        self._engine: Engine | None = None
        self._report: RefreshReport | None = None
        self._error: Exception | None = None
        self._done = threading.Event()
        threading.Thread(target=self._run, name="citeqa-loader", daemon=True).start()

    @property
    def state(self) -> LoadState:
        return self._state

    def usable(self) -> Engine | None:
        """The engine as soon as questions can be asked of it: once it is open, or during a first build
        once its first articles can be searched (``Engine.indexing`` then says how many); else None."""
        engine = self._engine
        if engine is None or self._error is not None:
            return None
        return engine if self._done.is_set() or engine.articles else None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds; True once loading has finished (well or not)."""
        return self._done.wait(timeout)

    def result(self) -> tuple[Engine, RefreshReport]:
        """The engine and what loading reported. Raises whatever stopped loading."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._engine is not None and self._report is not None
        return self._engine, self._report

    def _progress(self, stage: str, done: int, total: int) -> None:
        before = self._state
        if stage != "embedding":  # a new step; a step with no count describes the work that follows
            self._state = LoadState(stage, done, total, detail=stage if not total else before.detail)
            return
        state = LoadState("Embedding the articles' texts", done, total, detail=before.detail)
        if before.stage == state.stage and before.since:
            state = replace(state, since=before.since, since_done=before.since_done)
        elif done >= _WARM_UP * total:  # counted from here: the rate of the warm-up would mislead
            state = replace(state, since=time.monotonic(), since_done=done)
        self._state = state

    def _run(self) -> None:
        try:
            engine, recovered = Engine.start(self._config(), progress=self._progress)
            self._engine = engine
            report = engine.refresh(progress=self._progress, early=True)
            self._report = replace(report, messages=recovered + report.messages)
        except CiteqaError as exc:
            log.error("could not open the engine: %s", exc)
            self._error = exc
        except Exception as exc:  # a bug: kept, logged with its traceback and raised by result()
            log.exception("could not open the engine")
            self._error = exc
        finally:
            self._state = LoadState("Ready")
            self._done.set()
