"""Faults: an indexing process killed at random points, and uploads while others are asking."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import threading
import time

import pytest
from conftest import CITEQA, CORPUS, SMALL_ARTICLE, FakeEmbedder, mount_namespace

from citeqa import ArticleError, Config, Engine
from citeqa.articles.corpus import load_corpus
from citeqa.errors import IndexWriteError
from citeqa.index import build as index
from citeqa.index.stores.folder import store
from citeqa.workbench.changes import LOCK

QUESTIONS = [
    "How many police forces did the fieldwork cover?",
    "What did Shaun Sawyer say?",
    "What is the capital of France?",
    "Who is the mayor who called the vote a victory?",
]


def variant(text: str, number: int) -> str:
    """The article with every paragraph made distinct, so nothing can be reused from another copy."""
    return "\n\n".join(f"{p} (Copy {number}.)" if i and len(p) > 80 else p for i, p in enumerate(text.split("\n\n")))


@pytest.mark.slow
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
    wanted = index.fingerprint(load_corpus(corpus, limits=Config().limits).articles, before.manifest.model)
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
    assert mayors and mayors[-1].citations[0].article.id in ("harbour", "ferry")  # both quote the mayor


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


NEW_ARTICLE = SMALL_ARTICLE.replace("cruise ships", "jet skis")


def files(folder) -> list[str]:
    """The folder's files but the lock that changes to it take: no hidden leftover may be among them."""
    return sorted(p.name for p in folder.iterdir() if p.name != LOCK)


@pytest.mark.slow
def test_full_disk_keeps_the_old_index_and_still_answers(tmp_path):
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    root.mkdir()
    (tmp_path / "new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    env = f"CITEQA_CORPUS={corpus} CITEQA_INDEX={root}"
    result = mount_namespace(
        f"""mount -t tmpfs -o size=3m tmpfs {root}
        {env} {CITEQA} index >/dev/null 2>&1 || exit 10
        echo "before=$(cat {root}/CURRENT)"
        dd if=/dev/zero of={root}/.filler bs=4k 2>/dev/null  # the disk is now full
        cp {tmp_path / "new.txt"} {corpus}/jet-skis.txt
        echo "answer=$({env} {CITEQA} ask --json "Who is the mayor who called the vote a victory?")"
        echo "ask=$?"
        {env} {CITEQA} index; echo "index=$?"
        echo "after=$(cat {root}/CURRENT)"
        echo "builds=$(ls -d {root}/build-* | wc -l)" """
    )
    assert result.returncode == 0, result.stderr
    out = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert out["ask"] == "0" and out["index"] == "1"
    # The new article answers, from an index kept in memory.
    assert json.loads(out["answer"])["citations"][0]["article"]["id"] == "jet-skis"
    assert f"cannot write the index in {root} (No space left on device)" in result.stderr
    assert out["before"].startswith("build-") and out["after"] == out["before"]  # the old build stays current
    assert out["builds"] == "1"  # and no half-written build is left beside it
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_read_only_index_serves_the_last_build_and_names_what_is_missing(tmp_path):
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    env = {**os.environ, "CITEQA_CORPUS": str(corpus), "CITEQA_INDEX": str(root)}
    subprocess.run([CITEQA, "index"], env=env, check=True, capture_output=True, timeout=300)
    (corpus / "jet-skis.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    variables = f"CITEQA_CORPUS={corpus} CITEQA_INDEX={root}"
    result = mount_namespace(
        f"""mount --bind -o ro {root} {root}
        {variables} {CITEQA} ask --json "How many police forces did the fieldwork cover?"; echo "ask=$?"
        {variables} {CITEQA} index; echo "index=$?" """
    )
    out = result.stdout.splitlines()
    assert "ask=0" in out and "index=1" in out, result.stderr
    assert "fieldwork in six police forces" in json.loads(out[0])["citations"][0]["text"]
    assert f"The index in {root} cannot be updated (Read-only file system" in result.stderr
    assert "misses these changes: articles added: jet-skis.txt." in result.stderr
    assert "Traceback" not in result.stderr


def test_an_upload_that_cannot_be_indexed_leaves_nothing_behind(small_corpus, tmp_path, monkeypatch):
    config = Config(corpus=small_corpus, index=tmp_path / "index")
    engine, _ = Engine.open(config, embedder=FakeEmbedder())

    def full(root, data):
        raise IndexWriteError(f"cannot write the index in {root} (No space left on device)")

    monkeypatch.setattr(store, "save", full)
    with pytest.raises(ArticleError, match="No space left on device"):
        engine.add_article("jet-skis.txt", NEW_ARTICLE.encode(), timeout=60)
    assert files(small_corpus) == ["harbour.txt"]  # not half-added
    assert [a.id for a in engine.articles] == ["harbour"]
    monkeypatch.undo()
    assert engine.add_article("jet-skis.txt", NEW_ARTICLE.encode(), timeout=60).id == "jet-skis"  # a retry works


def test_an_upload_that_cannot_be_written_says_why(small_corpus, tmp_path, monkeypatch):
    engine, _ = Engine.open(Config(corpus=small_corpus, index=tmp_path / "index"), embedder=FakeEmbedder())

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("citeqa.workbench.changes.os.link", no_space)
    with pytest.raises(ArticleError, match=r"could not be saved in .* \(No space left on device\); free some disk"):
        engine.add_article("jet-skis.txt", NEW_ARTICLE.encode(), timeout=60)
    assert files(small_corpus) == ["harbour.txt"]


def test_a_small_upload_does_not_wait_for_a_large_one_nor_do_questions(model, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    engine, _ = Engine.open(Config(corpus=corpus, index=tmp_path / "index"), embedder=model)
    large = "Bus notes\n\n" + "\n\n".join(f"Note {n} says the number {n} bus was late on Monday." for n in range(1000))
    big = engine.submit_article("bus-notes.txt", large.encode())
    small = engine.submit_article("harbour.txt", SMALL_ARTICLE.encode())
    answered_meanwhile = 0
    while not engine.upload_status(small.id).finished:
        assert engine.ask(QUESTIONS[0]).found
        answered_meanwhile += 1
    assert engine.upload_status(small.id).state == "added"
    assert not engine.upload_status(big.id).finished  # the small one went first
    assert answered_meanwhile >= 1
    assert engine.ask("Who is the mayor who called the vote a victory?").citations[0].article.id == "harbour"
    final = engine._uploads.wait(big.id, timeout=600)
    assert final.state == "added" and final.article.paragraphs[-1].startswith("Note 999 says")
    assert sorted(p.name for p in corpus.iterdir() if p.name in ("bus-notes.txt", "harbour.txt")) == [
        "bus-notes.txt",
        "harbour.txt",
    ]


def test_a_build_made_by_another_process_is_picked_up(small_corpus, tmp_path):
    config = Config(corpus=small_corpus, index=tmp_path / "index")
    serving, _ = Engine.open(config, embedder=FakeEmbedder())
    (small_corpus / "jet-skis.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    Engine.open(config, embedder=FakeEmbedder())  # what `citeqa index` does in another process
    embedded = serving.embedder.embedded
    assert serving.notice_new_build()
    deadline = time.monotonic() + 60
    while "jet-skis" not in {a.id for a in serving.articles}:
        assert time.monotonic() < deadline, "the new build was never picked up"
        time.sleep(0.05)
    assert serving.embedder.embedded == embedded  # the new build was loaded, not embedded again
    assert not serving.notice_new_build()  # nothing newer since


def test_an_upload_is_read_once_and_never_takes_an_existing_id(small_corpus, tmp_path, monkeypatch):
    import citeqa.articles.corpus as corpus_module

    engine, _ = Engine.open(Config(corpus=small_corpus, index=tmp_path / "index"), embedder=FakeEmbedder())
    reads = []
    real = corpus_module.parse_text
    monkeypatch.setattr(corpus_module, "parse_text", lambda text, **kw: reads.append(1) or real(text, **kw))
    added = engine.add_article("Harbour.txt", NEW_ARTICLE.encode(), timeout=60)
    assert len(reads) == 1  # checked on arrival, and not parsed again when indexed
    assert added.id == "harbour-2" and engine.article("harbour").path == "harbour.txt"


def test_an_article_can_be_removed_and_replaced_keeping_its_id(small_corpus, tmp_path):
    config = Config(corpus=small_corpus, index=tmp_path / "index")
    engine, _ = Engine.open(config, embedder=FakeEmbedder())
    engine.add_article("jet-skis.txt", NEW_ARTICLE.encode(), timeout=60)
    with pytest.raises(ArticleError, match="already in the collection"):
        engine.add_article("jet-skis.txt", NEW_ARTICLE.replace("jet skis", "kayaks").encode(), timeout=60)
    replaced = engine.add_article(
        "jet-skis.txt", NEW_ARTICLE.replace("jet skis", "kayaks").encode(), replacing=True, timeout=60
    )
    assert replaced.id == "jet-skis" and "kayaks" in replaced.paragraphs[0]
    assert "kayaks" in (small_corpus / "jet-skis.txt").read_text(encoding="utf-8")
    assert engine.ask("kayaks ban old port", k=1).citations[0].article.id == "jet-skis"
    engine.remove_article("jet-skis")
    assert [a.id for a in engine.articles] == ["harbour"]
    assert files(small_corpus) == ["harbour.txt"]
    assert [a.id for a in Engine.open(config, embedder=FakeEmbedder())[0].articles] == ["harbour"]  # saved


def test_a_removal_the_index_cannot_take_leaves_everything_as_it_was(small_corpus, tmp_path, monkeypatch):
    engine, _ = Engine.open(Config(corpus=small_corpus, index=tmp_path / "index"), embedder=FakeEmbedder())
    engine.add_article("jet-skis.txt", NEW_ARTICLE.encode(), timeout=60)
    monkeypatch.setattr(store.FolderStore, "unwritable", lambda self: f"Read-only file system in {self.root}")
    with pytest.raises(IndexWriteError, match="Read-only file system"):
        engine.remove_article("jet-skis")
    with pytest.raises(ArticleError, match="Read-only file system"):
        engine.add_article(
            "jet-skis.txt", b"Kayaks\n\nKayaks are banned from the old port from May.\n", replacing=True, timeout=60
        )
    assert files(small_corpus) == ["harbour.txt", "jet-skis.txt"]
    assert "jet skis" in (small_corpus / "jet-skis.txt").read_text(encoding="utf-8")
    assert {a.id for a in engine.articles} == {"harbour", "jet-skis"}
    with pytest.raises(ArticleError, match="no article with id 'nope'"):
        engine.remove_article("nope")
