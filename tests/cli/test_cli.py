"""The command line contract, run as a user runs it: in a subprocess, with the real model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import CITEQA, CORPUS, DEV_QUESTIONS

from citeqa.answers.evaluate import read_questions
from citeqa.citations.cite import nested


def run(*args: str, env: dict[str, str], stdin: str | None = None, module: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "citeqa", *args] if module else [CITEQA, *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """CITEQA_* pointing at the shipped corpus and an index of the test's own."""
    index = tmp_path_factory.mktemp("cli-index")
    return {**os.environ, "CITEQA_CORPUS": str(CORPUS), "CITEQA_INDEX": str(index)}


def test_index_builds_with_progress_then_reuses(env):
    first = run("index", env=env)
    assert first.returncode == 0, first.stderr
    assert "2 articles, 45 passages indexed" in first.stdout  # 43 paragraphs, a subtitle and a standfirst
    assert "embedding" in first.stderr and "100%" in first.stderr  # the progress bar
    second = run("index", env=env)
    assert second.returncode == 0 and "100%" not in second.stderr


def test_ask_json_contract(env):
    result = run(
        "ask",
        "How much is the Government investing to help police tackle modern slavery?",
        "--json",
        "--k",
        "3",
        "--style",
        "apa",
        env=env,
        module=True,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "outcome", "found", "answer", "reason", "citations", "closest", "notes"}
    assert answer["outcome"] == "answered" and answer["found"] is True and answer["reason"] == ""
    assert "£8.5 million" in answer["answer"]
    assert [c["n"] for c in answer["citations"]] == [1, 2, 3]
    first = answer["citations"][0]
    fields = {"n", "article", "paragraph", "locator", "text", "quote", "score", "cite", "matched", "unmatched"}
    assert set(first) == fields | {"speaker", "role", "also_in"}
    assert set(first["article"]) == {"id", "title", "outlet", "author", "date", "section", "path"}
    assert first["also_in"] == [] and first["article"]["section"] is None
    assert first["article"]["id"] == "police-failings-allow-trafficking-to-continue"
    assert first["article"]["date"] is None and first["paragraph"] == 20
    with open(first["article"]["path"], encoding="utf-8") as f:
        assert first["quote"] in f.read()
    assert first["quote"] in first["text"]
    # Inside the citation's quotation marks, the quote's own become single ones; its full stop moves out.
    inside = nested(first["quote"]).rstrip(".")
    assert first["cite"].startswith(f"“{inside}” (“Police Failings Allow Human Trafficking,” n.d., para. 20).\n")


def test_ask_json_reads_stdin_one_object_per_line_in_order(env):
    questions = [q.q for q in read_questions(DEV_QUESTIONS)]
    stdin = "\n".join(questions[:6] + [""] + questions[-2:]) + "\n"
    result = run("ask", "--json", env=env, stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions[:6] + [""] + questions[-2:]
    assert "empty" in lines[6]["error"]
    assert [line["found"] for line in lines[-2:]] == [False, False]
    # Each line stands alone: "What is Section 45?" is not read as a follow-up of the line before.
    assert "known as Section 45" in lines[2]["citations"][0]["text"]


def test_ask_readable_output_and_clear_errors(env):
    result = run("ask", "Who is the national policing lead for modern slavery?", "--style", "mla", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Q: Who is the national policing lead for modern slavery?\nA: ")
    # The quote is Shaun Sawyer's words: named before them, and cited as quoted in the article.
    assert "\nSources:\n[1] Shaun Sawyer, the national policing lead for modern slavery, said: “We" in result.stdout
    assert "(qtd. in “Police Failings" in result.stdout and "” (Sawyer)" not in result.stdout
    assert "Independent, 26 May 2021." in result.stdout  # MLA: the outlet without "The", months as MLA writes them
    empty = run("ask", "  ", env=env)
    assert empty.returncode == 2
    assert empty.stderr.strip() == "citeqa: the question is empty; type a question about the articles"
    bad_k = run("ask", "Who chairs it?", "--k", "0", env=env)
    assert bad_k.returncode == 2 and "k=0 must be at least 1" in bad_k.stderr


def test_stdin_keeps_one_line_out_per_line_in_whatever_the_bytes(env):
    stdin = (
        b"How many police forces did the fieldwork cover?\n\xff\xfe bin\n?\na\nwhat is the\nwho?\nWhat is Section 45?\n"
    )
    result = subprocess.run([CITEQA, "ask", "--json"], input=stdin, capture_output=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(lines) == 7
    assert "fieldwork in six police forces" in lines[0]["citations"][0]["text"]
    assert lines[1]["question"] is None
    assert lines[1]["error"] == "line 2 of the input is not UTF-8 text (byte 0xff); skipped"
    for line in lines[2:6]:  # no words to search for: asked for a real question, not answered
        assert not line["found"] and not line["citations"] and "has no words to search for" in line["error"]
    assert "known as Section 45" in lines[6]["citations"][0]["text"]


def test_a_skipped_file_is_reported_once(env, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "bad.txt").write_bytes(b"\x00\x01")
    env = {**env, "CITEQA_CORPUS": str(corpus)}
    asked = run("ask", "What is Section 45?", env=env)
    assert asked.returncode == 0, asked.stderr
    assert asked.stderr.count("bad.txt") == 1
    assert "citeqa: skipped 1 file: bad.txt: the file is binary" in asked.stderr
    listed = run("articles", env=env)
    assert "bad.txt" not in listed.stderr
    assert listed.stdout.count("bad.txt") == 1 and "skipped bad.txt: the file is binary" in listed.stdout


def test_eval_reports_the_metrics(env, tmp_path):
    result = run("eval", str(DEV_QUESTIONS), "--json", env=env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["recall@3"] >= 0.9 and report["answerable_not_answered"] <= 1
    assert report["unanswerable_not_answered"] == report["unanswerable"] == 2
    assert set(report["answerable_outcomes"]) == {"answered", "closest", "not_found"}
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"q": "fine", "gold": []}\nnot json\n')
    result = run("eval", str(broken), env=env)
    assert result.returncode == 2 and f"{broken}:2:" in result.stderr


def test_corpus_and_index_flags_beat_the_environment(env, tmp_path, small_corpus):
    result = run("--corpus", str(small_corpus), "articles", "--index", str(tmp_path / "ix"), env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "harbour: “Harbour town bans cruise ships from its old port” (Ana Ruiz, 2025-03-04)"
    )
    missing = run("articles", "--corpus", str(tmp_path / "nowhere"), env=env)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
