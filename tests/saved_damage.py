"""Saved conversations made and damaged on purpose, for the tests of what damage costs."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from citeqa.records import Answer
from citeqa.workbench.saved.store import ConversationStore

OWNER = "owner-" + "a" * 20
PAGE = 4096  # SQLite's default page size, which the files here have


def fill(store: ConversationStore, answers: list[Answer], count: int, label: str) -> dict[str, tuple[Answer, ...]]:
    """``count`` conversations of two turns, the second question of each its own (``Question 3 of label``)."""
    made = {}
    for i in range(count):
        turns = (answers[i % 3], dataclasses.replace(answers[(i + 1) % 3], question=f"Question {i} of {label}"))
        conversation_id = store.start(OWNER, turns[0])
        store.add_turn(conversation_id, OWNER, turns[1])
        made[conversation_id] = turns
    return made


def damage_page_holding(path: Path, text: str) -> bytes:
    """The page of ``path`` where ``text`` starts overwritten with random bytes; returns the page as it was."""
    data = path.read_bytes()
    page = data.index(text.encode()) // PAGE
    with path.open("r+b") as file:
        file.seek(page * PAGE)
        file.write(random.Random(page).randbytes(PAGE))
    return data[page * PAGE : (page + 1) * PAGE]


def aside_copies(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.damaged-*") if not p.name.endswith(("-wal", "-shm", "-journal")))
