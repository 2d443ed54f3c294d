"""Saved conversations and their quote baskets, in one SQLite file (the standard library's sqlite3).

A conversation belongs to the owner who started it (a random token the app keeps in a cookie) and
is read by id: anyone with its id may read it, only its owner may add to it. Each change is one
SQLite transaction in WAL mode with full syncs, so a killed server leaves every saved turn whole.
The articles a conversation quotes are kept as they were quoted (keyed by id and content hash), so a
saved answer still shows its exact paragraphs after an article is replaced or removed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from citeqa.errors import CiteqaError
from citeqa.records import Answer, Article, Citation, Pin

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    n INTEGER NOT NULL, answer TEXT NOT NULL, PRIMARY KEY (conversation, n)
);
CREATE TABLE IF NOT EXISTS baskets (
    conversation TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE, pins TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (key TEXT PRIMARY KEY, article TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS preferences (
    owner TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (owner, name)
);
"""
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # conversation ids and owner tokens, as made by new_token
TITLE_CHARS = 120


class SaveError(CiteqaError):
    """A conversation cannot be saved or changed: a read-only or full disk, or someone else's conversation."""


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


@dataclass(frozen=True)
class Conversation:
    id: str
    owner: str
    title: str
    turns: tuple[Answer, ...]
    basket: tuple[Pin, ...]

    def owned_by(self, owner: str) -> bool:
        return secrets.compare_digest(self.owner, owner)


class ConversationStore:
    """Conversations saved in the SQLite file ``path``; safe to share between threads (each call opens
    its own connection)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.warning: str | None = None  # what the app should say: a damaged file moved aside, or read-only
        self._read_only: Exception | None = None  # why the file can only be read
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._create()
        except sqlite3.OperationalError as exc:
            if "unable to open" not in str(exc) and "readonly" not in str(exc):
                raise SaveError(self._cannot_write(exc)) from exc
            self._open_read_only(exc)
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(self.path, aside)
            self.warning = (
                f"The saved conversations in {self.path} could not be read ({exc}); the file was moved to "
                f"{aside} and a new one started."
            )
            log.warning(self.warning)
            self._create()
        except OSError as exc:
            raise SaveError(self._cannot_write(exc)) from exc

    def _create(self) -> None:
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            db.execute("SELECT count(*) FROM conversations").fetchone()  # a damaged file fails here

    def _open_read_only(self, exc: Exception) -> None:
        """Saved conversations on a read-only disk can still be read, and nothing new is saved."""
        self._read_only = exc
        try:
            with self._connection() as db:
                db.execute("SELECT count(*) FROM conversations").fetchone()
        except sqlite3.DatabaseError:
            raise SaveError(self._cannot_write(exc)) from exc
        self.warning = "Saved conversations can be read but not saved: " + self._cannot_write(exc) + "."
        log.warning(self.warning)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # On a read-only disk SQLite cannot make the WAL's shared-memory file; "immutable" reads without it.
        read_only = self._read_only is not None
        target = self.path.resolve().as_uri() + "?mode=ro&immutable=1" if read_only else str(self.path)
        with closing(sqlite3.connect(target, timeout=10, uri=read_only)) as db:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            with db:  # one transaction: committed whole, or rolled back
                yield db

    def _write(self, work) -> object:
        if self._read_only is not None:
            raise SaveError(self._cannot_write(self._read_only))
        try:
            with self._connection() as db:
                return work(db)
        except sqlite3.OperationalError as exc:
            raise SaveError(self._cannot_write(exc)) from exc

    def _cannot_write(self, exc: Exception) -> str:
        return (
            f"conversations cannot be saved in {self.path} ({exc}); make its folder writable with free "
            "space, or set CITEQA_CONVERSATIONS to a file that can be written"
        )

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

        self._write(work)
        return conversation_id

    def add_turn(self, conversation_id: str, owner: str, answer: Answer) -> None:
        def work(db: sqlite3.Connection) -> None:
            self._check_owner(db, conversation_id, owner)
            (n,) = db.execute("SELECT count(*) FROM turns WHERE conversation = ?", (conversation_id,)).fetchone()
            self._add(db, conversation_id, n, answer)
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (time.time(), conversation_id))

        self._write(work)

    def save_basket(self, conversation_id: str, owner: str, pins: Iterable[Pin]) -> None:
        pins = list(pins)

        def work(db: sqlite3.Connection) -> None:
            self._check_owner(db, conversation_id, owner)
            self._keep_articles(db, (p.citation for p in pins))
            saved = json.dumps([_citation_json(p.citation) | {"note": p.note} for p in pins], ensure_ascii=False)
            db.execute("INSERT OR REPLACE INTO baskets VALUES (?, ?)", (conversation_id, saved))

        self._write(work)

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
            db.execute(
                "INSERT INTO turns SELECT ?, n, answer FROM turns WHERE conversation = ?", (copy_id, conversation_id)
            )
            db.execute(
                "INSERT INTO baskets SELECT ?, pins FROM baskets WHERE conversation = ?", (copy_id, conversation_id)
            )

        self._write(work)
        return copy_id

    def delete(self, conversation_id: str, owner: str) -> None:
        def work(db: sqlite3.Connection) -> None:
            self._check_owner(db, conversation_id, owner)
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))

        self._write(work)

    def load(self, conversation_id: str) -> Conversation | None:
        """The conversation with this id, or None if there is none (or the id is not one citeqa makes)."""
        if not is_token(conversation_id):
            return None
        with self._connection() as db:
            row = db.execute("SELECT owner, title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
            if row is None:
                return None
            turns = [
                json.loads(a)
                for (a,) in db.execute("SELECT answer FROM turns WHERE conversation = ? ORDER BY n", (conversation_id,))
            ]
            basket = db.execute("SELECT pins FROM baskets WHERE conversation = ?", (conversation_id,)).fetchone()
            pins = json.loads(basket[0]) if basket else []
            keys = {c["article"] for t in turns for c in t["citations"] + t["closest"]} | {p["article"] for p in pins}
            articles = self._articles(db, keys)
        return Conversation(
            id=conversation_id,
            owner=row[0],
            title=row[1],
            turns=tuple(_answer(t, articles) for t in turns),
            basket=tuple(Pin(_citation(p, articles), p["note"]) for p in pins),
        )

    def recent(self, owner: str | None, *, limit: int = 20, offset: int = 0) -> list[Summary]:
        """The owner's conversations (everyone's for None), the most recently changed first."""
        where, args = ("WHERE owner = ?", (owner,)) if owner is not None else ("", ())
        with self._connection() as db:
            rows = db.execute(
                "SELECT id, title, updated, (SELECT count(*) FROM turns WHERE conversation = id) "
                f"FROM conversations {where} ORDER BY updated DESC LIMIT ? OFFSET ?",
                (*args, limit, offset),
            ).fetchall()
        return [Summary(i, title, turns, dt.datetime.fromtimestamp(updated)) for i, title, updated, turns in rows]

    def count(self, owner: str) -> int:
        with self._connection() as db:
            return db.execute("SELECT count(*) FROM conversations WHERE owner = ?", (owner,)).fetchone()[0]

    # Preferences

    def preference(self, owner: str, name: str) -> str | None:
        with self._connection() as db:
            row = db.execute("SELECT value FROM preferences WHERE owner = ? AND name = ?", (owner, name)).fetchone()
        return row[0] if row else None

    def set_preference(self, owner: str, name: str, value: str) -> None:
        self._write(lambda db: db.execute("INSERT OR REPLACE INTO preferences VALUES (?, ?, ?)", (owner, name, value)))

    # Inside a transaction

    def _check_owner(self, db: sqlite3.Connection, conversation_id: str, owner: str) -> None:
        row = db.execute("SELECT owner FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row is None:
            raise SaveError(f"there is no saved conversation {conversation_id!r}; start a new conversation")
        if not secrets.compare_digest(row[0], owner):
            raise SaveError(
                f"conversation {conversation_id!r} belongs to someone else and can only be read; "
                "continue in a copy of your own"
            )

    def _add(self, db: sqlite3.Connection, conversation_id: str, n: int, answer: Answer) -> None:
        self._keep_articles(db, answer.citations + answer.closest)
        db.execute(
            "INSERT INTO turns VALUES (?, ?, ?)",
            (conversation_id, n, json.dumps(_answer_json(answer), ensure_ascii=False)),
        )

    @staticmethod
    def _keep_articles(db: sqlite3.Connection, citations: Iterable[Citation]) -> None:
        articles = {_article_key(c.article): c.article for c in citations}
        db.executemany(
            "INSERT OR IGNORE INTO articles VALUES (?, ?)",
            [(key, json.dumps(_article_json(a), ensure_ascii=False)) for key, a in articles.items()],
        )

    @staticmethod
    def _articles(db: sqlite3.Connection, keys: set[str]) -> dict[str, Article]:
        found: dict[str, Article] = {}
        for key in keys:
            row = db.execute("SELECT article FROM articles WHERE key = ?", (key,)).fetchone()
            found[key] = _article(json.loads(row[0]))
        return found


# To and from JSON. Articles are stored once, by id and content hash; citations name them by that key.


def _article_key(article: Article) -> str:
    return f"{article.id}@{article.sha256}"


def _article_json(article: Article) -> dict:
    return asdict(article) | {"date": article.date.isoformat() if article.date else None}


def _article(saved: dict) -> Article:
    date = dt.date.fromisoformat(saved["date"]) if saved["date"] else None
    return Article(**saved | {"paragraphs": tuple(saved["paragraphs"]), "date": date})


def _citation_json(citation: Citation) -> dict:
    fields = ("n", "paragraph", "text", "quote", "quote_start", "score")
    return {"article": _article_key(citation.article)} | {f: getattr(citation, f) for f in fields}


def _citation(saved: dict, articles: dict[str, Article]) -> Citation:
    return Citation(
        n=saved["n"],
        article=articles[saved["article"]],
        paragraph=saved["paragraph"],
        text=saved["text"],
        quote=saved["quote"],
        quote_start=saved["quote_start"],
        score=saved["score"],
    )


def _answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "outcome": answer.outcome,
        "answer": answer.answer,
        "citations": [_citation_json(c) for c in answer.citations],
        "closest": [_citation_json(c) for c in answer.closest],
        "reason": answer.reason,
        "notes": list(answer.notes),
        "search_query": answer.search_query,
        "quoted": list(answer.quoted),
    }


def _answer(saved: dict, articles: dict[str, Article]) -> Answer:
    return Answer(
        **saved
        | {
            "citations": tuple(_citation(c, articles) for c in saved["citations"]),
            "closest": tuple(_citation(c, articles) for c in saved["closest"]),
            "notes": tuple(saved["notes"]),
            "quoted": tuple(saved["quoted"]),
        }
    )
