"""The exceptions citeqa raises. Each message names the bad value and how to fix it."""

from __future__ import annotations


class CiteqaError(Exception):
    """Base class: an error the user can act on, shown as one line by the CLI and the app."""


class ArticleError(CiteqaError):
    """An article file cannot be read (empty, binary, not UTF-8, too large, no text)."""


class CorpusError(CiteqaError):
    """The corpus folder is missing or holds no readable article."""


class QuestionError(CiteqaError):
    """A question or its options cannot be answered as given (empty, bad k, unknown article)."""


class BadIndexError(CiteqaError):
    """An index on disk cannot be used (corrupt, stale, built with another model)."""


class IndexWriteError(CiteqaError):
    """A new index cannot be saved (read-only folder, full disk); the previous one stays in use."""


class ModelError(CiteqaError):
    """The embedding model cannot be loaded from local files."""


class IndexInUseError(CiteqaError):
    """The index is held by another process (Qdrant's local mode admits one at a time)."""
