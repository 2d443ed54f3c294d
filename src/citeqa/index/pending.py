"""Vectors embedded for a build that has not been saved yet, kept on disk as they are made.

Indexing a large archive takes long enough to be interrupted (Ctrl-C, a reboot, a killed process).
Every few thousand texts the vectors made so far are written to a chunk file in ``pending/`` beside
the builds (temp file + ``os.replace``, so a chunk is whole or absent); the next build reads them back
and embeds only what is missing. Once a build is saved the folder is emptied.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FOLDER = "pending"
CHUNK = 2_048  # texts per chunk file: at most this much work is lost to an interruption


def _key(kind: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest()[:32]


class PendingVectors:
    """Vectors of one model kept under ``root/pending``, by (kind, text)."""

    def __init__(self, root: Path, model: str, dim: int) -> None:
        self.folder = Path(root) / FOLDER / hashlib.sha256(model.encode()).hexdigest()[:16]
        self.dim = dim
        self._vectors: dict[str, np.ndarray] = {}
        self._unsaved: dict[str, np.ndarray] = {}
        self._writable = True
        for chunk in sorted(self.folder.glob("chunk-*.npz")) if self.folder.is_dir() else ():
            try:
                with np.load(chunk) as data:
                    keys, vectors = data["keys"], data["vectors"]
                if vectors.shape[1:] == (dim,):
                    self._vectors.update(zip(keys.tolist(), vectors, strict=True))
            except (OSError, ValueError, KeyError) as exc:  # a damaged chunk costs its texts, nothing more
                log.warning("ignored %s (%s)", chunk, exc)

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, kind: str, text: str) -> np.ndarray | None:
        return self._vectors.get(_key(kind, text))

    def add(self, kind: str, texts: list[str], vectors: np.ndarray) -> None:
        for text, vector in zip(texts, vectors, strict=True):
            key = _key(kind, text)
            self._vectors[key] = self._unsaved[key] = vector
        if len(self._unsaved) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write the vectors not yet on disk as one chunk; a folder that cannot be written is passed over
        (the build goes on, it just cannot be resumed)."""
        if not self._unsaved or not self._writable:
            return
        keys = np.array(list(self._unsaved), dtype="U32")
        vectors = np.stack(list(self._unsaved.values())).astype(np.float32)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            number = len(list(self.folder.glob("chunk-*.npz")))
            handle, temp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                np.savez(out, keys=keys, vectors=vectors)
            os.replace(temp, self.folder / f"chunk-{number:06d}-{os.getpid()}.npz")
            self._unsaved.clear()
        except OSError as exc:
            self._writable = False
            log.warning("cannot keep embedded vectors in %s (%s): an interrupted build starts over", self.folder, exc)

    def clear(self) -> None:
        """The build is saved: its pending vectors are not needed any more."""
        shutil.rmtree(self.folder.parent, ignore_errors=True)
        self._vectors.clear()
        self._unsaved.clear()
