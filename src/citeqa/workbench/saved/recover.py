"""What can still be read of a damaged conversations file, copied row by row into a fresh one.

SQLite stops a query at the first damaged page, so each table is read in rowid order, and where a read
fails the rowids are stepped over (by steps that double) until reading works again; the rowids stepped
over are then read one at a time, and so are those the table's indexes list that the scan never reached,
so that no readable row beside a damaged page is missed. A turn is kept only if it decodes, every article
it quotes was read too, and every quote is still verbatim; what is missing is recorded in ``unreadable``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from citeqa.workbench.saved import schema

log = logging.getLogger(__name__)

DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)  # primary result codes of a damaged file
MAX_STEP = 1 << 20  # rowids stepped over at most at once; past that, the rest of the table is unreachable


def is_damage(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in DAMAGED


def readable_rows(db: sqlite3.Connection, table: str, columns: str) -> Iterator[tuple]:
    """Every row of ``table`` (``columns`` of it) that can still be read; none if the table cannot be found."""
    read: set[int] = set()
    for rowid, row in _scan(db, table, columns):
        read.add(rowid)
        yield row
    # Rows the scan could not reach (past a damaged page it could not step over, or fetched just before a
    # failing one): their rowids are in the table's indexes too, on pages of their own.
    for rowid in sorted(_indexed_rowids(db, table) - read):
        try:
            row = db.execute(f"SELECT {columns} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row is not None:
            yield row


def _scan(db: sqlite3.Connection, table: str, columns: str) -> Iterator[tuple[int, tuple]]:
    """(rowid, row) of each row that reads, in rowid order, stepping over damaged pages."""
    after = 0  # every rowid up to this one has been read, or found unreadable
    scan = f"SELECT rowid, {columns} FROM {table} WHERE rowid > ? ORDER BY rowid"
    while True:
        try:
            for row in db.execute(scan, (after,)):
                after = row[0]
                yield row[0], row[1:]
            return
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                log.warning("%s: %s", table, exc)  # e.g. no such table: its page of the schema was lost
                return
        ahead = _next_readable(db, table, after)
        if ahead is None:
            log.warning("%s: nothing after rowid %d could be read by rowid", table, after)
            return
        for rowid in range(after + 1, ahead + 1):
            try:
                row = db.execute(f"SELECT {columns} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
            except sqlite3.DatabaseError:
                continue
            if row is not None:
                yield rowid, row
        after = ahead


def _indexed_rowids(db: sqlite3.Connection, table: str) -> set[int]:
    """The rowids that the table's indexes list, as far as they can be read (reading an index alone)."""
    found: set[int] = set()
    try:
        names = [
            n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,))
        ]
    except sqlite3.DatabaseError:
        return found
    for name in names:
        try:
            for (rowid,) in db.execute(f'SELECT rowid FROM {table} INDEXED BY "{name}"'):
                found.add(rowid)
        except sqlite3.DatabaseError:
            continue  # what was read before the damage is kept
    return found


def _next_readable(db: sqlite3.Connection, table: str, after: int) -> int | None:
    """A rowid past ``after`` from which reading works again."""
    step = 1
    while step <= MAX_STEP:
        try:
            db.execute(f"SELECT rowid FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 1", (after + step,)).fetchone()
            return after + step
        except sqlite3.DatabaseError:
            step *= 2
    return None


@dataclass
class _Found:
    """One conversation's readable parts."""

    row: tuple | None = None  # owner, title, created, updated
    turns: dict[int, str] = field(default_factory=dict)  # n: the answer's JSON, where it decodes
    failed: set[int] = field(default_factory=set)  # turns read but not decodable
    last: int = -1  # the number of its last turn, as the index of turns has it (pages apart from the rows)
    pins: list[dict] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # the articles its kept turns and pins quote


def recover(source: sqlite3.Connection, target: sqlite3.Connection, aside: Path) -> str:
    """Copy what reads in ``source`` (a damaged file, opened read-only) into ``target`` (a fresh file with the
    tables made); returns how much was kept, in words."""
    articles, texts = _articles(source)
    found: dict[str, _Found] = defaultdict(_Found)
    for row in readable_rows(source, "conversations", "id, owner, title, created, updated"):
        if [type(v) for v in row[:3]] == [str] * 3 and all(isinstance(v, int | float) for v in row[3:]):
            found[row[0]].row = row[1:]
    for cid, n, text in readable_rows(source, "turns", "conversation, n, answer"):
        if not isinstance(cid, str) or not isinstance(n, int):
            continue
        try:
            saved = json.loads(text)
            schema.answer(saved, articles)
        except schema.UNREADABLE:
            found[cid].failed.add(n)
            continue
        found[cid].turns[n] = text
        found[cid].keys |= schema.answer_keys(saved)
    for cid, pins in readable_rows(source, "baskets", "conversation, pins"):
        if not isinstance(cid, str):
            continue
        try:
            decoded = json.loads(pins)
        except schema.UNREADABLE:
            continue
        for saved in decoded if isinstance(decoded, list) else ():
            try:
                schema.pin(saved, articles)
            except schema.UNREADABLE:
                continue
            found[cid].pins.append(saved)
            found[cid].keys.add(saved["article"])
    for cid, parts in found.items():
        try:  # read from the index alone, so a turn lost at the end of a conversation is known too
            (last,) = source.execute("SELECT max(n) FROM turns WHERE conversation = ?", (cid,)).fetchone()
            parts.last = last if isinstance(last, int) else -1
        except sqlite3.DatabaseError:
            pass
    target.execute("BEGIN IMMEDIATE")
    whole, part, lost = 0, 0, 0
    for cid, parts in found.items():
        kept = _keep(target, cid, parts, aside)
        whole, part, lost = whole + (kept == "whole"), part + (kept == "part"), lost + (kept == "lost")
    used = {key for parts in found.values() for key in parts.keys}
    target.executemany("INSERT INTO articles VALUES (?, ?)", [(k, texts[k]) for k in used])
    target.executemany(
        "INSERT OR IGNORE INTO preferences VALUES (?, ?, ?)",
        [r for r in readable_rows(source, "preferences", "owner, name, value") if all(isinstance(v, str) for v in r)],
    )
    deleted = [r for r in readable_rows(source, "deleted", "id") if isinstance(r[0], str)]
    target.executemany("INSERT OR IGNORE INTO deleted VALUES (?)", deleted)
    earlier = [  # what an earlier repair could not read
        r
        for r in readable_rows(source, "unreadable", "conversation, owner, title, updated, detail")
        if [type(v) for v in r[2:]] == [str, float, str] and isinstance(r[0], str) and isinstance(r[1], str | None)
    ]
    target.executemany("INSERT OR IGNORE INTO unreadable VALUES (?, ?, ?, ?, ?)", earlier)
    target.execute("COMMIT")
    return _in_words(whole, part, lost)


def _articles(source: sqlite3.Connection) -> tuple[dict, dict[str, str]]:
    articles, texts = {}, {}
    for key, text in readable_rows(source, "articles", "key, article"):
        try:
            articles[key] = schema.article(json.loads(text))
        except schema.UNREADABLE:
            continue
        texts[key] = text
    return articles, texts


def _keep(db: sqlite3.Connection, cid: str, parts: _Found, aside: Path) -> str:
    """One conversation into the fresh file, as much of it as was read: "whole", "part" or "lost"."""
    missing = sorted(parts.failed | (set(range(max([parts.last, *parts.turns]) + 1)) - set(parts.turns)))
    where = f"The damaged file is kept at {aside}."
    if not parts.turns:
        owner, title, _, updated = parts.row or (None, "A conversation", 0.0, time.time())
        detail = f"None of its questions could be read. {where}"
        db.execute("INSERT OR REPLACE INTO unreadable VALUES (?, ?, ?, ?, ?)", (cid, owner, title, updated, detail))
        return "lost"
    problems = []
    if missing:
        problems.append(f"{_numbers(missing)} could not be read")
    if parts.row is None:
        first = json.loads(parts.turns[min(parts.turns)])["question"]
        parts.row = (schema.NOBODY, first[: schema.TITLE_CHARS], time.time(), time.time())
        problems.append("who started it could not be read, so it can be read and continued in a copy by anyone")
    db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)", (cid, *parts.row))
    db.executemany("INSERT INTO turns VALUES (?, ?, ?)", [(cid, n, text) for n, text in sorted(parts.turns.items())])
    if parts.pins:
        db.execute("INSERT INTO baskets VALUES (?, ?)", (cid, json.dumps(parts.pins, ensure_ascii=False)))
    schema.note_quoted(db, cid, parts.keys)
    if not problems:
        return "whole"
    detail = f"{'; '.join(problems).capitalize()}. {where}"
    db.execute(
        "INSERT OR REPLACE INTO unreadable VALUES (?, ?, ?, ?, ?)",
        (cid, parts.row[0], parts.row[1], parts.row[3], detail),
    )
    return "part"


def _numbers(turns: list[int]) -> str:
    shown = ", ".join(str(n + 1) for n in turns)  # as the reader counts them: the first question is 1
    return f"question {shown}" if len(turns) == 1 else f"questions {shown}"


def _in_words(whole: int, part: int, lost: int) -> str:
    if not whole + part + lost:
        return "no conversation could be read"
    text = f"{whole + part} of {whole + part + lost} conversations kept"
    if part:
        text += f" ({part} of them in part)"
    if lost:
        text += f"; {lost} could not be read"
    return text
