"""Adding, replacing and removing articles in a real process killed (SIGKILL) midway: the next start
finishes or undoes the change, says which, and leaves no hidden file and no article lost."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, SMALL_ARTICLE, TESTS

from citeqa.workbench.changes import LOCK

pytestmark = pytest.mark.slow

DRIVER = str(TESTS / "change_driver.py")
OLD = SMALL_ARTICLE
NEW = SMALL_ARTICLE.replace("cruise ships", "ferries")
ADDED = SMALL_ARTICLE.replace("cruise ships", "jet skis")


def sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def driver(root: Path, *args: str, kill_at: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "CITEQA_CORPUS": str(root / "corpus"), "CITEQA_INDEX": str(root / "index")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.pop("CITEQA_TEST_KILL_AT", None)
    if kill_at:
        env["CITEQA_TEST_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, DRIVER, *args], env=env, capture_output=True, text=True, timeout=timeout)


def started(root: Path) -> dict:
    """What a new engine reports and serves once it has started on ``root``."""
    result = driver(root, "start")
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.splitlines()[0])


def folder_state(corpus: Path) -> tuple[dict[str, str], list[str]]:
    """The article files (name -> SHA-256) and any hidden file other than the lock."""
    files = {p.name: sha(p.read_bytes()) for p in corpus.iterdir() if not p.name.startswith(".")}
    hidden = sorted(p.name for p in corpus.iterdir() if p.name.startswith(".") and p.name != LOCK)
    return files, hidden


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The shipped articles and harbour.txt, indexed once by a real start."""
    root = tmp_path_factory.mktemp("recovery")
    shutil.copytree(CORPUS, root / "corpus")
    (root / "corpus" / "harbour.txt").write_text(OLD, encoding="utf-8")
    for name, text in (("new.txt", NEW), ("added.txt", ADDED)):
        (root / name).write_text(text, encoding="utf-8")
    assert "harbour.txt" in started(root)["articles"]
    return root


def trial(base: Path, tmp_path: Path) -> Path:
    root = tmp_path / "trial"
    shutil.copytree(base, root)
    return root


# (operation, point killed at, whether the change was committed there)
STEPS = [
    ("add", "intent-written", False),
    ("add", "written", False),
    ("add", "indexed", False),
    ("add", "committed", True),
    ("replace", "intent-written", False),
    ("replace", "set-aside", False),
    ("replace", "written", False),
    ("replace", "indexed", False),
    ("replace", "committed", True),
    ("remove", "intent-written", False),
    ("remove", "set-aside", False),
    ("remove", "indexed", False),
    ("remove", "committed", True),
]


@pytest.mark.parametrize("op, point, committed", STEPS, ids=[f"{op}-{point}" for op, point, _ in STEPS])
def test_a_change_killed_at_each_step_is_finished_or_undone_at_the_next_start(base, tmp_path, op, point, committed):
    root = trial(base, tmp_path)
    args = {
        "add": ("add", "jet-skis.txt", str(root / "added.txt")),
        "replace": ("replace", "harbour.txt", str(root / "new.txt")),
        "remove": ("remove", "harbour.txt"),
    }[op]
    killed = driver(root, *args, kill_at=point)
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr[-2000:])
    assert "done" not in killed.stdout.splitlines()

    after = started(root)
    files, hidden = folder_state(root / "corpus")
    assert hidden == []  # no .upload, .previous or .intent file is left: the next start has nothing to do
    assert after["articles"] == files  # the engine serves exactly the files in the folder, as they are
    expected = dict(folder_state(base / "corpus")[0])
    if committed:
        if op == "add":
            expected["jet-skis.txt"] = sha(ADDED)
        elif op == "replace":
            expected["harbour.txt"] = sha(NEW)
        else:
            del expected["harbour.txt"]
    assert files == expected
    said = " ".join(after["messages"])
    if op == "add":
        assert ("after it was indexed: it is in the collection" if committed else "undone; upload it again") in said
    elif op == "replace":
        assert ("the new version is kept" if committed else "undone: the earlier version is kept") in said
    else:
        assert ("it is removed" if committed else "undone: it is still in the collection") in said


def test_an_article_replaced_over_and_over_and_killed_at_random_is_never_lost(base, tmp_path):
    """Kill a process replacing harbour.txt back and forth at random moments, many times: each next
    start finds the article whole, in one of its two versions, and served as it is on disk."""
    root = trial(base, tmp_path)
    rng = random.Random(20261203)
    versions = {sha(OLD): "old", sha(NEW): "new"}
    (root / "old.txt").write_text(OLD, encoding="utf-8")
    env = {**os.environ, "CITEQA_CORPUS": str(root / "corpus"), "CITEQA_INDEX": str(root / "index")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.pop("CITEQA_TEST_KILL_AT", None)
    outcomes = {"recovered": 0, "clean": 0}
    replaced = 0
    for number in range(12):
        process = subprocess.Popen(
            [sys.executable, DRIVER, "churn", "harbour.txt", str(root / "old.txt"), str(root / "new.txt")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        state = json.loads(process.stdout.readline())
        files, hidden = folder_state(root / "corpus")
        assert hidden == [], f"trial {number}: {hidden}"
        assert state["articles"] == files, f"trial {number}"
        assert files.get("harbour.txt") in versions, f"trial {number}: harbour.txt lost or damaged"
        outcomes["recovered" if any("interrupted" in m for m in state["messages"]) else "clean"] += 1
        time.sleep(rng.uniform(0.2, 2.5))  # a few replacements' time: the kill lands anywhere in one
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=60)
        replaced += out.count("replaced")
    final = started(root)
    files, hidden = folder_state(root / "corpus")
    assert hidden == [] and final["articles"] == files and files["harbour.txt"] in versions
    assert replaced >= 12  # the kills came while replacements were under way, not before the first
    print(f"12 random kills, {replaced} replacements done between them: {outcomes}")
