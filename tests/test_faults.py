"""Faults: an indexing process killed at random points, and uploads while others are asking."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time

from conftest import CITEQA, CORPUS, SMALL_ARTICLE

from citeqa import Config, Engine
from citeqa import index as store
from citeqa.corpus import load_corpus

QUESTIONS = [
    "How many police forces did the fieldwork cover?",
    "What did Shaun Sawyer say?",
    "What is the capital of France?",
    "Who is the mayor who called the vote a victory?",
]


def variant(text: str, number: int) -> str:
    """The article with every paragraph made distinct, so nothing can be reused from another copy."""
    return "\n\n".join(f"{p} (Copy {number}.)" if i and len(p) > 80 else p for i, p in enumerate(text.split("\n\n")))


def test_killed_indexing_leaves_the_previous_index_usable_and_the_next_run_repairs(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    root = tmp_path / "index"
    env = {**os.environ, "CITEQA_CORPUS": str(corpus), "CITEQA_INDEX": str(root)}
    subprocess.run([CITEQA, "index"], env=env, check=True, capture_output=True, timeout=300)
    before = store.load(root)
    source = (CORPUS / "modern-slavery-survivors-criminalised.txt").read_text(encoding="utf-8")
    for number in range(12):  # about 800 more texts to embed: several seconds of work to interrupt
        (corpus / f"copy-{number}.txt").write_text(variant(source, number), encoding="utf-8")
    wanted = store.fingerprint(load_corpus(corpus, limits=Config().limits).articles, before.manifest.model)
    rng = random.Random(20261123)
    outcomes = []
    for _ in range(4):
        process = subprocess.Popen([CITEQA, "index"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 9.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        current = store.load(root)  # never half-built: the old index or a complete new one
        assert current.manifest.fingerprint in (before.manifest.fingerprint, wanted)
        outcomes.append(current.manifest.fingerprint == wanted)
        if outcomes[-1]:
            break
        assert len(current.passages) == len(before.passages)
    final = subprocess.run([CITEQA, "index"], env=env, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    assert store.load(root).manifest.fingerprint == wanted
    builds = [p for p in root.iterdir() if p.name.startswith("build-")]
    assert len(builds) <= 2  # the interrupted builds' leftovers are cleared
    asked = subprocess.run([CITEQA, "ask", QUESTIONS[0], "--json"], env=env, capture_output=True, text=True)
    assert asked.returncode == 0 and '"found": true' in asked.stdout


def test_upload_while_others_ask_gives_each_reader_the_old_or_the_new_index(model, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    engine, _ = Engine.open(Config(corpus=corpus, index=tmp_path / "index"), embedder=model)
    errors: list[BaseException] = []
    answers = []
    stop = threading.Event()

    def reader(offset: int) -> None:
        i = offset
        while not stop.is_set():
            try:
                answers.append(engine.ask(QUESTIONS[i % len(QUESTIONS)]))
            except BaseException as exc:  # collected and asserted on below, not hidden
                errors.append(exc)
            i += 1

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        engine.add_article("harbour.txt", SMALL_ARTICLE.encode())
        engine.add_article("ferry.txt", variant(SMALL_ARTICLE.replace("cruise ships", "ferries"), 1).encode())
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors[:3]
    assert len(answers) > 20
    for answer in answers:
        for citation in answer.citations + answer.closest:
            # Articles and passages came from one index: the cited paragraph is the article's own.
            assert citation.article.paragraphs[citation.paragraph - 1] == citation.text
    mayors = [a for a in answers if a.question == QUESTIONS[3] and a.found]
    assert mayors and mayors[-1].citations[0].article.id == "harbour"


def test_readers_of_the_index_folder_never_see_a_half_built_index(model, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    root = tmp_path / "index"
    engine, _ = Engine.open(Config(corpus=corpus, index=root), embedder=model)
    failures: list[BaseException] = []
    loads = 0
    done = threading.Event()

    def load_loop() -> None:
        nonlocal loads
        while not done.is_set():
            try:
                store.load(root)
                loads += 1
            except BaseException as exc:  # collected and asserted on below
                failures.append(exc)

    thread = threading.Thread(target=load_loop)
    thread.start()
    try:
        for number in range(3):
            engine.add_article(f"harbour-{number}.txt", variant(SMALL_ARTICLE, number).encode())
    finally:
        done.set()
        thread.join(timeout=60)
    assert not failures, failures[:3]
    assert loads > 3
