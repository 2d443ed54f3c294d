"""`citeqa articles`: found by words of the text, by section, sorted; one JSON object per line."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from conftest import CITEQA
from stories import COPY, FOLLOW_UP, STORY

pytestmark = pytest.mark.slow  # a subprocess with the real model

FIELDS = {"id", "title", "outlet", "author", "date", "section", "path", "paragraphs", "snippet", "duplicate_of"}


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("articles-cli")
    corpus = root / "corpus"
    for path, front, title, paragraphs in [
        ("business/harbour.txt", "date: 2025-03-04\n", "Harbour bans cruise ships", STORY),
        ("business/court.txt", "date: 2025-03-07\nauthor: Ana Ruiz\n", "Cruise ships shown the door", FOLLOW_UP),
        ("local/old-port.txt", "date: 2025-03-05\n", "Old port closes to cruise ships", COPY),
        ("sport/regatta.md", "section: Sailing\n", "Regatta cancelled", ["The regatta was cancelled by wind."]),
    ]:
        (corpus / path).parent.mkdir(parents=True, exist_ok=True)
        (corpus / path).write_text(f"---\n{front}---\n{title}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return {**os.environ, "CITEQA_CORPUS": str(corpus), "CITEQA_INDEX": str(root / "index")}


def articles(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([CITEQA, "articles", *args], capture_output=True, text=True, env=env, timeout=300)


def lines(result: subprocess.CompletedProcess) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_find_by_a_word_of_the_text_as_json(env):
    found = lines(articles("--find", "docked engines", "--json", env=env))
    assert sorted(f["id"] for f in found) == ["business-harbour", "local-old-port"]  # no headline has the words
    first = next(f for f in found if f["id"] == "business-harbour")
    assert set(first) == FIELDS
    assert first["section"] == "business" and first["date"] == "2025-03-04" and first["paragraphs"] == len(STORY)
    assert first["duplicate_of"] is None
    assert next(f for f in found if f["id"] == "local-old-port")["duplicate_of"] == "business-harbour"
    assert "engines of docked ships" in first["snippet"] and "\n" not in first["snippet"]
    assert first["path"].endswith("/business/harbour.txt") and os.path.isfile(first["path"])


def test_sections_and_sorts(env):
    assert [f["id"] for f in lines(articles("--section", "business", "--sort", "date", "--json", env=env))] == [
        "business-court",
        "business-harbour",
    ]
    every = lines(articles("--sort", "headline", "--json", env=env))
    assert [f["title"] for f in every] == [
        "Cruise ships shown the door",
        "Harbour bans cruise ships",
        "Old port closes to cruise ships",
        "Regatta cancelled",
    ]
    assert {f["id"]: f["section"] for f in every}["sport-regatta"] == "Sailing"  # front matter beats the folder
    assert all(f["snippet"] is None for f in every)  # no words asked for
    two = lines(articles("--section", "Sailing", "--section", "local", "--json", env=env))
    assert [f["id"] for f in two] == ["local-old-port", "sport-regatta"]


def test_plain_lines_and_a_section_that_is_not_there(env):
    result = articles("--find", "ortega", env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert out[0].startswith("business-harbour: “Harbour bans cruise ships” (2025-03-04, business)")
    assert out[1].strip().startswith("The mayor, Luis Ortega, said")
    assert "(nearly repeats business-harbour)" in out[2]
    wrong = articles("--section", "weather", env=env)
    assert wrong.returncode == 2
    assert "no section 'weather' in this collection; its sections: business, local, Sailing" in wrong.stderr
