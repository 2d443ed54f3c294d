"""Saved conversations under faults, on real SQLite files: damaged files and pages, processes racing on one
file (started together, many times), a lock held by another program, and what a deletion leaves."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, FakeEmbedder
from saved_damage import OWNER, PAGE, aside_copies, damage_page_holding, fill

from citeqa import Config, Engine
from citeqa.records import Answer, Pin
from citeqa.workbench.saved.store import ConversationStore, MissingConversation, SaveError


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> list[Answer]:
    """Answers with citations, closest passages and a refusal, from the shipped corpus."""
    engine, _ = Engine.open(Config(corpus=CORPUS, index=tmp_path_factory.mktemp("index")), embedder=FakeEmbedder())
    questions = ["Who submitted the super-complaint?", "What did Shaun Sawyer say?", "What happened in 2020?"]
    return [engine.ask(q) for q in questions]


@pytest.fixture(scope="module")
def pickled(answers, tmp_path_factory) -> Path:
    """The answers, for processes of their own."""
    path = tmp_path_factory.mktemp("answers") / "answers.pickle"
    path.write_bytes(pickle.dumps(answers))
    return path


LATE_WRITER = """
import os, pickle, sqlite3, sys, dataclasses
from citeqa.workbench.saved.store import ConversationStore
answers = pickle.load(open(sys.argv[2], "rb"))
store = ConversationStore(sys.argv[1])
held = sqlite3.connect(sys.argv[1])  # open to the end, so the log is never copied into the file
held.execute("SELECT count(*) FROM conversations").fetchone()
for i in range(5):
    turns = (answers[i % 3], dataclasses.replace(answers[0], question=f"Question {i} of the late ones"))
    conversation_id = store.start(sys.argv[3], turns[0])
    store.add_turn(conversation_id, sys.argv[3], turns[1])
    print(conversation_id, flush=True)
os._exit(0)  # killed, in effect: the log stays beside the file
"""


def truncated_with_its_log(path: Path, answers: list[Answer], pickled: Path) -> dict[str, tuple[Answer, ...]]:
    """A file of 35 conversations cut to half its length, with its log (holding the last 5) beside it."""
    early = fill(ConversationStore(path), answers, 30, "the early ones")
    written = subprocess.run(
        [sys.executable, "-c", LATE_WRITER, str(path), str(pickled), OWNER], capture_output=True, text=True, cwd=ROOT
    )
    assert written.returncode == 0, written.stderr
    late = {
        cid: (answers[i % 3], dataclasses.replace(answers[0], question=f"Question {i} of the late ones"))
        for i, cid in enumerate(written.stdout.split())
    }
    assert len(late) == 5 and Path(f"{path}-wal").stat().st_size > 0
    os.truncate(path, path.stat().st_size // 2)
    return early | late


@pytest.mark.slow
def test_a_truncated_file_with_its_log_is_set_aside_at_start_keeping_what_reads(tmp_path, answers, pickled):
    path = tmp_path / "saved.sqlite3"
    made = truncated_with_its_log(path, answers, pickled)
    damaged, damaged_log = path.read_bytes(), Path(f"{path}-wal").read_bytes()

    store = ConversationStore(path)
    (aside,) = aside_copies(tmp_path)
    assert aside.read_bytes() == damaged and Path(f"{aside}-wal").read_bytes() == damaged_log  # unchanged
    assert f"moved to {aside}" in store.warning
    kept, lost = {}, []
    for conversation_id, turns in made.items():  # every one loads, none with a traceback
        saved = store.load(conversation_id)
        if saved.unreadable:
            assert f"kept at {aside}" in saved.unreadable and saved.turns == turns[: len(saved.turns)]
            lost.append(conversation_id)
        else:
            assert saved.turns == turns
            kept[conversation_id] = saved
    assert kept and lost  # half the file is gone: some were lost, and the rest kept
    with_turns = [c for c in made if store.load(c).turns]
    assert f": {len(with_turns)} of {len(made)} conversations kept" in store.warning
    assert set(list(made)[30:]) <= set(kept)  # those in the log were kept whole
    listed = store.recent(OWNER, limit=100)
    assert {s.id for s in listed} == set(made) and {s.id for s in listed if s.unreadable} == set(lost)
    assert store.load(store.start(OWNER, answers[0])).turns == (answers[0],)  # the fresh file takes new work
    gone = next(c for c in lost if not store.load(c).turns)  # listed though none of it reads: it can be deleted
    store.delete(gone, OWNER)
    assert store.load(gone) is None and gone not in {s.id for s in store.recent(OWNER, limit=100)}
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_damaged_page_found_while_running_costs_only_the_questions_on_it(tmp_path, answers):
    path = tmp_path / "saved.sqlite3"
    store = ConversationStore(path)
    made = fill(store, answers, 10, "ten")
    # A conversation whose second question is on a page that starts no first question: how the rows fall
    # on pages depends on the answers' length.
    data = path.read_bytes()
    first_turns = {m.start() // PAGE for m in re.finditer(rb'\{"question": "(?!Question \d+ of ten")', data)}
    chosen = next(i for i in range(1, 10) if data.index(f'"Question {i} of ten"'.encode()) // PAGE not in first_turns)
    page = damage_page_holding(path, f'{{"question": "Question {chosen} of ten"')
    hit = {cid for i, cid in enumerate(made) if f'"Question {i} of ten"'.encode() in page}

    third = store.load(list(made)[chosen])  # reads the damaged page: the file is set aside, what reads is kept
    assert third.turns == made[third.id][:1]
    (aside,) = aside_copies(tmp_path)
    assert third.unreadable == f"Question 2 could not be read. The damaged file is kept at {aside}."
    assert f"moved to {aside}, unchanged" in store.warning and "10 of 10 conversations kept" in store.warning
    for conversation_id, turns in made.items():
        assert store.load(conversation_id).turns == (turns[:1] if conversation_id in hit else turns)
    listed = {s.id: s for s in store.recent(OWNER)}
    assert {i for i, s in listed.items() if s.unreadable} == hit and listed[third.id].turns == 1
    assert len(aside_copies(tmp_path)) == 1  # set aside once

    # The page that still shows the whole conversation saves the lost question again with its next one.
    store.add_turn(third.id, OWNER, answers[2], earlier=made[third.id])
    again = store.load(third.id)
    assert again.turns == (*made[third.id], answers[2]) and again.unreadable == ""


def test_a_conversation_lost_whole_is_saved_again_from_the_page_that_shows_it(tmp_path, answers):
    path = tmp_path / "saved.sqlite3"
    store = ConversationStore(path)
    made = fill(store, answers, 4, "four")
    first = list(made)[0]
    with sqlite3.connect(path) as db:  # as if its rows had been on a damaged page
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("DELETE FROM conversations WHERE id = ?", (first,))
    with pytest.raises(MissingConversation, match="no saved conversation") as missing:
        store.add_turn(first, OWNER, answers[2], earlier=made[first])
    assert not missing.value.deleted
    store.restore(first, OWNER, [*made[first], answers[2]], [Pin(answers[0].citations[0], "keep")])
    saved = store.load(first)
    assert saved.turns == (*made[first], answers[2]) and saved.basket[0].note == "keep" and saved.owned_by(OWNER)
    with pytest.raises(SaveError, match="saved already"):
        store.restore(first, OWNER, made[first], [])


def test_a_damaged_first_page_is_set_aside_and_a_new_file_started(tmp_path, answers):
    path = tmp_path / "saved.sqlite3"
    fill(ConversationStore(path), answers, 3, "three")
    with path.open("r+b") as file:
        file.write(b"\0" * 100)  # SQLite's header: "file is not a database"
    damaged = path.read_bytes()
    store = ConversationStore(path)
    (aside,) = aside_copies(tmp_path)
    assert aside.read_bytes() == damaged
    assert "file is not a database" in store.warning and "no conversation could be read" in store.warning
    assert store.recent(OWNER) == [] and store.load(store.start(OWNER, answers[0])) is not None


def test_a_turn_that_no_longer_quotes_verbatim_is_left_out_and_said(tmp_path, answers):
    """A change in the file that SQLite cannot see (no page is malformed): a quote is never shown changed."""
    path = tmp_path / "saved.sqlite3"
    store = ConversationStore(path)
    conversation_id = store.start(OWNER, answers[0])
    store.add_turn(conversation_id, OWNER, answers[1])
    quote = answers[1].citations[0].quote
    with sqlite3.connect(path) as db:  # the same length, one letter changed
        db.execute("UPDATE turns SET answer = replace(answer, ?, ?) WHERE n = 1", (quote, quote.swapcase()))
    saved = store.load(conversation_id)
    assert saved.turns == (answers[0],) and saved.unreadable.startswith("Question 2 could not be read (citation [")


# Processes racing on one file. Each racer is a process of its own that waits for a line, acts on it, and
# prints what happened; a race sends every racer its line at once.

RACER = """
import json, pickle, sys, traceback
from citeqa.workbench.saved.store import ConversationStore
answers = pickle.load(open(sys.argv[1], "rb"))
print("ready", flush=True)
for line in sys.stdin:
    order = json.loads(line)
    try:
        store = ConversationStore(order["path"])
        if order["do"] == "start":
            done = store.start(order["owner"], answers[0])
        elif order["do"] == "add":  # each turn's outcome: True, or the error's name
            done = []
            for i in range(order["turns"]):
                try:
                    store.add_turn(order["id"], order["owner"], answers[i % 3])
                    done.append(True)
                except Exception as exc:
                    done.append(f"{type(exc).__name__}: {exc}")
        elif order["do"] == "delete":
            done = store.delete(order["id"], order["owner"])
        print(json.dumps({"ok": done, "warning": store.warning}), flush=True)
    except Exception as exc:
        print(json.dumps({"error": type(exc).__name__, "message": str(exc)}), flush=True)
"""


class Racers:
    """``count`` processes, started once, told to act together race after race."""

    def __init__(self, count: int, pickled: Path) -> None:
        command = [sys.executable, "-c", RACER, str(pickled)]
        self.processes = [
            subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
            for _ in range(count)
        ]
        for process in self.processes:
            assert process.stdout.readline().strip() == "ready"

    def race(self, orders: list[dict]) -> list[dict]:
        for process, order in zip(self.processes, orders, strict=True):
            process.stdin.write(json.dumps(order) + "\n")
        for process in self.processes:  # sent one after the other, before any answer is read
            process.stdin.flush()
        return [json.loads(process.stdout.readline()) for process in self.processes]

    def close(self) -> None:
        for process in self.processes:
            process.stdin.close()
            process.wait(timeout=60)


@pytest.fixture
def racers(pickled):
    """Groups of racers, stopped after the test."""
    made: list[Racers] = []

    def start(count: int) -> Racers:
        made.append(Racers(count, pickled))
        return made[-1]

    yield start
    for group in made:
        group.close()


TRIALS = 20


@pytest.mark.slow
def test_processes_starting_together_on_a_damaged_file_set_it_aside_once_and_share_the_fresh_one(
    tmp_path, answers, pickled, racers
):
    source = tmp_path / "source.sqlite3"
    fill(ConversationStore(source), answers, 10, "ten")
    with source.open("r+b") as file:
        file.write(b"\0" * 100)  # its header gone: "file is not a database"
    damaged = source.read_bytes()
    group = racers(3)
    failures = []
    for trial in range(TRIALS):
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        path = folder / "saved.sqlite3"
        path.write_bytes(damaged)
        results = group.race([{"do": "start", "path": str(path), "owner": OWNER}] * 3)
        asides = aside_copies(folder)
        problems = [r for r in results if "error" in r]
        if len(asides) != 1 or asides[0].read_bytes() != damaged or problems:
            failures.append((trial, [a.name for a in asides], problems))
            continue
        fresh = ConversationStore(path)  # all three used the one fresh file
        assert {s.id for s in fresh.recent(OWNER)} == {r["ok"] for r in results}
        assert sum(1 for r in results if r["warning"] and f"moved to {asides[0]}" in r["warning"]) == 1
    assert not failures, f"{len(failures)} of {TRIALS} trials: {failures[:3]}"


@pytest.mark.slow
def test_tabs_asking_at_once_in_one_conversation_keep_every_turn(tmp_path, answers, racers):
    group = racers(4)
    failures = []
    for trial in range(TRIALS):
        path = tmp_path / f"trial-{trial}.sqlite3"
        conversation_id = ConversationStore(path).start(OWNER, answers[0])
        order = {"do": "add", "path": str(path), "owner": OWNER, "id": conversation_id, "turns": 2}
        outcomes = [done for result in group.race([order] * 4) for done in result["ok"]]
        failures += [(trial, done) for done in outcomes if done is not True]
        saved = ConversationStore(path).load(conversation_id)
        assert len(saved.turns) == 1 + outcomes.count(True)
        with sqlite3.connect(path) as db:
            numbers = [n for (n,) in db.execute("SELECT n FROM turns WHERE conversation = ? ORDER BY n", (saved.id,))]
        assert numbers == list(range(len(saved.turns)))
    trials = len({trial for trial, _ in failures})
    assert not failures, (
        f"{len(failures)} of {8 * TRIALS} turns not saved, in {trials} of {TRIALS} trials: {failures[:2]}"
    )


@pytest.mark.slow
def test_a_turn_added_while_another_tab_deletes_the_conversation_is_refused_clearly(tmp_path, answers, racers):
    group = racers(4)
    failures, refused, saved = [], 0, 0
    for trial in range(30):
        path = tmp_path / f"trial-{trial}.sqlite3"
        conversation_id = ConversationStore(path).start(OWNER, answers[0])
        add = {"do": "add", "path": str(path), "owner": OWNER, "id": conversation_id, "turns": 2}
        delete = {"do": "delete", "path": str(path), "owner": OWNER, "id": conversation_id}
        deleted, *added = group.race([delete, add, add, add])
        assert "error" not in deleted, deleted
        for done in (done for result in added for done in result["ok"]):
            if done is True:
                saved += 1  # before the deletion
            elif done.startswith("MissingConversation: ") and "was deleted" in done:
                refused += 1
            else:
                failures.append((trial, done))
        with sqlite3.connect(path) as db:  # nothing of it is left behind
            assert db.execute("SELECT count(*) FROM turns").fetchone() == (0,)
            assert db.execute("SELECT count(*) FROM quoted").fetchone() == (0,)
    races = len({trial for trial, _ in failures})
    assert not failures, f"{len(failures)} of {30 * 6} turns failed otherwise, in {races} of 30 races: {failures[:2]}"
    assert refused and saved  # the race was run: turns came both before and after the deletion


def test_a_turn_for_a_deleted_conversation_says_so(tmp_path, answers):
    store = ConversationStore(tmp_path / "saved.sqlite3")
    conversation_id = store.start(OWNER, answers[0])
    store.delete(conversation_id, OWNER)
    with pytest.raises(MissingConversation, match="was deleted") as refused:
        store.add_turn(conversation_id, OWNER, answers[1])
    assert refused.value.deleted
    with pytest.raises(MissingConversation, match="was deleted"):
        store.restore(conversation_id, OWNER, answers, [])


HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode=EXCLUSIVE")  # as a backup or maintenance tool may: even reading waits
db.execute("BEGIN EXCLUSIVE")
db.execute("INSERT INTO preferences VALUES ('tool', 'x', 'y')")
print("held", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


@pytest.mark.slow
def test_a_lock_held_at_start_pauses_saving_until_it_is_free(tmp_path, answers):
    path = tmp_path / "saved.sqlite3"
    first = ConversationStore(path).start(OWNER, answers[0])
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == b"held\n"
        store = ConversationStore(path, timeout=1, start_wait=1)  # starts: saving is not turned off for good
        assert "is locked by another program (database is locked" in store.warning
        assert "writable" not in store.warning
        with pytest.raises(SaveError, match="locked by another program"):
            store.start(OWNER, answers[1])
        with pytest.raises(SaveError, match="locked by another program"):
            store.load(first)
    finally:
        holder.communicate(b"\n", timeout=30)
    second = store.start(OWNER, answers[1])  # the lock is gone: the same store saves again
    assert store.warning is None
    assert [s.id for s in store.recent(OWNER)] == [second, first]


def test_deleting_a_conversation_removes_its_text_and_the_article_snapshots_only_it_quoted(tmp_path, answers):
    path = tmp_path / "saved.sqlite3"
    store = ConversationStore(path)
    kept = store.start(OWNER, answers[0])
    store.add_turn(kept, OWNER, answers[1])
    cited = answers[0].citations[0]
    memo = "The harbour master keeps the second ledger in the old customs house, behind the clock."
    article = dataclasses.replace(
        cited.article, id="ledger-memo", sha256="f" * 64, title="Memo on the harbour ledgers", paragraphs=(memo,)
    )
    secret = dataclasses.replace(cited, article=article, paragraph=1, text=memo, quote=memo[:40], quote_start=0)
    question = "Where is the second ledger hidden?"
    gone = store.start(OWNER, dataclasses.replace(answers[0], question=question, citations=(secret, cited)))
    store.save_basket(gone, OWNER, [Pin(secret, note="Call the harbour master on Tuesday")])
    assert memo.encode() in path.read_bytes() + _log(path)

    store.delete(gone, OWNER)
    data = path.read_bytes() + _log(path)
    for text in (question, memo, "Call the harbour master", article.title):
        assert text.encode() not in data, text
    assert store.load(gone) is None and store.load(kept).turns == (answers[0], answers[1])
    with sqlite3.connect(path) as db:
        stored = {key for (key,) in db.execute("SELECT key FROM articles")}
    wanted = {f"{c.article.id}@{c.article.sha256}" for a in answers[:2] for c in a.citations + a.closest}
    assert stored == wanted  # what the remaining conversation quotes, and nothing else


def _log(path: Path) -> bytes:
    wal = Path(f"{path}-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_a_file_from_before_article_tracking_is_brought_up_to_date(tmp_path, answers):
    """A file made before ``quoted``: filled from the saved turns and baskets; orphaned snapshots dropped."""
    path = tmp_path / "saved.sqlite3"
    store = ConversationStore(path)
    conversation_id = store.start(OWNER, answers[0])
    store.save_basket(conversation_id, OWNER, [Pin(answers[0].citations[0])])
    with sqlite3.connect(path) as db:
        quoted = set(db.execute("SELECT * FROM quoted"))
        db.executescript(
            "DROP TABLE quoted; DROP TABLE deleted; DROP TABLE unreadable; PRAGMA user_version = 0;"
            "INSERT INTO articles VALUES ('orphan@0', '{}');"
        )
    reopened = ConversationStore(path)
    with sqlite3.connect(path) as db:
        assert set(db.execute("SELECT * FROM quoted")) == quoted and quoted
        assert db.execute("SELECT count(*) FROM articles WHERE key = 'orphan@0'").fetchone() == (0,)
        assert db.execute("PRAGMA user_version").fetchone() == (2,)
    assert reopened.load(conversation_id).turns == (answers[0],)
