"""Saved conversations: exact round trips, owners, damaged or unwritable files, a killed writer."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import CITEQA, CORPUS, ROOT, FakeEmbedder, mount_namespace

from citeqa import Config, Engine
from citeqa.records import NOT_FOUND, Pin
from citeqa.workbench.saved.store import ConversationStore, SaveError, is_token

OWNER, OTHER = "owner-" + "a" * 20, "other-" + "b" * 20


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """Answers with citations, closest passages and a refusal, from the shipped corpus."""
    engine, _ = Engine.open(Config(corpus=CORPUS, index=tmp_path_factory.mktemp("index")), embedder=FakeEmbedder())
    questions = ["Who submitted the super-complaint?", "What did Shaun Sawyer say?", "What happened in 2020?"]
    return [engine.ask(q) for q in questions]


def test_a_conversation_and_its_basket_come_back_exactly(tmp_path, answers):
    store = ConversationStore(tmp_path / "saved.sqlite3")
    conversation_id = store.start(OWNER, answers[0])
    for answer in answers[1:]:
        store.add_turn(conversation_id, OWNER, answer)
    pins = [Pin(answers[0].citations[0], note="lead"), Pin(answers[1].citations[-1])]
    store.save_basket(conversation_id, OWNER, pins)

    saved = ConversationStore(tmp_path / "saved.sqlite3").load(conversation_id)  # as after a restart
    assert saved is not None and is_token(conversation_id)
    assert saved.turns == tuple(answers)  # every field, every citation and article, as it was
    assert saved.basket == tuple(pins)
    assert saved.title == answers[0].question and saved.owned_by(OWNER) and not saved.owned_by(OTHER)
    assert any(a.outcome == NOT_FOUND for a in saved.turns) or any(a.closest for a in saved.turns)
    assert [s.id for s in store.recent(OWNER)] == [conversation_id] and store.recent(OTHER) == []
    assert store.recent(OWNER)[0].turns == len(answers)


def test_quoted_articles_are_kept_as_quoted(tmp_path, answers):
    store = ConversationStore(tmp_path / "saved.sqlite3")
    conversation_id = store.start(OWNER, answers[0])
    citation = store.load(conversation_id).turns[0].citations[0]
    assert citation.text == citation.article.paragraphs[citation.paragraph - 1]
    assert citation.text[citation.quote_start : citation.quote_end] == citation.quote


def test_only_the_owner_changes_a_conversation(tmp_path, answers):
    store = ConversationStore(tmp_path / "saved.sqlite3")
    conversation_id = store.start(OWNER, answers[0])
    for change in (
        lambda: store.add_turn(conversation_id, OTHER, answers[1]),
        lambda: store.save_basket(conversation_id, OTHER, []),
        lambda: store.delete(conversation_id, OTHER),
    ):
        with pytest.raises(SaveError, match="belongs to someone else.*copy"):
            change()
    copy_id = store.copy(conversation_id, OTHER)
    store.add_turn(copy_id, OTHER, answers[1])
    assert len(store.load(copy_id).turns) == 2 and len(store.load(conversation_id).turns) == 1
    store.delete(conversation_id, OWNER)
    assert store.load(conversation_id) is None and store.load(copy_id) is not None


@pytest.mark.parametrize("bad", ["", "x", "../../etc/passwd", "a" * 65, "' OR 1=1 --" + "a" * 10])
def test_an_id_that_is_not_one_finds_nothing(tmp_path, bad):
    assert ConversationStore(tmp_path / "saved.sqlite3").load(bad) is None


def test_preferences_are_kept_per_owner(tmp_path):
    store = ConversationStore(tmp_path / "saved.sqlite3")
    store.set_preference(OWNER, "style", "apa")
    store.set_preference(OWNER, "style", "mla")
    assert store.preference(OWNER, "style") == "mla" and store.preference(OTHER, "style") is None


def test_a_damaged_file_is_moved_aside_not_lost(tmp_path, answers):
    path = tmp_path / "saved.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = ConversationStore(path)
    assert "moved to" in store.warning
    (aside,) = tmp_path.glob("saved.sqlite3.damaged-*")
    assert aside.read_bytes() == b"this is not a database" * 100
    assert store.load(store.start(OWNER, answers[0])) is not None


def test_a_path_that_cannot_be_a_database_names_it_and_the_fix(tmp_path):
    with pytest.raises(SaveError, match=f"cannot be saved in {tmp_path}.*CITEQA_CONVERSATIONS"):
        ConversationStore(tmp_path)  # a folder


READ_ONLY = """
import sys
from citeqa.workbench.saved.store import ConversationStore, SaveError
store = ConversationStore(sys.argv[1])
(summary,) = store.recent(sys.argv[2])
print("turns", len(store.load(summary.id).turns))
try:
    store.add_turn(summary.id, sys.argv[2], store.load(summary.id).turns[0])
except SaveError as exc:
    print("error", exc)
"""


@pytest.mark.slow
def test_a_read_only_folder_still_shows_saved_conversations_and_says_why_nothing_is_saved(tmp_path, answers):
    folder = tmp_path / "saved"
    folder.mkdir()
    ConversationStore(folder / "saved.sqlite3").start(OWNER, answers[0])
    (tmp_path / "read_only.py").write_text(READ_ONLY, encoding="utf-8")
    result = mount_namespace(
        f"""mount --bind -o ro {folder} {folder}
        {sys.executable} {tmp_path / "read_only.py"} {folder / "saved.sqlite3"} {OWNER}"""
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "turns 1", result.stdout
    assert lines[1].startswith(f"error conversations cannot be saved in {folder / 'saved.sqlite3'}"), lines
    assert "CITEQA_CONVERSATIONS" in lines[1]


WRITER = """
import sys, pickle
from citeqa.workbench.saved.store import ConversationStore
answers = pickle.load(open(sys.argv[2], "rb"))
store = ConversationStore(sys.argv[1])
conversation_id = store.start("writer-" + "w" * 20, answers[0])
print(conversation_id, flush=True)
n = 1
while True:
    store.add_turn(conversation_id, "writer-" + "w" * 20, answers[n % len(answers)])
    n += 1
"""


@pytest.mark.slow
def test_a_killed_writer_leaves_every_saved_turn_whole(tmp_path, answers):
    import pickle

    (tmp_path / "answers.pickle").write_bytes(pickle.dumps(answers))
    path = tmp_path / "saved.sqlite3"
    for attempt in range(3):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(tmp_path / "answers.pickle")],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        conversation_id = writer.stdout.readline().strip()
        time.sleep(0.3 + 0.4 * attempt)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        saved = ConversationStore(path).load(conversation_id)
        assert saved is not None and len(saved.turns) >= 2
        assert all(turn == answers[n % len(answers)] for n, turn in enumerate(saved.turns))
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.slow
def test_the_command_line_lists_prints_and_deletes_saved_conversations(tmp_path, answers):
    path = tmp_path / "saved.sqlite3"
    store = ConversationStore(path)
    conversation_id = store.start(OWNER, answers[0])
    store.add_turn(conversation_id, OWNER, answers[1])
    store.save_basket(conversation_id, OWNER, [Pin(answers[0].citations[0], note="for the intro")])

    def citeqa(*args: str) -> subprocess.CompletedProcess:
        command = [CITEQA, "conversations", *args, "--conversations", str(path)]
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    listed = citeqa()
    assert listed.returncode == 0 and conversation_id in listed.stdout and "2 questions" in listed.stdout
    shown = citeqa(conversation_id, "--style", "apa")
    assert shown.returncode == 0, shown.stderr
    assert f"## 1. {answers[0].question}" in shown.stdout and "## 2. What did Shaun Sawyer say?" in shown.stdout
    assert answers[0].citations[0].quote in shown.stdout and "Note: for the intro" in shown.stdout
    assert citeqa(conversation_id, "--delete").returncode == 0
    missing = citeqa(conversation_id)
    assert missing.returncode == 2 and f"no saved conversation '{conversation_id}'" in missing.stderr
    assert "Traceback" not in missing.stderr
