"""Adding, replacing and removing article files so that a process killed at any moment loses nothing.

A change is written down (an intent record, a hidden ``.<id>.intent`` file in the corpus folder) before
any article file is moved, and marked committed once the index that goes with it is saved. When an
engine starts, ``recover`` reads what intents a killed process left: a committed change is finished
(the old version it set aside is deleted), any other is undone (the article set aside is put back, a
new file that was never indexed is taken out again), and the caller is told which. Stray hidden files
(``.upload``, ``.previous``) left by older versions are cleaned up the same way.

Every change, and recovery, holds an exclusive lock on ``.citeqa-changes.lock`` in the corpus folder,
so one process never recovers another's change while it is still running; the kernel drops the lock
of a killed process.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import re
import signal
import time
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from citeqa.durable import sync_folder
from citeqa.errors import ArticleError

log = logging.getLogger(__name__)

LOCK = ".citeqa-changes.lock"
_INTENT = re.compile(r"\.([0-9a-f]{32})\.intent")
_INTENT_NEW = re.compile(r"\.([0-9a-f]{32})\.intent-new")
_UPLOAD = re.compile(r"\.([0-9a-f]{32})\.upload")
_PREVIOUS = re.compile(r"\.([0-9a-f]{32})\.(.+)\.previous")
_WAIT = 60.0  # seconds recovery waits for another process's change to end


@dataclass(frozen=True)
class Intent:
    """One change to the corpus folder, as written down before any file is moved."""

    id: str
    op: str  # "add", "replace" or "remove"
    name: str  # the article's file name
    upload: str | None  # the hidden name the new file is written under first (add and replace)
    aside: str | None  # the hidden name the old file is moved to (replace and remove)
    committed: bool = False  # the index that goes with the change is saved: finish it, never undo it


def checkpoint(point: str) -> None:
    """Where a test may have this process killed (CITEQA_TEST_KILL_AT=point), to check that a change
    interrupted there is recovered at the next start. Unset, as it always is outside tests: nothing."""
    if os.environ.get("CITEQA_TEST_KILL_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


class Change:
    """A change being made under the lock: set the old file aside, write the new, commit or undo.

    Use ``begin`` to make one. Every step is written so that it can be repeated: ``recover`` replays
    ``finish`` or ``undo`` from the intent alone.
    """

    def __init__(self, folder: Path, intent: Intent, lock: int) -> None:
        self.folder = folder
        self.intent = intent
        self._lock = lock

    def set_aside(self) -> None:
        """Move the article's file to its hidden name. Raises ArticleError if it cannot be moved."""
        assert self.intent.aside is not None
        try:
            os.replace(self.folder / self.intent.name, self.folder / self.intent.aside)
        except OSError as exc:
            name, folder = self.intent.name, self.folder
            raise ArticleError(f"{name!r} could not be moved aside in {folder} ({exc.strerror})") from None
        checkpoint("set-aside")

    def write(self, data: bytes) -> Path:
        """Write the new file whole (under its hidden name first), then give it the article's name,
        never over a file that has that name. Raises ArticleError if it cannot be written."""
        assert self.intent.upload is not None
        name, upload, target = self.intent.name, self.folder / self.intent.upload, self.folder / self.intent.name
        try:
            with upload.open("xb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            # A second name for the same file: the hidden one stays until the change ends, so that
            # recovery knows the file under the article's name is this change's own.
            os.link(upload, target)
            sync_folder(self.folder)
        except FileExistsError:
            raise ArticleError(f"an article named {name!r} is already in the collection; rename the file") from None
        except OSError as exc:
            raise ArticleError(f"it could not be saved in {self.folder} ({exc.strerror}); {_hint(exc)}") from None
        checkpoint("written")
        log.info("wrote %s in %s", name, self.folder)
        return target

    def commit(self) -> None:
        """Mark the change done: from here on it is finished, never undone, even after a kill."""
        self.intent = replace(self.intent, committed=True)
        _write_intent(self.folder, self.intent)
        checkpoint("committed")

    def finish(self) -> None:
        """Delete what the committed change set aside, and the intent; release the lock."""
        try:
            _finish(self.folder, self.intent)
        finally:
            _unlock(self._lock)

    def undo(self) -> None:
        """Put the folder back as it was before the change, delete the intent; release the lock."""
        try:
            _undo(self.folder, self.intent)
        finally:
            _unlock(self._lock)


def begin(folder: Path, op: str, name: str) -> Change:
    """Take the lock and write down the change ``op`` ("add", "replace" or "remove") to the article
    file ``name``.

    Raises:
        ArticleError: the corpus folder does not exist or cannot be written.
    """
    if not folder.is_dir():
        raise ArticleError(f"the corpus folder {folder} does not exist; create it first")
    lock = _lock(folder, wait=None)
    ident = uuid.uuid4().hex
    intent = Intent(
        id=ident,
        op=op,
        name=name,
        upload=f".{ident}.upload" if op in ("add", "replace") else None,
        aside=f".{ident}.{name}.previous" if op in ("replace", "remove") else None,
    )
    try:
        _write_intent(folder, intent)
    except OSError as exc:
        _unlock(lock)
        raise ArticleError(f"the change could not be recorded in {folder} ({exc.strerror}); {_hint(exc)}") from None
    checkpoint("intent-written")
    return Change(folder, intent, lock)


def recover(folder: Path) -> tuple[str, ...]:
    """Finish or undo the changes a killed process left in ``folder``, and clear its stray hidden
    files. Returns what was done, for the person starting the engine (nothing if nothing was left)."""
    if not _leftovers(folder):
        return ()
    try:
        lock = _lock(folder, wait=_WAIT)
    except (ArticleError, TimeoutError) as exc:
        message = f"Unfinished changes in {folder} could not be looked at: {exc}"
        log.warning("%s", message)
        return (message,)
    messages = []
    try:
        entries = _leftovers(folder)  # again, under the lock: another process may have ended its change
        intents = []
        for entry in entries:
            if _INTENT.fullmatch(entry):
                intent = _read_intent(folder / entry)
                if intent is not None:
                    intents.append(intent)
        for intent in intents:
            messages.append(_recover_one(folder, intent))
        known = {intent.aside for intent in intents}
        for entry in entries:
            if _UPLOAD.fullmatch(entry) or _INTENT_NEW.fullmatch(entry):
                (folder / entry).unlink(missing_ok=True)  # never linked in, or linked already: a spare copy
                log.info("removed the leftover %s", entry)
            elif (previous := _PREVIOUS.fullmatch(entry)) and entry not in known and (folder / entry).exists():
                messages.append(_put_back_stray(folder, entry, previous.group(2)))
    finally:
        _unlock(lock)
    for message in messages:
        log.warning("%s", message)
    return tuple(messages)


def _recover_one(folder: Path, intent: Intent) -> str:
    name = repr(intent.name)
    if intent.committed:
        _finish(folder, intent)
        return {
            "add": f"The upload of {name} was interrupted after it was indexed: it is in the collection.",
            "replace": f"The replacement of {name} was interrupted after it was indexed: the new version is kept.",
            "remove": f"The removal of {name} was interrupted after the index was updated: it is removed.",
        }[intent.op]
    kept = _undo(folder, intent)
    if intent.op == "add":
        return f"The upload of {name} was interrupted before it was indexed and is undone; upload it again."
    if intent.op == "replace":
        return f"The replacement of {name} was interrupted and is undone: the earlier version is kept."
    if kept is not None:
        return (
            f"The removal of {name} was interrupted; another file of that name has appeared since, so the "
            f"removed one is kept in {folder / kept}: rename it to bring it back."
        )
    return f"The removal of {name} was interrupted and is undone: it is still in the collection."


def _finish(folder: Path, intent: Intent) -> None:
    for hidden in (intent.aside, intent.upload):
        if hidden is not None:
            (folder / hidden).unlink(missing_ok=True)
    _delete_intent(folder, intent)


def _undo(folder: Path, intent: Intent) -> str | None:
    """Undo ``intent``. Returns the hidden name a removed file stays under if its own name was taken
    meanwhile (it is never written over), else None."""
    target, aside, upload = folder / intent.name, folder / (intent.aside or ""), folder / (intent.upload or "")
    kept = None
    if intent.op == "add":
        if intent.upload is not None and _same_file(upload, target):
            target.unlink()
    elif intent.aside is not None and aside.exists():
        if intent.op == "replace":
            os.replace(aside, target)  # over the new version, if it was written
        else:
            try:
                os.link(aside, target)
            except FileExistsError:
                kept = intent.aside
            else:
                aside.unlink()
    if intent.upload is not None:
        upload.unlink(missing_ok=True)
    sync_folder(folder)
    _delete_intent(folder, intent)
    return kept


def _put_back_stray(folder: Path, entry: str, name: str) -> str:
    """A ``.previous`` file with no intent (left by an older version): put it back if its name is free
    (a removal or replacement that never finished), else delete it (its replacement is in place)."""
    try:
        os.link(folder / entry, folder / name)
    except FileExistsError:
        (folder / entry).unlink(missing_ok=True)
        log.info("removed %s: %s is in place", entry, name)
        return f"An earlier version of {name!r}, left hidden by an interrupted replacement, was deleted."
    (folder / entry).unlink(missing_ok=True)
    return f"{name!r}, left hidden by an interrupted change, is put back in the collection."


def _leftovers(folder: Path) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []  # a missing or unreadable folder is reported when the corpus is read
    patterns = (_INTENT, _INTENT_NEW, _UPLOAD, _PREVIOUS)
    return sorted(n for n in names if n.startswith(".") and any(p.fullmatch(n) for p in patterns))


def _write_intent(folder: Path, intent: Intent) -> None:
    """Write the intent whole or not at all (a new file renamed over the old), and make it durable."""
    new = folder / f".{intent.id}.intent-new"
    with new.open("w", encoding="utf-8") as f:
        json.dump(asdict(intent), f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(new, folder / f".{intent.id}.intent")
    sync_folder(folder)


def _read_intent(path: Path) -> Intent | None:
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        intent = Intent(**fields)
    except (OSError, ValueError, TypeError) as exc:
        log.warning("ignored the unreadable change record %s (%s)", path, exc)
        return None
    names = (intent.name, intent.aside, intent.upload)
    if intent.op not in ("add", "replace", "remove") or any("/" in (n or "") for n in names):
        log.warning("ignored the change record %s: it names no change this version makes", path)
        return None
    return intent


def _delete_intent(folder: Path, intent: Intent) -> None:
    (folder / f".{intent.id}.intent").unlink(missing_ok=True)
    sync_folder(folder)


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them is not there
        return False


def _lock(folder: Path, *, wait: float | None) -> int:
    """The corpus folder's change lock, held until ``_unlock``: waited for without end (``wait``
    None) or for ``wait`` seconds (then TimeoutError). Raises ArticleError if it cannot be made."""
    try:
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise ArticleError(f"the corpus folder {folder} cannot be changed ({exc.strerror}); {_hint(exc)}") from None
    if wait is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise TimeoutError(f"another process has been changing it for over {wait:g} s") from None
            time.sleep(0.1)


def _unlock(fd: int) -> None:
    os.close(fd)  # closing the only descriptor releases the lock


def _hint(exc: OSError) -> str:
    return "free some disk space" if exc.errno == errno.ENOSPC else "check the folder's permissions"
