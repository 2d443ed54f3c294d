"""The command line's quotations: `citeqa quotes` (plain and --json) and the speaker of `ask --json`'s
citations, by invoking it on the shipped corpus with the real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS

from citeqa.articles.corpus import read_article
from citeqa.config import Config

pytestmark = pytest.mark.slow


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "citeqa", *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    index = tmp_path_factory.mktemp("quotes-index")
    return {**os.environ, "CITEQA_CORPUS": str(CORPUS), "CITEQA_INDEX": str(index)}


def test_quotes_lists_a_speakers_quotations_as_json_lines_each_an_exact_slice(env):
    done = run("quotes", "--speaker", "Shaun Sawyer", "--json", env=env)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) >= 4
    for line in lines:
        assert set(line) == {"speaker", "role", "quote", "article", "paragraph", "start", "end"}
        assert line["speaker"] == "Shaun Sawyer"
        path = line["article"]["path"]
        assert set(line["article"]) == {"id", "title", "outlet", "author", "date", "section", "path"}
        text = _paragraph(path, line["paragraph"])
        assert text[line["start"] : line["end"]] == line["quote"]
    assert {line["article"]["id"] for line in lines} == {
        "modern-slavery-survivors-criminalised",
        "police-failings-allow-trafficking-to-continue",
    }
    one = run("quotes", "--speaker", "Sawyer", "--article", "police-failings-allow-trafficking-to-continue", env=env)
    assert one.returncode == 0 and one.stdout.splitlines()[0].startswith(
        "Shaun Sawyer, the national policing lead for modern slavery, said: “We fully accept"
    )
    never = run("quotes", "--speaker", "Europol", env=env)
    assert never.returncode == 1 and "never quote 'Europol'" in never.stderr
    everyone = [json.loads(line) for line in run("quotes", "--json", env=env).stdout.splitlines()]
    assert None in {line["speaker"] for line in everyone} and len(everyone) > len(lines)


def test_ask_json_citations_give_the_speaker_and_role_or_null(env):
    done = run("ask", "--json", "What did Shaun Sawyer say?", env=env)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["found"] and answer["citations"]
    assert all(c["speaker"] == "Shaun Sawyer" and c["role"] for c in answer["citations"])
    assert answer["citations"][0]["cite"].startswith("Shaun Sawyer, ")
    other = json.loads(run("ask", "--json", "How many police forces did the fieldwork cover?", env=env).stdout)
    assert all("speaker" in c and "role" in c for c in other["citations"] + other["closest"])
    assert any(c["speaker"] is None for c in other["citations"] + other["closest"])


def _paragraph(path: str, number: int) -> str:
    file = Path(path)
    return read_article(file.name, file.read_bytes(), limits=Config().limits).paragraphs[number - 1]
