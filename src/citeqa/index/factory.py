"""The store a configuration names: the only module that knows every backend (each imports none of the others)."""

from __future__ import annotations

from citeqa.config import Config
from citeqa.index.base import Store


def open_store(config: Config) -> Store:
    """The store ``config.backend`` names: "faiss" (the default) or "qdrant"."""
    if config.backend == "qdrant":
        from citeqa.index.stores.qdrant.store import QdrantStore

        return QdrantStore(config.index, url=config.qdrant_url, collection=config.qdrant_collection)
    from citeqa.index.stores.folder.store import FolderStore

    return FolderStore(config.index)
