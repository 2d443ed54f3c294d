"""What the saved conversations' file costs: its check at start, a call, and setting a damaged one aside.

    python bench/saved_file.py [--conversations 200 2000] [--turns 5] [--out bench/saved-file-results.json]

For each size, saves that many conversations of --turns turns (answers from the shipped corpus with a
fake embedder, each question its own) in a fresh file, then measures: opening the store (which checks
every page with ``PRAGMA quick_check``), ``integrity_check`` alone (what is run again, under the lock,
before a file found damaged while running is set aside), loading one conversation and adding a turn
(median of 50), and, after one page in the middle of the turns is overwritten, the load that meets it:
setting the file aside and copying what reads into a fresh one.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CORPUS, FakeEmbedder  # noqa: E402

from citeqa import Config, Engine  # noqa: E402
from citeqa.workbench.saved.store import ConversationStore  # noqa: E402

OWNER = "bench-owner-" + "x" * 20
QUESTIONS = ["Who submitted the super-complaint?", "What did Shaun Sawyer say?", "What happened in 2020?"]


def build(path: Path, answers: list, conversations: int, turns: int) -> list[str]:
    """The file, written in one transaction per conversation (as fast as SQLite writes, not as the app does)."""
    store = ConversationStore(path)
    ids = []
    for c in range(conversations):
        first = dataclasses.replace(answers[c % 3], question=f"Conversation {c}: {answers[c % 3].question}")
        ids.append(store.start(OWNER, first))
        for t in range(1, turns):
            store.add_turn(ids[-1], OWNER, dataclasses.replace(answers[t % 3], question=f"Question {t} of {c}"))
    return ids


def median_ms(work, times: int = 50) -> float:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        work()
        spent.append(time.perf_counter() - start)
    return round(statistics.median(spent) * 1000, 2)


def measure(folder: Path, answers: list, conversations: int, turns: int) -> dict:
    path = folder / f"saved-{conversations}.sqlite3"
    ids = build(path, answers, conversations, turns)
    start = time.perf_counter()
    store = ConversationStore(path)
    opened = time.perf_counter() - start
    with sqlite3.connect(path) as db:
        start = time.perf_counter()
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        integrity = time.perf_counter() - start
    middle = ids[len(ids) // 2]
    load_ms = median_ms(lambda: store.load(middle))
    add_ms = median_ms(lambda: store.add_turn(ids[-1], OWNER, answers[0]))
    data = path.read_bytes()
    page = data.index(f'{{"question": "Question 1 of {len(ids) // 2}"'.encode()) // 4096
    with path.open("r+b") as file:
        file.seek(page * 4096)
        file.write(random.Random(page).randbytes(4096))
    start = time.perf_counter()
    store.load(middle)
    repaired = time.perf_counter() - start
    return {
        "conversations": conversations,
        "turns": conversations * turns + 50,
        "file_mb": round(len(data) / 1e6, 1),
        "open_with_quick_check_s": round(opened, 3),
        "integrity_check_s": round(integrity, 3),
        "load_ms_median": load_ms,
        "add_turn_ms_median": add_ms,
        "set_aside_and_recover_s": round(repaired, 3),
        "kept": store.warning.rsplit(": ", 1)[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--turns", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "saved-file-results.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="citeqa-saved-") as folder:
        engine, _ = Engine.open(Config(corpus=CORPUS, index=Path(folder) / "index"), embedder=FakeEmbedder())
        answers = [engine.ask(q) for q in QUESTIONS]
        results = [measure(Path(folder), answers, n, args.turns) for n in args.conversations]
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
