"""The Qdrant backend against the embedded one: Qdrant's local mode for the client code path,
qdrant-edge-py (Qdrant's own engine, in-process) for its keyword and vector ranking. Tests against a
Qdrant server (marked qdrant_server) run only when CITEQA_QDRANT_URL is set: conftest.py leaves them
out otherwise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid

import numpy as np
import pytest
from conftest import CITEQA, CORPUS, DEV_QUESTIONS, TESTS, FakeEmbedder
from qdrant_client import QdrantClient, models

from citeqa import Config, Engine
from citeqa.answers.evaluate import read_questions
from citeqa.answers.query import analyse
from citeqa.answers.search import search
from citeqa.errors import CiteqaError, IndexInUseError, IndexWriteError
from citeqa.index.stores.qdrant import points as qdrant_points
from citeqa.index.stores.qdrant.points import term_index
from citeqa.index.stores.qdrant.store import QdrantStore
from citeqa.loader import EngineLoader

DEV = [q.q for q in read_questions(DEV_QUESTIONS)]
QUESTIONS = [*DEV[:12], "ferry fares fuel 2021", "mayor vote cruise ships"]
PIER = """Pier reopens after storm repairs

The town's pier reopened on Saturday after repairs to storm damage that cost 3 million pounds.

The council said the repairs had taken eight months, two more than planned.
"""
URL = os.environ.get("CITEQA_QDRANT_URL", "")


def open_pair(corpus, tmp_path, embedder, **qdrant) -> tuple[Engine, Engine]:
    """The same articles indexed by both backends."""
    faiss_engine, _ = Engine.open(Config(corpus=corpus, index=tmp_path / "faiss"), embedder=embedder)
    qdrant_config = Config(corpus=corpus, index=tmp_path / "qdrant", backend="qdrant", **qdrant)
    qdrant_engine, _ = Engine.open(qdrant_config, embedder=embedder)
    return faiss_engine, qdrant_engine


FERRY = """Ferry fares rise for islanders

Ferry fares to the island will rise by 12 percent in April, the operator announced.

Islanders said the rise would make it harder to reach the hospital on the mainland.

The operator blamed the price of fuel, which it said had doubled since 2021.
"""


@pytest.fixture
def corpus(small_corpus):
    """The default articles, and two short ones."""
    for path in CORPUS.iterdir():
        shutil.copy(path, small_corpus / path.name)
    (small_corpus / "ferry.txt").write_text(FERRY, encoding="utf-8")
    return small_corpus


def same_hits(one: Engine, other: Engine, question: str, articles=None, tolerance: float = 1e-5) -> None:
    vector = one.embedder.encode([question])[0]
    query = analyse(question)
    first = search(one._state.data, vector, query, k=8, articles=articles)
    second = search(other._state.data, vector, query, k=8, articles=articles)
    assert [h.passage.id for h in first] == [h.passage.id for h in second], question
    for a, b in zip(first, second, strict=True):
        assert b.score == pytest.approx(a.score, abs=tolerance)
        assert b.lexical == pytest.approx(a.lexical, abs=tolerance)  # BM25 of the same tokens, Qdrant's IDF
        assert np.allclose(a.sentence_scores, b.sentence_scores, atol=1e-5)


def test_both_backends_rank_the_same_passages_with_the_same_scores(corpus, tmp_path):
    faiss_engine, qdrant_engine = open_pair(corpus, tmp_path, FakeEmbedder())
    assert qdrant_engine._state.data.build_id.startswith("citeqa-")
    for question in QUESTIONS:
        same_hits(faiss_engine, qdrant_engine, question)
    same_hits(faiss_engine, qdrant_engine, "mayor vote cruise ships", articles=frozenset({"ferry"}))
    hits = search(
        qdrant_engine._state.data,
        qdrant_engine.embedder.encode(["mayor vote"])[0],
        analyse("mayor vote"),
        k=8,
        articles=frozenset({"ferry"}),
    )
    assert hits and {h.passage.article_id for h in hits} == {"ferry"}


def test_a_restarted_app_loads_the_same_build_from_qdrant(corpus, tmp_path):
    faiss_engine, qdrant_engine = open_pair(corpus, tmp_path, FakeEmbedder())
    config = qdrant_engine.config
    again, report = Engine.open(config, embedder=FakeEmbedder())
    assert report.embedded == 0
    assert again._state.data.build_id == qdrant_engine._state.data.build_id
    assert again.articles == faiss_engine.articles  # every paragraph and field, read back from the payload
    assert again._state.data.terms == faiss_engine._state.data.terms
    for question in QUESTIONS[:6]:
        same_hits(faiss_engine, again, question)


def test_an_added_changed_or_removed_article_is_applied_in_place(corpus, tmp_path):
    embedder = FakeEmbedder()
    _, engine = open_pair(corpus, tmp_path, embedder)
    store: QdrantStore = engine.store
    collection = engine._state.data.build_id
    before = store.client.count(collection).count
    (corpus / "pier.txt").write_text(PIER, encoding="utf-8")
    report = engine.refresh()
    # Only the new article's texts: its 2 paragraphs (with their sentences) and its headline.
    assert (report.embedded, engine._state.data.build_id) == (2 + 1, collection)
    assert store.client.count(collection).count == before + 2
    assert store.signature() == (collection, 1)

    (corpus / "pier.txt").write_text(PIER.replace("eight months", "nine months"), encoding="utf-8")
    assert engine.refresh().embedded == 1 + 1  # the changed paragraph (its sentence with it), the headline
    (corpus / "ferry.txt").unlink()
    engine.refresh()
    assert store.client.count(collection).count == before + 2 - 3
    # The app as it is now, and one started afresh, against the embedded backend on the same files.
    # Passages written in place are weighed against the average length of the build they joined (a
    # new build takes the new average), so keyword scores may differ a little; the ranking does not.
    faiss_now, _ = Engine.open(Config(corpus=corpus, index=tmp_path / "faiss-now"), embedder=embedder)
    restarted, _ = Engine.open(engine.config, embedder=embedder)
    for other in (engine, restarted):
        assert other.articles == faiss_now.articles
        for question in ("When did the pier reopen?", "How long did the repairs take?", *QUESTIONS[:4]):
            same_hits(faiss_now, other, question, tolerance=2e-3)
    answer = restarted.ask("How many months did the pier repairs take?")
    assert any(c.article.id == "pier" for c in answer.citations + answer.closest)


def test_a_new_build_is_published_by_moving_the_alias_once_it_is_whole(corpus, tmp_path, monkeypatch):
    _, engine = open_pair(corpus, tmp_path, FakeEmbedder())
    store: QdrantStore = engine.store
    old = engine._state.data.build_id
    seen = []
    upload = store.client.upload_points

    def watching(name, points, **kwargs):
        seen.append(store.current())  # readers still see the old build while the new one is written
        return upload(name, points, **kwargs)

    monkeypatch.setattr(store.client, "upload_points", watching)
    data = store.save(engine._state.data)
    assert seen == [old]
    assert store.current() == data.build_id != old
    names = {c.name for c in store.client.get_collections().collections}
    assert names == {old, data.build_id}  # the old one is kept for a reader still loading it, no more

    def failing(name, points, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.client, "upload_points", failing)
    with pytest.raises(IndexWriteError, match="disk full"):
        store.save(engine._state.data)
    assert store.current() == data.build_id  # the alias still names the last whole build
    assert {c.name for c in store.client.get_collections().collections} == names  # the half build is gone


def test_an_alias_deletes_only_its_own_builds_never_those_of_an_alias_it_prefixes(small_corpus, tmp_path):
    """ "citeqa" is a prefix of "citeqa-team-b": builds are told apart by the alias each records."""

    def config(alias: str) -> Config:
        return Config(corpus=small_corpus, index=tmp_path / "index", backend="qdrant", qdrant_collection=alias)

    team, _ = Engine.open(config("citeqa-team-b"), embedder=FakeEmbedder())
    team_first = team._state.data.build_id
    team_current = team.store.save(team._state.data).build_id
    client: QdrantClient = team.store.client
    dense = models.VectorParams(size=4, distance=models.Distance.DOT)
    # Builds made before builds recorded their alias; a collection of another kind; one an alias names.
    legacy, team_legacy = "citeqa-20240101T000000-0123abcd", "citeqa-team-b-20240101T000000-0123abcd"
    pinned = "citeqa-20240102T000000-4567cdef"
    for name in (legacy, team_legacy, pinned, "citeqa-notes"):
        client.create_collection(name, vectors_config=dense, metadata={"revision": 0})
    client.update_collection_aliases(
        [models.CreateAliasOperation(create_alias=models.CreateAlias(collection_name=pinned, alias_name="archive"))]
    )

    main, _ = Engine.open(config("citeqa"), embedder=FakeEmbedder())
    main_first = main._state.data.build_id
    main_current = main.store.save(main._state.data).build_id
    names = {c.name for c in client.get_collections().collections}
    assert names == {main_first, main_current, team_first, team_current, team_legacy, pinned, "citeqa-notes"}
    again, report = Engine.open(config("citeqa-team-b"), embedder=FakeEmbedder())
    assert (again._state.data.build_id, report.embedded) == (team_current, 0)  # still there, whole

    newest = again.store.save(again._state.data).build_id
    names = {c.name for c in client.get_collections().collections}
    assert names == {main_first, main_current, team_current, newest, pinned, "citeqa-notes"}
    assert main.store.current() == main_current and main.store.load().build_id == main_current


HOLDER = """
import sys
from pathlib import Path
from conftest import FakeEmbedder
from citeqa import Config, Engine

config = Config(corpus=Path(sys.argv[1]), index=Path(sys.argv[2]), backend="qdrant")
engine, _ = Engine.open(config, embedder=FakeEmbedder())
print(engine.passage_count, flush=True)
sys.stdin.read()  # holds the index, as a running app does, until told to stop
"""


@pytest.mark.slow
def test_an_index_another_process_holds_is_named_at_once_and_nothing_is_embedded(small_corpus, tmp_path):
    index = tmp_path / "index"
    env = {
        **os.environ,
        "CITEQA_CORPUS": str(small_corpus),
        "CITEQA_INDEX": str(index),
        "CITEQA_BACKEND": "qdrant",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(small_corpus), str(index)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert int(holder.stdout.readline()) == 4  # the app is up, its index in Qdrant's local mode
        refused = subprocess.run([CITEQA, "index"], capture_output=True, text=True, env=env, timeout=300)
        assert refused.returncode == 2, refused.stderr
        assert f"the index in {index / 'qdrant'} is in use by another process" in refused.stderr
        assert "Stop the app" in refused.stderr and "CITEQA_QDRANT_URL" in refused.stderr
        assert "unusable" not in refused.stderr and "embedding" not in refused.stderr
        assert "Loading the language model" not in refused.stderr and "Traceback" not in refused.stderr
        # The app started meanwhile says the same on its page (its loader raises what the page shows).
        loader = EngineLoader(lambda: Config.from_env(env))
        with pytest.raises(IndexInUseError, match="in use by another process"):
            loader.result()
    finally:
        holder.communicate("", timeout=60)
    indexed = subprocess.run([CITEQA, "index"], capture_output=True, text=True, env=env, timeout=300)
    assert indexed.returncode == 0, indexed.stderr  # once the app has stopped, the same command works
    assert "1 articles, 4 passages indexed" in indexed.stdout


def test_a_bad_backend_setting_is_named_with_the_choices():
    with pytest.raises(CiteqaError, match="'qdrnt'.*faiss, qdrant"):
        Config.from_env({"CITEQA_BACKEND": "qdrnt"})
    with pytest.raises(CiteqaError, match="CITEQA_QDRANT_COLLECTION"):
        Config.from_env({"CITEQA_QDRANT_COLLECTION": "no spaces"})


def test_qdrants_own_engine_ranks_keywords_and_vectors_as_the_embedded_index(corpus, tmp_path):
    """The passages as the Qdrant store writes them, searched by qdrant-edge-py: Qdrant's own engine."""
    import qdrant_edge as edge

    engine, _ = Engine.open(Config(corpus=corpus, index=tmp_path / "faiss"), embedder=FakeEmbedder())
    data = engine._state.data
    dim = data.manifest.dim
    config = edge.EdgeConfig(
        vectors={kind: edge.EdgeVectorParams(size=dim, distance=edge.Distance.Dot) for kind in ("passage", "context")},
        sparse_vectors={"keywords": edge.EdgeSparseVectorParams(modifier=edge.Modifier.Idf)},
    )
    (tmp_path / "edge").mkdir()
    shard = edge.EdgeShard.create(str(tmp_path / "edge"), config)
    points = list(qdrant_points.points(data, qdrant_points.average_length(data)))
    row = {uuid.UUID(p.id): r for r, p in enumerate(points)}
    shard.update(
        edge.UpdateOperation.upsert_points(
            [
                edge.Point(
                    id=p.id,
                    vector={
                        "passage": p.vector["passage"],
                        "context": p.vector["context"],
                        "keywords": edge.SparseVector(p.vector["keywords"].indices, p.vector["keywords"].values),
                    },
                )
                for p in points
            ]
        )
    )
    memory = data.searcher
    for question in QUESTIONS:
        terms = analyse(question).terms
        vector = engine.embedder.encode([question])[0]
        expected = memory.bm25.get_scores(list(terms))
        keywords = edge.SparseVector(sorted({p for p in _term_indices(terms)}), [1.0] * len(set(_term_indices(terms))))
        found = shard.query(edge.QueryRequest(limit=10, query=edge.Query.Nearest(keywords, using="keywords")))
        assert found or not expected.any()
        for point in found:
            assert point.score == pytest.approx(expected[row[_uuid(point.id)]], rel=1e-4, abs=1e-5), question
        nearest = shard.query(edge.QueryRequest(limit=5, query=edge.Query.Nearest(vector.tolist(), using="passage")))
        exact = memory.vectors("passage") @ vector
        assert [round(float(exact[row[_uuid(p.id)]]), 4) for p in nearest] == [
            round(float(s), 4) for s in sorted(exact, reverse=True)[:5]
        ]
    shard.close()


def _term_indices(terms):
    return [term_index(t) for t in terms]


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


@pytest.mark.slow
def test_both_backends_cite_the_same_paragraphs_on_the_dev_questions(model, tmp_path):
    faiss_engine, qdrant_engine = open_pair(CORPUS, tmp_path, model)
    for question in DEV:
        one, other = faiss_engine.ask(question), qdrant_engine.ask(question)
        assert (one.outcome, one.answer) == (other.outcome, other.answer), question
        assert [c.passage_id for c in one.citations] == [c.passage_id for c in other.citations], question
        assert [c.passage_id for c in one.closest] == [c.passage_id for c in other.closest], question


@pytest.mark.slow
@pytest.mark.qdrant_server
def test_a_qdrant_server_ranks_as_the_embedded_index(corpus, tmp_path):
    collection = f"citeqa-test-{uuid.uuid4().hex[:8]}"
    faiss_engine, qdrant_engine = open_pair(
        corpus, tmp_path, FakeEmbedder(), qdrant_url=URL, qdrant_collection=collection
    )
    try:
        for question in QUESTIONS:
            same_hits(faiss_engine, qdrant_engine, question)
        (corpus / "pier.txt").write_text(PIER, encoding="utf-8")
        assert qdrant_engine.refresh().embedded == 2 + 1  # 2 paragraphs and the headline
        same_hits(
            Engine.open(Config(corpus=corpus, index=tmp_path / "f2"), embedder=FakeEmbedder())[0], qdrant_engine, "pier"
        )
    finally:
        client = qdrant_engine.store.client
        for c in client.get_collections().collections:
            if c.name.startswith(collection):
                client.delete_collection(c.name)
