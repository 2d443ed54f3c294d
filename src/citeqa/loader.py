"""Opening the engine in a background thread, so a user interface can show progress meanwhile."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from citeqa.config import Config
from citeqa.engine import Engine, RefreshReport
from citeqa.errors import CiteqaError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadState:
    stage: str  # what is being done, for people
    done: int = 0
    total: int = 0  # 0 while the amount of work is unknown


class EngineLoader:
    """Starts ``Engine.open`` on a thread at once; ``state``, ``wait`` and ``result`` may be read from any."""

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
        self._state = LoadState("Embedding the articles' passages" if stage == "embedding" else stage, done, total)

    def _run(self) -> None:
        try:
            self._engine, self._report = Engine.open(self._config(), progress=self._progress)
        except CiteqaError as exc:
            log.error("could not open the engine: %s", exc)
            self._error = exc
        except Exception as exc:  # a bug: kept, logged with its traceback and raised by result()
            log.exception("could not open the engine")
            self._error = exc
        finally:
            self._state = LoadState("Ready")
            self._done.set()
