"""The saved conversations' tables, and the JSON their answers, baskets and articles are stored as.

Articles are stored once, by id and content hash (``id@sha256``); citations name them by that key, and
``quoted`` says which conversation quotes which article, so that an article nothing quotes any more is
deleted with the last conversation that quoted it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict

from citeqa.records import Answer, Article, Citation, Pin

NOBODY = ""  # the owner of a conversation whose owner could not be read from a damaged file: no one's
TITLE_CHARS = 120  # a conversation's title: the start of its first question
VERSION = 2  # PRAGMA user_version; 0 is a file made before ``quoted``, ``deleted`` and ``unreadable``
TABLES = (
    """CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations (owner, updated)",
    """CREATE TABLE IF NOT EXISTS turns (
        conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        n INTEGER NOT NULL, answer TEXT NOT NULL, PRIMARY KEY (conversation, n)
    )""",
    """CREATE TABLE IF NOT EXISTS baskets (
        conversation TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE, pins TEXT NOT NULL
    )""",
    "CREATE TABLE IF NOT EXISTS articles (key TEXT PRIMARY KEY, article TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS quoted (
        conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        article TEXT NOT NULL, PRIMARY KEY (conversation, article)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS quoted_article ON quoted (article)",
    """CREATE TABLE IF NOT EXISTS preferences (
        owner TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (owner, name)
    )""",
    # Ids only: a turn sent from a tab still showing a deleted conversation is refused, not saved anew.
    "CREATE TABLE IF NOT EXISTS deleted (id TEXT PRIMARY KEY)",
    # What a damaged file's set-aside left unread: listed, and said when the conversation is opened.
    """CREATE TABLE IF NOT EXISTS unreadable (
        conversation TEXT PRIMARY KEY, owner TEXT, title TEXT NOT NULL, updated REAL NOT NULL, detail TEXT NOT NULL
    )""",
)


def create(db: sqlite3.Connection) -> None:
    """Make the tables, or bring a file made by an earlier citeqa up to date, in one write transaction."""
    if db.execute("PRAGMA user_version").fetchone()[0] >= VERSION:
        return  # the usual case: nothing to write, so a write lock held elsewhere does not matter
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] < VERSION:  # not done meanwhile by another process
            for statement in TABLES:
                db.execute(statement)
            _index_quoted_articles(db)
            db.execute(f"PRAGMA user_version = {VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _index_quoted_articles(db: sqlite3.Connection) -> None:
    """Fill ``quoted`` from the turns and baskets of a file that had none, and drop the article snapshots
    that nothing quotes (left by deletions before ``quoted`` existed)."""
    for conversation, answer in db.execute("SELECT conversation, answer FROM turns").fetchall():
        note_quoted(db, conversation, answer_keys(json.loads(answer)))
    for conversation, pins in db.execute("SELECT conversation, pins FROM baskets").fetchall():
        note_quoted(db, conversation, (p["article"] for p in json.loads(pins)))
    db.execute("DELETE FROM articles WHERE key NOT IN (SELECT article FROM quoted)")


def note_quoted(db: sqlite3.Connection, conversation: str, keys: Iterable[str]) -> None:
    db.executemany("INSERT OR IGNORE INTO quoted VALUES (?, ?)", [(conversation, k) for k in set(keys)])


def keep_articles(db: sqlite3.Connection, conversation: str, citations: Iterable[Citation]) -> None:
    """The articles these citations quote, stored as they are now (once per version), and noted as quoted."""
    articles = {article_key(c.article): c.article for c in citations}
    db.executemany(
        "INSERT OR IGNORE INTO articles VALUES (?, ?)",
        [(key, json.dumps(article_json(a), ensure_ascii=False)) for key, a in articles.items()],
    )
    note_quoted(db, conversation, articles)


def answer_keys(saved: dict) -> set[str]:
    """The keys of the articles a saved answer cites."""
    return {c["article"] for c in saved["citations"] + saved["closest"]}


# To and from JSON.


def article_key(article: Article) -> str:
    return f"{article.id}@{article.sha256}"


def article_json(article: Article) -> dict:
    return asdict(article) | {"date": article.date.isoformat() if article.date else None}


def article(saved: dict) -> Article:
    date = dt.date.fromisoformat(saved["date"]) if saved["date"] else None
    return Article(**saved | {"paragraphs": tuple(saved["paragraphs"]), "date": date})


def citation_json(citation: Citation) -> dict:
    fields = ("n", "paragraph", "text", "quote", "quote_start", "score", "speaker", "role", "said")
    saved = {"article": article_key(citation.article)} | {f: getattr(citation, f) for f in fields}
    # What of the question the source matches, where it says anything (a pin, say, says nothing).
    saved |= {k: list(v) for k, v in (("matched", citation.matched), ("unmatched", citation.unmatched)) if v}
    return saved | ({"also_in": list(citation.also_in)} if citation.also_in else {})


def citation(saved: dict, articles: dict[str, Article]) -> Citation:
    """A saved citation; ValueError if it is no longer its article's paragraph and an exact slice of it
    (a damaged file): a quote that is not verbatim is never shown."""
    cited = Citation(
        n=saved["n"],
        article=articles[saved["article"]],
        paragraph=saved["paragraph"],
        text=saved["text"],
        quote=saved["quote"],
        quote_start=saved["quote_start"],
        score=saved["score"],
        # Saved before sources said what of the question they match: nothing is said.
        matched=_strings(saved.get("matched", [])),
        unmatched=_strings(saved.get("unmatched", [])),
        # Saved before quotations had speakers: none.
        speaker=saved.get("speaker"),
        role=saved.get("role"),
        said=saved.get("said"),
        also_in=tuple(str(title) for title in saved.get("also_in", ())),  # absent from rows saved before it
    )
    if not (
        isinstance(cited.paragraph, int)
        and cited.article.text(cited.paragraph) == cited.text
        and cited.text[cited.quote_start : cited.quote_end] == cited.quote
    ):
        raise ValueError(f"citation [{cited.n}] is not an exact quote of {cited.article.id} ¶{cited.paragraph}")
    return cited


def _strings(value: object) -> tuple[str, ...]:
    """A saved list of strings; TypeError for anything else (a damaged row)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"expected a list of strings, not {value!r:.60}")
    return tuple(value)


def pins_json(pins: Iterable[Pin]) -> str:
    return json.dumps([citation_json(p.citation) | {"note": p.note} for p in pins], ensure_ascii=False)


def pin(saved: dict, articles: dict[str, Article]) -> Pin:
    return Pin(citation(saved, articles), saved["note"])


def answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "outcome": answer.outcome,
        "answer": answer.answer,
        "citations": [citation_json(c) for c in answer.citations],
        "closest": [citation_json(c) for c in answer.closest],
        "reason": answer.reason,
        "notes": list(answer.notes),
        "search_query": answer.search_query,
        "quoted": list(answer.quoted),
    }


def answer(saved: dict, articles: dict[str, Article]) -> Answer:
    return Answer(
        **saved
        | {
            "citations": tuple(citation(c, articles) for c in saved["citations"]),
            "closest": tuple(citation(c, articles) for c in saved["closest"]),
            "notes": tuple(saved["notes"]),
            "quoted": tuple(saved["quoted"]),
        }
    )


# What a damaged row raises when it is decoded: it is then left out, and said to be unreadable.
UNREADABLE = (ValueError, KeyError, TypeError, AttributeError)  # json.JSONDecodeError is a ValueError
