"""The saved conversations' SQLite file, shared by every session of a server and by several processes.

Every call opens its own connection under a shared lock on a lock file beside the database (``flock``),
and a write is one ``BEGIN IMMEDIATE`` transaction, so what it reads (the next turn's number, whether the
conversation still exists) cannot change before it writes. A damaged file (checked at start, or found by
any call) is set aside under the same lock held exclusively, so no connection of citeqa's is open on it
meanwhile: once, under a name no other file has, with what can still be read copied into a fresh file
that every process then uses.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TypeVar

from citeqa.durable import sync_folder
from citeqa.errors import CiteqaError
from citeqa.workbench.saved import schema
from citeqa.workbench.saved.recover import is_damage, recover

log = logging.getLogger(__name__)

T = TypeVar("T")
COMPANIONS = ("-wal", "-journal")  # files that hold part of a database's content, kept with it when set aside
LOCKED = "The conversations file"  # how the warning about a file locked at start begins
PREPARE_WAIT = 1.0  # seconds a call waits for a lock on a file not yet checked before it fails (the next tries again)


class SaveError(CiteqaError):
    """A conversation cannot be saved or changed: a read-only, full, locked or damaged file, or someone
    else's conversation."""


class SavedFile:
    """The SQLite file ``path``: ``read`` and ``write`` run a function in one transaction of their own.

    Args:
        timeout: seconds a call waits for a lock (another process's write, or a repair) before giving up.
        start_wait: seconds the check at start may wait for a lock another program holds; if it is still
            held, the file is checked and set up by the first call after it is free.
    """

    def __init__(self, path: Path, *, timeout: float = 10.0, start_wait: float = 5.0) -> None:
        self.path = Path(path)
        self.lock = self.path.with_name(self.path.name + ".lock")
        self.timeout = timeout
        self.warning: str | None = None  # what the app should say: set aside, read-only, locked
        self._read_only: Exception | None = None  # why the file can only be read
        self._ready = False  # checked, and its tables made
        if self.path.is_dir():
            raise SaveError(self.cannot_write(IsADirectoryError(errno.EISDIR, "a folder", str(self.path))))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644))
        except OSError as exc:
            if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise SaveError(self.cannot_write(exc)) from exc
            self._open_read_only(exc)
            return
        self._prepare(start_wait)

    # Calls

    def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` in one read transaction: one consistent view of the file."""
        return self._run(work, write=False)

    def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` in one write transaction (``BEGIN IMMEDIATE``): committed whole, or not at all."""
        if self._read_only is not None:
            raise SaveError(self.cannot_write(self._read_only))
        return self._run(work, write=True)

    def _run(self, work: Callable[[sqlite3.Connection], T], *, write: bool) -> T:
        if not self._ready:
            self._prepare(PREPARE_WAIT, on_call=True)
        for attempt in range(3):
            try:
                with self._flock(fcntl.LOCK_SH), self._connection() as db:
                    db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                    try:
                        result = work(db)
                        db.execute("COMMIT")
                    except BaseException:
                        if db.in_transaction:
                            db.execute("ROLLBACK")
                        raise
                    return result
            except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
                raise  # a bug in citeqa, not a problem of the file
            except sqlite3.DatabaseError as exc:
                if not is_damage(exc) or self._read_only is not None or attempt == 2:
                    raise SaveError(self._describe(exc)) from exc
                # Checked first; if it was found sound and the call failed again, set aside all the same.
                self._repair(str(exc), check=attempt == 0)
        raise AssertionError("unreachable")

    def checkpoint(self) -> None:
        """Copy the log into the file and empty it, so that deleted text is gone from the log too (best
        effort: a reader still using the log keeps it)."""
        try:
            with self._flock(fcntl.LOCK_SH), self._connection() as db:
                busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except (SaveError, sqlite3.OperationalError) as exc:
            busy = exc
        if busy:
            log.info("%s: the log was not emptied after a deletion (%s)", self.path, busy)

    @contextmanager
    def _connection(self, *, timeout: float | None = None, look: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection of its own; ``look``: one that cannot change the file, not even by copying its log
        into it on closing, as the last connection otherwise does (a damaged file is set aside as it was)."""
        target, uri = str(self.path), False
        if self._read_only is not None:  # SQLite cannot make the log's shared-memory file: "immutable" needs none
            target, uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1", True
        elif look:
            target, uri = self.path.resolve().as_uri() + "?mode=ro", True
        wait = self.timeout if timeout is None else timeout
        with closing(sqlite3.connect(target, timeout=wait, uri=uri, isolation_level=None)) as db:
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA secure_delete=ON")  # deleted text is overwritten, whatever the build's default
            yield db

    @contextmanager
    def _flock(self, mode: int) -> Iterator[None]:
        """The lock file held shared (every call) or exclusively (setting the file aside), waiting at most
        ``timeout`` seconds. A descriptor of its own each time: flock locks belong to an open file, and
        threads sharing one would share its lock."""
        if self._read_only is not None:  # nothing is written, so there is nothing to keep out
            yield
            return
        try:
            fd = os.open(self.lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise SaveError(self.cannot_write(exc)) from exc
        try:
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise SaveError(
                            f"the saved conversations in {self.path} are being repaired by another citeqa "
                            f"process (still after {self.timeout:g} s); try again in a moment"
                        ) from None
                    time.sleep(0.02)
            yield
        finally:
            os.close(fd)  # and with it the lock

    # Start

    def _prepare(self, wait: float, *, on_call: bool = False) -> None:
        """Check the file (WAL included) and make or update its tables; a damaged file is set aside. If
        another program holds a lock on it for longer than ``wait`` seconds, the next call tries again
        (``on_call``: this call fails, saying why)."""
        try:
            with self._flock(fcntl.LOCK_SH):
                problem = self._check(wait=wait)
            if problem:
                self._repair(problem, check=True)
            with self._flock(fcntl.LOCK_SH), self._connection(timeout=wait) as db:
                db.execute("PRAGMA journal_mode=WAL")
                schema.create(db)
        except sqlite3.OperationalError as exc:
            if "unable to open" in str(exc) or "readonly" in str(exc):
                self._open_read_only(exc)
                return
            if not _is_locked(exc):
                raise SaveError(self.cannot_write(exc)) from exc
            if self.warning is None or self.warning.startswith(LOCKED):
                self.warning = (
                    f"{LOCKED} {self.path} is locked by another program ({exc}, still after {wait:g} s), so "
                    "conversations are saved only once it is free; each change says whether it was saved."
                )
                log.warning(self.warning)
            if on_call:
                raise SaveError(self._describe(exc)) from exc
            return
        except OSError as exc:
            raise SaveError(self.cannot_write(exc)) from exc
        if self.warning and self.warning.startswith(LOCKED):
            log.warning("%s is free again: conversations are saved", self.path)
            self.warning = None
        self._ready = True

    def _check(self, *, wait: float, thorough: bool = False) -> str | None:
        """What is wrong with the file, or None if it is sound. ``quick_check`` reads every page (each as
        the WAL has it, if it does); ``integrity_check`` also matches every index to its table."""
        if not self.path.exists():
            return None  # a new file
        check = "PRAGMA integrity_check(5)" if thorough else "PRAGMA quick_check(5)"
        try:
            try:
                with self._connection(timeout=wait, look=True) as db:
                    rows = db.execute(check).fetchall()
            except sqlite3.OperationalError as exc:
                if getattr(exc, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_READONLY:
                    raise
                with self._connection(timeout=wait) as db:  # a transaction left half done must be rolled back first
                    rows = db.execute(check).fetchall()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                raise
            return str(exc)
        found = [line for (text,) in rows for line in text.splitlines() if not line.startswith("***")]
        if found == ["ok"]:
            return None
        more = f", and {len(found) - 1} more problems" if len(found) > 1 else ""
        return f"SQLite's check of it found {found[0]}{more}"

    def _open_read_only(self, exc: Exception) -> None:
        """Saved conversations on a read-only disk can still be read, and nothing new is saved."""
        self._read_only = exc
        try:
            with self._connection() as db:
                db.execute("SELECT count(*) FROM conversations").fetchone()
        except sqlite3.DatabaseError:
            raise SaveError(self.cannot_write(exc)) from exc
        self._ready = True
        self.warning = "Saved conversations can be read but not saved: " + self.cannot_write(exc) + "."
        log.warning(self.warning)

    # A damaged file

    def _repair(self, problem: str, *, check: bool) -> None:
        """Set the damaged file aside and start a fresh one with what can still be read; once, however many
        calls and processes found it: under the exclusive lock, the file is checked again first."""
        try:
            with self._flock(fcntl.LOCK_EX):
                if check and self._check(wait=self.timeout, thorough=True) is None:
                    return  # set aside by another process already, or never damaged
                aside = self._set_aside()
                kept = self._start_afresh(aside)
        except (OSError, sqlite3.OperationalError) as exc:
            raise SaveError(f"{self.cannot_write(exc)}; it is damaged ({problem}) and was not set aside") from exc
        self.warning = (
            f"The saved conversations in {self.path} could not be read ({problem}). The damaged file was moved "
            f"to {aside}, unchanged, and a new one started with what could be read: {kept}."
        )
        log.warning(self.warning)

    def _set_aside(self) -> Path:
        """Hard links to the damaged file (and its log) under a name no file has: a link is never made over
        an existing file, so no earlier copy can be overwritten."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        while True:
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{secrets.token_hex(3)}")
            if not any(Path(f"{aside}{suffix}").exists() for suffix in ("", *COMPANIONS)):
                break
        os.link(self.path, aside)
        for suffix in COMPANIONS:
            if Path(f"{self.path}{suffix}").exists():
                os.link(f"{self.path}{suffix}", f"{aside}{suffix}")
        return aside

    def _start_afresh(self, aside: Path) -> str:
        """A fresh file in place of the damaged one, with what reads in its copy ``aside``; returns what was
        kept, in words."""
        fresh = self.path.with_name(f"{self.path.name}.new-{secrets.token_hex(4)}")
        try:
            # The copy is read only, so it stays as it was, its log included; the fresh file is made with a
            # rollback journal, so that all of it is in the one file renamed into place.
            source_uri = aside.resolve().as_uri() + "?mode=ro"
            with (
                closing(sqlite3.connect(source_uri, uri=True)) as source,
                closing(sqlite3.connect(fresh, isolation_level=None)) as target,
            ):
                target.execute("PRAGMA synchronous=FULL")
                schema.create(target)
                kept = recover(source, target, aside)
                target.execute("PRAGMA journal_mode=WAL")
            for suffix in (*COMPANIONS, "-shm"):  # the damaged file's log must never be read with the fresh one
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            os.replace(fresh, self.path)
            sync_folder(self.path.parent)
        finally:
            for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm"), Path(f"{aside}-shm")):
                leftover.unlink(missing_ok=True)
        return kept

    # Messages

    def _describe(self, exc: sqlite3.Error) -> str:
        if _is_locked(exc):
            return (
                f"the saved conversations in {self.path} are locked by another program ({exc}, still after "
                f"{self.timeout:g} s)"
            )
        if is_damage(exc):
            return f"the saved conversations in {self.path} are damaged ({exc}) and could not be repaired"
        return self.cannot_write(exc)

    def cannot_write(self, exc: Exception) -> str:
        return (
            f"conversations cannot be saved in {self.path} ({exc}); make its folder writable with free "
            "space, or set CITEQA_CONVERSATIONS to a file that can be written"
        )


def _is_locked(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
