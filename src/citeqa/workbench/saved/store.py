"""Saved conversations and their quote baskets, in one SQLite file (the standard library's sqlite3).

A conversation belongs to the owner who started it (a random token the app keeps in a cookie) and
is read by id: anyone with its id may read it, only its owner may add to it. Each change is one
SQLite transaction in WAL mode with full syncs, so a killed server leaves every saved turn whole; the
file itself (its locks, its check at start, setting a damaged one aside) is ``file``'s concern.
The articles a conversation quotes are kept as they were quoted (keyed by id and content hash), so a
saved answer still shows its exact paragraphs after an article is replaced or removed, and are deleted
with the last conversation that quotes them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from citeqa.records import Answer, Article, Pin
from citeqa.workbench.saved import schema
from citeqa.workbench.saved.file import SavedFile, SaveError

__all__ = ["Conversation", "ConversationStore", "MissingConversation", "SaveError", "Summary", "is_token", "new_token"]

log = logging.getLogger(__name__)

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # conversation ids and owner tokens, as made by new_token
TITLE_CHARS = schema.TITLE_CHARS


class MissingConversation(SaveError):
    """The conversation is not in the file: ``deleted`` (perhaps in another tab), or lost with a damaged
    file, in which case a page that still shows it may save it again (``ConversationStore.restore``)."""

    def __init__(self, message: str, *, deleted: bool) -> None:
        super().__init__(message)
        self.deleted = deleted


def new_token() -> str:
    """A random id that cannot be guessed (128 bits), safe in a URL and a cookie."""
    return secrets.token_urlsafe(16)


def is_token(value: object) -> bool:
    return isinstance(value, str) and TOKEN.fullmatch(value) is not None


@dataclass(frozen=True)
class Summary:
    """One line of a list of conversations."""

    id: str
    title: str  # the first question
    turns: int
    updated: dt.datetime
    unreadable: str = ""  # what of it could not be read from a damaged file, and where that file is kept


@dataclass(frozen=True)
class Conversation:
    id: str
    owner: str
    title: str
    turns: tuple[Answer, ...]
    basket: tuple[Pin, ...]
    unreadable: str = ""  # what of it could not be read (from a damaged file), and where that file is kept

    def owned_by(self, owner: str) -> bool:
        return secrets.compare_digest(self.owner, owner)


class ConversationStore:
    """Conversations saved in the SQLite file ``path``; safe to share between threads and processes (each
    call opens its own connection). ``timeout`` and ``start_wait``: see ``file.SavedFile``."""

    def __init__(self, path: Path, *, timeout: float = 10.0, start_wait: float = 5.0) -> None:
        self.path = Path(path)
        self._file = SavedFile(self.path, timeout=timeout, start_wait=start_wait)

    @property
    def warning(self) -> str | None:
        """What the app should say about the file: a damaged one set aside, read-only, or locked."""
        return self._file.warning

    # Conversations

    def start(self, owner: str, first: Answer) -> str:
        """A new conversation of ``owner`` with its first question and answer; returns its id."""
        conversation_id = new_token()
        now = time.time()

        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                (conversation_id, owner, first.question[:TITLE_CHARS], now, now),
            )
            self._add(db, conversation_id, 0, first)

        self._file.write(work)
        return conversation_id

    def add_turn(self, conversation_id: str, owner: str, answer: Answer, *, earlier: Sequence[Answer] = ()) -> None:
        """The next question and answer of a conversation, numbered in the transaction that saves it, so two
        tabs asking at once both keep theirs. ``earlier``: the turns before it as the page shows them; those
        the file lost (set aside damaged) are saved again first."""

        def work(db: sqlite3.Connection) -> None:
            self._check_owner(db, conversation_id, owner)
            saved = {n for (n,) in db.execute("SELECT n FROM turns WHERE conversation = ?", (conversation_id,))}
            lost = [n for n in range(len(earlier)) if n not in saved]
            for n in lost:
                self._add(db, conversation_id, n, earlier[n])
            n = max(saved | set(lost), default=-1) + 1
            self._add(db, conversation_id, n, answer)
            if lost and set(range(n)) <= saved | set(lost):  # whole again
                db.execute("DELETE FROM unreadable WHERE conversation = ?", (conversation_id,))
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (time.time(), conversation_id))

        self._file.write(work)

    def save_basket(self, conversation_id: str, owner: str, pins: Iterable[Pin]) -> None:
        pins = list(pins)

        def work(db: sqlite3.Connection) -> None:
            self._check_owner(db, conversation_id, owner)
            schema.keep_articles(db, conversation_id, (p.citation for p in pins))
            db.execute("INSERT OR REPLACE INTO baskets VALUES (?, ?)", (conversation_id, schema.pins_json(pins)))

        self._file.write(work)

    def restore(self, conversation_id: str, owner: str, turns: Sequence[Answer], basket: Iterable[Pin]) -> None:
        """Save again, under its id, a conversation a page still shows that the file lost, or kept without
        its owner (set aside damaged); MissingConversation if it was deleted, SaveError if it is saved."""
        pins = list(basket)

        def work(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT owner FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
            if row is not None and row[0] != schema.NOBODY:
                raise SaveError(f"conversation {conversation_id!r} is saved already")
            self._refuse_deleted(db, conversation_id)
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))  # what was kept without its owner
            now = time.time()
            db.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                (conversation_id, owner, turns[0].question[:TITLE_CHARS], now, now),
            )
            for n, answer in enumerate(turns):
                self._add(db, conversation_id, n, answer)
            schema.keep_articles(db, conversation_id, (p.citation for p in pins))
            db.execute("INSERT INTO baskets VALUES (?, ?)", (conversation_id, schema.pins_json(pins)))
            db.execute("DELETE FROM unreadable WHERE conversation = ?", (conversation_id,))

        self._file.write(work)

    def copy(self, conversation_id: str, owner: str) -> str:
        """A copy of a conversation (its turns and basket) that ``owner`` can go on with, made in one
        transaction; returns its id."""
        copy_id = new_token()

        def work(db: sqlite3.Connection) -> None:
            now = time.time()
            copied = db.execute(
                "INSERT INTO conversations SELECT ?, ?, title, ?, ? FROM conversations WHERE id = ?",
                (copy_id, owner, now, now, conversation_id),
            )
            if copied.rowcount == 0:
                raise SaveError(f"there is no saved conversation {conversation_id!r} to copy")
            for table, columns in (("turns", "n, answer"), ("baskets", "pins"), ("quoted", "article")):
                db.execute(
                    f"INSERT INTO {table} SELECT ?, {columns} FROM {table} WHERE conversation = ?",
                    (copy_id, conversation_id),
                )

        self._file.write(work)
        return copy_id

    def delete(self, conversation_id: str, owner: str) -> None:
        """A conversation deleted for good, with the article snapshots no other conversation quotes; their
        text is overwritten in the file (``secure_delete``) and emptied from its log."""

        def work(db: sqlite3.Connection) -> None:
            only_listed = "DELETE FROM unreadable WHERE conversation = ? AND coalesce(owner, '') = ? AND NOT EXISTS "
            only_listed += "(SELECT 1 FROM conversations WHERE id = conversation)"  # lost whole with a damaged file
            if db.execute(only_listed, (conversation_id, owner)).rowcount:
                return
            self._check_owner(db, conversation_id, owner)
            quoted = db.execute("SELECT article FROM quoted WHERE conversation = ?", (conversation_id,)).fetchall()
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))  # and its turns, basket, quoted
            db.executemany(
                "DELETE FROM articles WHERE key = ?1 AND NOT EXISTS (SELECT 1 FROM quoted WHERE article = ?1)", quoted
            )
            db.execute("DELETE FROM unreadable WHERE conversation = ?", (conversation_id,))
            db.execute("INSERT OR IGNORE INTO deleted VALUES (?)", (conversation_id,))

        self._file.write(work)
        self._file.checkpoint()

    def load(self, conversation_id: str) -> Conversation | None:
        """The conversation with this id, or None if there is none (or the id is not one citeqa makes).
        What cannot be read of it (a damaged file) is left out and said in ``Conversation.unreadable``."""
        if not is_token(conversation_id):
            return None

        def work(db: sqlite3.Connection) -> Conversation | None:
            row = db.execute("SELECT owner, title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
            lost = db.execute(
                "SELECT owner, title, detail FROM unreadable WHERE conversation = ?", (conversation_id,)
            ).fetchone()
            if row is None and lost is None:
                return None
            if row is None:  # none of it could be read from a damaged file
                return Conversation(conversation_id, lost[0] or schema.NOBODY, lost[1], (), (), lost[2])
            problems = [lost[2]] if lost else []
            turns, pins = self._saved_json(db, conversation_id, problems)
            keys = {key for _, t in turns for key in schema.answer_keys(t)} | {p["article"] for p in pins}
            articles = self._articles(db, keys)
            answers = _decoded(schema.answer, [(f"Question {n + 1}", t) for n, t in turns], articles, problems)
            kept = _decoded(
                schema.pin, [(f"Quote {i + 1} of its basket", p) for i, p in enumerate(pins)], articles, problems
            )
            return Conversation(conversation_id, row[0], row[1], tuple(answers), tuple(kept), " ".join(problems))

        return self._file.read(work)

    def recent(self, owner: str | None, *, limit: int = 20, offset: int = 0) -> list[Summary]:
        """The owner's conversations (everyone's for None), the most recently changed first; with them
        those a damaged file lost, which say so in ``Summary.unreadable``."""
        where, args = ("WHERE owner = ?", (owner,)) if owner is not None else ("", ())
        query = (
            "SELECT id, title, updated, (SELECT count(*) FROM turns WHERE conversation = id), "
            f"coalesce((SELECT detail FROM unreadable WHERE conversation = id), '') FROM conversations {where} "
            "UNION ALL SELECT conversation, title, updated, 0, detail FROM unreadable "
            f"{where or 'WHERE true'} AND conversation NOT IN (SELECT id FROM conversations) "
            "ORDER BY 3 DESC LIMIT ? OFFSET ?"
        )
        rows = self._file.read(lambda db: db.execute(query, (*args, *args, limit, offset)).fetchall())
        return [Summary(i, title, n, dt.datetime.fromtimestamp(updated), lost) for i, title, updated, n, lost in rows]

    def count(self, owner: str) -> int:
        """How many conversations ``recent`` lists for ``owner``."""
        query = (
            "SELECT (SELECT count(*) FROM conversations WHERE owner = ?1) + (SELECT count(*) FROM unreadable "
            "WHERE owner = ?1 AND conversation NOT IN (SELECT id FROM conversations))"
        )
        return self._file.read(lambda db: db.execute(query, (owner,)).fetchone()[0])

    # Preferences

    def preference(self, owner: str, name: str) -> str | None:
        query = "SELECT value FROM preferences WHERE owner = ? AND name = ?"
        row = self._file.read(lambda db: db.execute(query, (owner, name)).fetchone())
        return row[0] if row else None

    def set_preference(self, owner: str, name: str, value: str) -> None:
        query = "INSERT OR REPLACE INTO preferences VALUES (?, ?, ?)"
        self._file.write(lambda db: db.execute(query, (owner, name, value)))

    # Inside a transaction

    def _check_owner(self, db: sqlite3.Connection, conversation_id: str, owner: str) -> None:
        row = db.execute("SELECT owner FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row is None:
            self._refuse_deleted(db, conversation_id)
            raise MissingConversation(
                f"there is no saved conversation {conversation_id!r}; start a new conversation", deleted=False
            )
        if row[0] == schema.NOBODY:
            raise MissingConversation(
                f"who started conversation {conversation_id!r} could not be read from a damaged file", deleted=False
            )
        if not secrets.compare_digest(row[0], owner):
            raise SaveError(
                f"conversation {conversation_id!r} belongs to someone else and can only be read; "
                "continue in a copy of your own"
            )

    @staticmethod
    def _refuse_deleted(db: sqlite3.Connection, conversation_id: str) -> None:
        if db.execute("SELECT 1 FROM deleted WHERE id = ?", (conversation_id,)).fetchone():
            raise MissingConversation(
                f"conversation {conversation_id!r} was deleted (perhaps in another tab or window)", deleted=True
            )

    def _add(self, db: sqlite3.Connection, conversation_id: str, n: int, answer: Answer) -> None:
        schema.keep_articles(db, conversation_id, answer.citations + answer.closest)
        db.execute(
            "INSERT INTO turns VALUES (?, ?, ?)",
            (conversation_id, n, json.dumps(schema.answer_json(answer), ensure_ascii=False)),
        )

    @staticmethod
    def _saved_json(db: sqlite3.Connection, conversation_id: str, problems: list[str]) -> tuple[list, list[dict]]:
        """A conversation's turns (number, JSON) and basket pins (JSON), those that parse; what does not is
        said in ``problems``."""
        turns = []
        for n, text in db.execute("SELECT n, answer FROM turns WHERE conversation = ? ORDER BY n", (conversation_id,)):
            try:
                saved = json.loads(text)
                schema.answer_keys(saved)  # it names the articles it quotes
            except schema.UNREADABLE as exc:
                problems.append(_unreadable(f"Question {n + 1}", exc))
                continue
            turns.append((n, saved))
        basket = db.execute("SELECT pins FROM baskets WHERE conversation = ?", (conversation_id,)).fetchone()
        try:
            pins = json.loads(basket[0]) if basket else []
            return turns, [p for p in pins if isinstance(p, dict) and isinstance(p.get("article"), str)]
        except schema.UNREADABLE as exc:
            problems.append(_unreadable("Its quote basket", exc))
            return turns, []

    @staticmethod
    def _articles(db: sqlite3.Connection, keys: set[str]) -> dict[str, Article]:
        """The stored articles with these keys; one that cannot be read is left out (and so are the turns
        quoting it)."""
        found: dict[str, Article] = {}
        for key in keys:
            row = db.execute("SELECT article FROM articles WHERE key = ?", (key,)).fetchone()
            try:
                found[key] = schema.article(json.loads(row[0]))
            except schema.UNREADABLE as exc:
                log.warning("saved article %s cannot be read: %r", key, exc)
        return found


def _decoded(decode, saved: list[tuple[str, dict]], articles: dict[str, Article], problems: list[str]) -> list:
    """Each (what, JSON) decoded with ``decode``; what cannot be (a damaged file) is left out and said."""
    kept = []
    for what, item in saved:
        try:
            kept.append(decode(item, articles))
        except schema.UNREADABLE as exc:
            problems.append(_unreadable(what, exc))
    return kept


def _unreadable(what: str, exc: Exception) -> str:
    log.warning("%s of a saved conversation cannot be read: %r", what, exc)
    return f"{what} could not be read ({exc})."
