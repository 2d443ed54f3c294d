"""Saved conversations and quote baskets in one SQLite file: the store (``store``), the file itself with
its locks, its check at start and a damaged one set aside (``file``), what still reads of a damaged file
copied into a fresh one (``recover``), and the tables and their JSON (``schema``)."""

from citeqa.workbench.saved.file import SaveError
from citeqa.workbench.saved.store import ConversationStore, MissingConversation, is_token, new_token

__all__ = ["ConversationStore", "MissingConversation", "SaveError", "is_token", "new_token"]
