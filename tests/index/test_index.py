"""The saved index: reuse, incremental rebuilds, corrupt and stale indexes, atomic replacement."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import FakeEmbedder

from citeqa import Config, Engine
from citeqa.index import build as index
from citeqa.index.stores.folder import store

SECOND = """Ferry fares rise for islanders

Ferry fares to the island will rise by 12 percent in April, the operator announced.

Islanders said the rise would make it harder to reach the hospital on the mainland.
"""


@pytest.fixture
def config(small_corpus, tmp_path) -> Config:
    (small_corpus / "ferry.txt").write_text(SECOND, encoding="utf-8")
    return Config(corpus=small_corpus, index=tmp_path / "index")


def open_engine(config: Config) -> tuple[Engine, FakeEmbedder, tuple[str, ...]]:
    embedder = FakeEmbedder()
    engine, report = Engine.open(config, embedder=embedder)
    return engine, embedder, report.messages


def test_index_is_saved_and_reused_without_embedding(config):
    _, first, _ = open_engine(config)
    assert first.embedded > 0
    engine, second, messages = open_engine(config)
    assert second.embedded == 0
    assert messages == ()
    assert engine.passage_count == 6
    assert (config.index / store.CURRENT).read_text().startswith("build-")


def test_changed_article_reembeds_only_its_own_texts(config):
    open_engine(config)
    path = config.corpus / "ferry.txt"
    path.write_text(SECOND.replace("12 percent", "15 percent"), encoding="utf-8")
    engine, embedder, messages = open_engine(config)
    # One model run for the changed paragraph (it gives its sentence's vector too), and one for the
    # headline, to compose the in-context vectors of that paragraph and the next.
    assert embedder.embedded == 2
    assert messages == ("Articles changed: ferry.txt. Updating the index.",)
    assert "15 percent" in engine.article("ferry").paragraphs[0]


def test_added_and_removed_articles(config):
    open_engine(config)
    (config.corpus / "ferry.txt").unlink()
    engine, embedder, messages = open_engine(config)
    assert embedder.embedded == 0
    assert [a.id for a in engine.articles] == ["harbour"]
    assert "removed: ferry.txt" in messages[0]
    (config.corpus / "ferry.txt").write_text(SECOND, encoding="utf-8")
    engine, embedder, _ = open_engine(config)
    assert embedder.embedded == 2 + 1  # a run for each paragraph (with its sentences) and the headline
    assert len(engine.articles) == 2


def test_paragraph_ids_survive_reindexing(config):
    engine, _, _ = open_engine(config)
    before = engine.ask("cruise ships mayor vote", k=2).citations[0].passage_id
    shutil.rmtree(config.index)
    engine, _, _ = open_engine(config)
    assert engine.ask("cruise ships mayor vote", k=2).citations[0].passage_id == before


def build_dir(config: Config):
    return store.current_build(config.index)


def test_a_note_of_thousands_of_new_files_names_five_and_counts_the_rest(config):
    open_engine(config)
    for n in range(12):
        (config.corpus / f"pier-{n:02d}.txt").write_text(SECOND.replace("Ferry", f"Pier {n}"), encoding="utf-8")
    _, _, messages = open_engine(config)
    note = next(m for m in messages if m.startswith("Articles added"))
    names = ", ".join(f"pier-{n:02d}.txt" for n in range(5))
    assert note == f"Articles added: {names} and 7 more. Updating the index."


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: (d / "passage.faiss").write_bytes((d / "passage.faiss").read_bytes()[:100]),
        lambda d: (d / "store.json").unlink(),
        lambda d: (d / "manifest.json").write_text("{not json"),
        lambda d: (d / "sentence.faiss").write_bytes(b"\0" * 64),
        lambda d: shutil.rmtree(d),
        lambda d: (d.parent / store.CURRENT).write_text("../../etc"),
    ],
)
def test_damaged_index_is_rebuilt_with_a_message(config, damage):
    open_engine(config)
    damage(build_dir(config))
    engine, embedder, messages = open_engine(config)
    assert embedder.embedded > 0
    assert any("unusable and is rebuilt" in m for m in messages)
    assert engine.ask("cruise ships", k=1).citations
    _, again, messages = open_engine(config)
    assert again.embedded == 0 and messages == ()


def test_index_from_another_model_is_rebuilt(config):
    open_engine(config)
    manifest_path = build_dir(config) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"] = "some-other-model"
    manifest["fingerprint"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    # The manifest's checksum list does not cover itself; the model name decides.
    engine, embedder, messages = open_engine(config)
    assert "built with model 'some-other-model'" in messages[0]
    shutil.rmtree(config.index)
    _, fresh, _ = open_engine(config)
    assert embedder.embedded == fresh.embedded > 0  # nothing reused


def test_index_that_cannot_be_saved_answers_from_memory_and_says_so(config, monkeypatch):
    open_engine(config)
    before = build_dir(config)
    (config.corpus / "ferry.txt").write_text(SECOND + "\nA new last paragraph about the harbour fees.\n")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.bm25s.BM25, "save", fail)
    engine, report = Engine.open(config, embedder=FakeEmbedder())
    assert not report.saved
    assert any(f"cannot write the index in {config.index} (No space left on device)" in m for m in report.messages)
    assert engine.warning and "could not be saved" in engine.warning
    assert "harbour fees" in engine.article("ferry").paragraphs[-1]  # the new text answers, from memory
    assert build_dir(config) == before  # the saved index is untouched, its half-written successor gone
    assert sorted(p.name for p in config.index.iterdir() if p.name.startswith("build-")) == [before.name]
    monkeypatch.undo()
    engine, _, messages = open_engine(config)
    assert engine.warning is None and build_dir(config) != before
    assert "harbour fees" in engine.article("ferry").paragraphs[-1]


def test_read_only_index_serves_the_last_complete_build_and_names_what_it_misses(config, monkeypatch):
    open_engine(config)
    (config.corpus / "pier.txt").write_text(SECOND.replace("Ferry", "Pier").replace("12", "30"), encoding="utf-8")
    monkeypatch.setattr(store.FolderStore, "unwritable", lambda self: f"Read-only file system in {self.root}")
    engine, embedder, messages = open_engine(config)
    assert embedder.embedded == 0  # nothing embedded that could not be kept
    assert [a.id for a in engine.articles] == ["ferry", "harbour"]
    assert engine.warning == messages[-1]
    assert f"The index in {config.index} cannot be updated (Read-only file system" in engine.warning
    assert "misses these changes: articles added: pier.txt." in engine.warning
    assert engine.ask("ferry fares", k=1).citations


@pytest.mark.parametrize(
    "damage",
    [
        lambda root: (root / store.CURRENT).write_bytes(b"\xff\xfe build-\x00"),
        lambda root: ((root / store.CURRENT).unlink(), (root / store.CURRENT).mkdir()),
        lambda root: (root / store.CURRENT).write_text(""),
    ],
    ids=["not text", "a folder", "empty"],
)
def test_damaged_current_is_set_right(config, damage):
    open_engine(config)
    damage(config.index)
    engine, embedder, messages = open_engine(config)
    assert any("does not name a build folder" in m or "cannot read" in m for m in messages), messages
    assert engine.ask("cruise ships", k=1).citations
    assert store.current_build(config.index).is_dir()
    _, again, messages = open_engine(config)
    assert again.embedded == 0 and messages == ()


def test_index_path_that_is_a_file_still_answers_and_says_where(config):
    config = Config(corpus=config.corpus, index=config.index.with_name("index-file"))
    config.index.write_text("not a folder")
    engine, report = Engine.open(config, embedder=FakeEmbedder())
    assert not report.saved
    assert f"{config.index} is a file" in engine.warning
    assert engine.ask("cruise ships", k=1).citations


def test_builds_no_longer_needed_are_removed(config):
    open_engine(config)
    for word in ("15", "16", "17"):
        (config.corpus / "ferry.txt").write_text(SECOND.replace("12", word), encoding="utf-8")
        open_engine(config)
    assert len([p for p in config.index.iterdir() if p.name.startswith("build-")]) == 2


def test_articles_read_by_an_older_parser_are_read_again_keeping_their_ids_and_vectors(
    small_corpus, tmp_path, monkeypatch
):
    from citeqa.articles import corpus

    config = Config(corpus=small_corpus, index=tmp_path / "index")
    open_engine(config)
    read = []
    real = corpus.read_article
    monkeypatch.setattr(corpus, "read_article", lambda name, *a, **k: read.append(name) or real(name, *a, **k))
    engine, embedder, _ = open_engine(config)
    assert read == [] and embedder.embedded == 0  # same parser: nothing read or embedded again
    monkeypatch.setattr("citeqa.collection.PARSER", 99)
    monkeypatch.setattr("citeqa.index.build.PARSER", 99)
    engine, embedder, _ = open_engine(config)
    assert read == ["harbour.txt"]  # read again with the new parser
    assert embedder.embedded == 0  # its texts did not change, so neither did their vectors
    assert [a.id for a in engine.articles] == ["harbour"]
    assert store.load(config.index).manifest.parser == 99


class Interrupted(FakeEmbedder):
    """Stops the build with Ctrl-C once it has embedded ``after`` texts."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def encode(self, texts, **options):
        if self.embedded >= self.after:
            raise KeyboardInterrupt
        return super().encode(texts, **options)


def test_an_interrupted_build_resumes_without_embedding_again(small_corpus, tmp_path, monkeypatch):
    from conftest import SMALL_ARTICLE

    monkeypatch.setattr(index, "BATCH", 4)  # several batches, so that it stops half-way
    for number in range(6):
        (small_corpus / f"story-{number}.txt").write_text(SMALL_ARTICLE.replace("cruise ships", f"boats {number}"))
    config = Config(corpus=small_corpus, index=tmp_path / "index")
    whole = FakeEmbedder()
    Engine.open(Config(corpus=small_corpus, index=tmp_path / "reference"), embedder=whole)
    stopped = Interrupted(after=whole.embedded // 2)
    with pytest.raises(KeyboardInterrupt):
        Engine.open(config, embedder=stopped)
    assert store.current_build(config.index) is None  # nothing half-built is current
    resumed = FakeEmbedder()
    engine, report = Engine.open(config, embedder=resumed)
    assert 0 < stopped.embedded < whole.embedded
    assert any(m.startswith("Resuming: ") for m in report.messages), report.messages
    assert resumed.embedded == whole.embedded - stopped.embedded  # only what was not embedded before
    assert engine.ask("Which town banned boats 3?").found
    assert not (config.index / "pending").exists()  # cleared once the build was saved


def test_the_in_context_vector_weighs_its_parts_as_the_models_window_reads_them():
    from citeqa.index.vectors import CONTEXT_CHARS, matrices
    from citeqa.records import Article, Passage

    embedder = FakeEmbedder()
    found = {}

    def lookup(key):
        kind, text = key
        if kind == "context":
            return None  # never embedded: composed
        if kind == "sentence":
            text = text.split("\n", 1)[1]
        return found.setdefault(key, embedder.encode([text])[0])

    def context(article: Article) -> np.ndarray:
        passage = Passage("p", article.id, 2, article.paragraphs[1], ((0, len(article.paragraphs[1])),))
        return matrices([article], [passage], lookup, embedder.dim)["context"][0]

    def unit(v):
        return v / np.linalg.norm(v)

    headline, before = "Harbour bans cruise ships.", "Tourists crowded the old port every summer."
    paragraph = "The council voted on Monday to ban cruise ships."
    [h, b, p] = embedder.encode([headline, before, paragraph])
    short = Article("a", "a.txt", headline[:-1], (before, paragraph), "0")
    expected = unit(len(headline) * h + len(before) * b + len(paragraph) * p)
    assert np.allclose(context(short), expected, atol=1e-6)
    # A long paragraph before counts only as far as the window reaches: what is left of 900 characters.
    long_before = " ".join(f"word{i}" for i in range(400))
    room = CONTEXT_CHARS - len(headline) - len(paragraph)
    long = Article("b", "b.txt", headline[:-1], (long_before, paragraph), "1")
    lb = embedder.encode([long_before])[0]
    assert np.allclose(context(long), unit(len(headline) * h + room * lb + len(paragraph) * p), atol=1e-6)
    # A paragraph that fills the window on its own leaves no room for the one before.
    huge = "A very long paragraph. " * 60
    alone = Article("c", "c.txt", headline[:-1], (long_before, huge), "2")
    hv = embedder.encode([huge])[0]
    assert np.allclose(context(alone), unit(len(headline) * h + len(huge) * hv), atol=1e-6)


def story(number: int) -> str:
    from conftest import SMALL_ARTICLE

    return SMALL_ARTICLE.replace("cruise ships", f"boats {number}").replace("500", str(600 + number))


@pytest.fixture
def collection(small_corpus, tmp_path) -> Config:
    """Nine articles: one changed article is a small share of the collection."""
    for number in range(8):
        (small_corpus / f"story-{number}.txt").write_text(story(number), encoding="utf-8")
    return Config(corpus=small_corpus, index=tmp_path / "index")


def same_index(config: Config, other: Config) -> None:
    """The index in ``config`` loads as a whole build of the same corpus made afresh in ``other``."""
    loaded, fresh = store.load(config.index), Engine.open(other, embedder=FakeEmbedder())[0]._state.data
    assert loaded.articles == fresh.articles and loaded.passages == fresh.passages
    for kind in ("passage", "context", "sentence"):
        assert np.array_equal(loaded.searcher.vectors(kind), fresh.searcher.vectors(kind)), kind
    question = "Which town banned boats 3?"
    assert (
        loaded.searcher.signals(FakeEmbedder().encode([question])[0], ["boat", "3"], None, 200).keyword.tolist()
        == fresh.searcher.signals(FakeEmbedder().encode([question])[0], ["boat", "3"], None, 200).keyword.tolist()
    )


def test_one_added_article_is_written_as_a_delta_that_loads_as_a_whole_build(collection, tmp_path):
    engine, _, _ = open_engine(collection)
    base = build_dir(collection)
    (collection.corpus / "story-new.txt").write_text(story(99), encoding="utf-8")
    engine.refresh()
    delta = build_dir(collection)
    manifest = json.loads((delta / "manifest.json").read_text())
    assert manifest["base"] == base.name and manifest["counts"]["articles"] == 10
    held = json.loads((delta / "delta.json").read_text())
    assert [a["path"] for a in held["articles"]] == ["story-new.txt"] and len(held["order"]) == 10
    assert sum(f.stat().st_size for f in delta.iterdir()) < sum(f.stat().st_size for f in base.iterdir()) / 4
    assert sorted(p.name for p in collection.index.glob("build-*")) == sorted([base.name, delta.name])
    same_index(collection, Config(corpus=collection.corpus, index=tmp_path / "fresh"))
    assert open_engine(collection)[0].ask("Which town banned boats 99?").citations[0].passage_id.startswith("story-new")


def test_changed_and_removed_articles_go_into_the_delta_on_the_same_whole_build(collection, tmp_path):
    engine, _, _ = open_engine(collection)
    base = build_dir(collection)
    (collection.corpus / "story-1.txt").write_text(story(1).replace("five kilometres", "six kilometres"))
    engine.refresh()
    (collection.corpus / "story-2.txt").unlink()
    engine.refresh()  # a second delta, on the same whole build: it holds every change since
    manifest = json.loads((build_dir(collection) / "manifest.json").read_text())
    held = json.loads((build_dir(collection) / "delta.json").read_text())
    assert manifest["base"] == base.name
    assert [a["path"] for a in held["articles"]] == ["story-1.txt"] and "story-2" not in held["order"]
    assert len(list(collection.index.glob("build-*"))) == 3  # the whole build, this delta and the one before
    same_index(collection, Config(corpus=collection.corpus, index=tmp_path / "fresh"))


def test_many_changes_make_a_whole_build_and_a_damaged_base_is_rebuilt(collection):
    engine, _, _ = open_engine(collection)
    for number in range(4):  # 16 of 36 paragraphs changed: more than a delta may hold
        (collection.corpus / f"story-{number}.txt").write_text(story(number + 50))
    engine.refresh()
    assert json.loads((build_dir(collection) / "manifest.json").read_text())["base"] is None
    (collection.corpus / "story-7.txt").unlink()
    engine.refresh()
    delta = build_dir(collection)
    base = collection.index / json.loads((delta / "manifest.json").read_text())["base"]
    (base / "passage.faiss").write_bytes(b"\0" * 64)
    engine, embedder, messages = open_engine(collection)
    assert any("unusable and is rebuilt" in m for m in messages) and embedder.embedded > 0
    assert json.loads((build_dir(collection) / "manifest.json").read_text())["base"] is None
    assert open_engine(collection)[1].embedded == 0


def test_a_delta_naming_a_base_outside_the_index_is_rebuilt(collection):
    engine, _, _ = open_engine(collection)
    (collection.corpus / "story-new.txt").write_text(story(99), encoding="utf-8")
    engine.refresh()
    manifest_path = build_dir(collection) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert manifest["base"]
    manifest_path.write_text(json.dumps(manifest | {"base": "../../etc"}))
    engine, embedder, messages = open_engine(collection)
    assert any("unusable and is rebuilt" in m for m in messages) and embedder.embedded > 0
    assert engine.ask("Which town banned boats 99?").citations
