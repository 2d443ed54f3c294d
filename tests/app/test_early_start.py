"""A first build of a large collection: the articles indexed so far are searched while the rest are, a
question says what it searched, the whole build is published at the end, and a killed one resumes."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from conftest import FakeEmbedder, app_environment, run_app

import citeqa.collection
from citeqa import Config, Engine
from citeqa.articles.catalog import Filter
from citeqa.index.build import _FIRST_WINDOWS, FORMAT
from citeqa.index.pending import PendingVectors
from citeqa.index.stores.folder import store

TOWNS = [
    "Aldport", "Bramwick", "Caddon", "Dunmere", "Eskholt", "Farrowby", "Glenmarch", "Hallowmere",
    "Ingleby", "Jorvale", "Kettering Cross", "Lowmoor", "Marrowdale", "Northwold", "Oxhaven", "Pellbridge",
    "Quarrington", "Redfern", "Saltmarsh", "Thornbury", "Ulverdale", "Vexley", "Wetherham", "Yarrowby",
    "Zennor Bay", "Ashcombe", "Birchfield", "Coldharbour", "Dovercourt", "Elmstead", "Fernhill", "Greyfriars",
    "Hartwell", "Ivybridge", "Juniper Hill", "Kingsmead", "Larkspur", "Millbrook", "Netherby", "Orchard Vale",
]  # fmt: skip
THINGS = [
    "library", "swimming pool", "bus station", "footbridge", "market hall", "cinema", "skate park",
    "observatory", "bandstand", "ferry pier",
]  # fmt: skip


def town_article(number: int) -> str:
    town, thing = TOWNS[number], THINGS[number % len(THINGS)]
    return (
        f"{town} opens a new {thing}\n\n"
        f"The mayor of {town} opened the town's new {thing} on Saturday after two years of building work.\n\n"
        f"The {thing} cost {number + 2} million pounds, paid for by the council and a local trust.\n\n"
        f"Residents of {town} had campaigned for the {thing} since the old one closed in {1990 + number}.\n\n"
        f"The council said the {thing} in {town} would be open every day of the week.\n"
    )


@pytest.fixture
def towns(tmp_path):
    corpus = tmp_path / "towns"
    corpus.mkdir()
    for number, town in enumerate(TOWNS):
        (corpus / f"{town.lower().replace(' ', '-')}.txt").write_text(town_article(number), encoding="utf-8")
    return corpus


class Gated:
    """An embedder that, on the thread building the index, stops after ``after`` texts until ``go`` is
    set; questions (asked on other threads) are encoded at once."""

    def __init__(self, inner, after: int) -> None:
        self.inner, self.after = inner, after
        self.name, self.dim, self.max_tokens = inner.name, inner.dim, inner.max_tokens
        self.building = 0
        self.paused, self.go = threading.Event(), threading.Event()

    def _gate(self, count: int) -> None:
        if threading.current_thread().name not in ("citeqa-loader", "builder"):
            return
        if self.building >= self.after and not self.go.is_set():
            self.paused.set()
            assert self.go.wait(120), "the test never let the build go on"
        self.building += count

    def encode(self, texts, **options):
        self._gate(len(texts))
        return self.inner.encode(texts, **options)

    def encode_spans(self, texts, spans, **options):
        self._gate(len(texts))
        return self.inner.encode_spans(texts, spans, **options)

    def truncate(self, text):
        return self.inner.truncate(text)


def first_build_paused(corpus, index, embedder) -> tuple[Engine, threading.Thread, list]:
    engine, _ = Engine.start(Config(corpus=corpus, index=index), embedder=embedder)
    reports = []
    builder = threading.Thread(target=lambda: reports.append(engine.refresh(early=True)), name="builder")
    builder.start()
    assert embedder.paused.wait(60), "the build never reached the gate"
    return engine, builder, reports


def test_articles_indexed_so_far_are_searched_and_the_answer_says_so(towns, tmp_path):
    embedder = Gated(FakeEmbedder(), after=150)  # 200 texts: the first window is done, the build waits in the next
    engine, builder, reports = first_build_paused(towns, tmp_path / "index", embedder)
    try:
        done, total = engine.indexing
        assert total == len(TOWNS) and 0 < done < total
        assert len(engine.articles) == done and store.current_build(tmp_path / "index") is None  # nothing saved
        first = engine.articles[0]
        answer = engine.ask(f"What did the mayor of {first.title.split(' opens')[0]} open?")
        assert f"Searched {done:,} of {total:,} articles, those indexed so far" in " ".join(answer.notes)
        assert {c.article.id for c in answer.citations + answer.closest} <= {a.id for a in engine.articles}
        # The collection lists and finds the articles that can be searched.
        found = engine.catalog.find(Filter(words="mayor")).articles
        assert sorted(a.id for a in found) == sorted(a.id for a in engine.articles)
    finally:
        embedder.go.set()
        builder.join(60)
    assert reports and reports[0].saved and engine.indexing is None
    assert len(engine.articles) == len(TOWNS) and store.current_build(tmp_path / "index") is not None
    assert not any("Searched" in n for n in engine.ask("What did the mayor of Orchard Vale open?").notes)


def test_early_builds_hold_the_vectors_of_the_whole_build_row_for_row(towns, tmp_path, monkeypatch):
    monkeypatch.setattr("citeqa.index.build._FIRST_WINDOWS", (48, 48, 48))  # several early builds of 200 texts
    seen = []
    embedder = Gated(FakeEmbedder(), after=10**9)
    engine, _ = Engine.start(Config(corpus=towns, index=tmp_path / "index"), embedder=embedder)
    original = engine._set_state

    def keep(data, problems, warning=None, **kwargs):
        seen.append((data, kwargs.get("indexed")))
        original(data, problems, warning, **kwargs)

    engine._set_state = keep
    engine.refresh(early=True)
    early = [(data, indexed) for data, indexed in seen if indexed is not None]
    assert len(early) >= 2 and [i[0] for _, i in early] == sorted(i[0] for _, i in early)
    whole = seen[-1][0]
    rows = {p.id: r for r, p in enumerate(whole.passages)}
    for data, (done, total) in early:
        assert len(data.articles) == done < total == len(whole.articles)
        for kind in ("passage", "context"):
            mine = data.searcher.vectors(kind)
            theirs = whole.searcher.vectors(kind)[[rows[p.id] for p in data.passages]]
            assert np.allclose(mine, theirs, atol=1e-6)


def test_a_killed_first_build_resumes_and_searches_what_it_kept_at_once(towns, tmp_path):
    whole = FakeEmbedder()
    Engine.open(Config(corpus=towns, index=tmp_path / "reference"), embedder=whole)
    index = tmp_path / "index"
    first = Gated(FakeEmbedder(), after=150)
    engine, builder, _ = first_build_paused(towns, index, first)
    try:
        searchable = engine.indexing[0]
        # Were the process killed here, what can be searched is on disk already, for the next start.
        kept = PendingVectors(index, f"{FakeEmbedder.name}@{FORMAT}", FakeEmbedder.dim)
        assert len(kept) >= sum(1 + len(a.paragraphs) for a in engine.articles)
        second = Gated(FakeEmbedder(), after=0)  # the next start, stopped before it embeds anything
        restarted, again, reports = first_build_paused(towns, index, second)
        try:
            assert restarted.indexing[0] >= searchable  # searchable at once, nothing embedded yet
            assert second.inner.embedded == 0
        finally:
            second.go.set()
            again.join(60)
        assert reports[0].saved and any(m.startswith("Resuming: ") for m in reports[0].messages)
        assert second.inner.embedded == whole.embedded - _FIRST_WINDOWS[0]  # only what was not kept
    finally:
        first.go.set()
        builder.join(60)


@pytest.mark.slow
def test_the_app_answers_from_the_first_articles_while_the_rest_are_indexed(towns, tmp_path, model, monkeypatch):
    """The real model, the real loader and the app: usable after the first window, and whole at the end."""
    embedder = Gated(model, after=140)
    monkeypatch.setattr(citeqa.collection, "ModelEmbedder", lambda *args, **kwargs: embedder)
    with app_environment(towns, tmp_path / "index"):
        at = run_app()  # waits while nothing can be searched, then shows the chat
        # The build goes on to the gate after the first articles are published: the rest wait there.
        assert embedder.paused.wait(60) and not embedder.go.is_set()
        assert any("can be searched so far" in i.value for i in at.info), [i.value for i in at.info]
        assert at.chat_input and not at.chat_input[0].disabled
        at.chat_input[0].set_value(f"What did the mayor of {TOWNS[0]} open?").run()
        assert not at.exception, at.exception
        answer = at.session_state["workbench"].messages[-1]
        assert answer.found, answer
        assert answer.citations[0].article.id == "aldport"
        assert any(n.startswith("Searched ") and "those indexed so far" in n for n in answer.notes), answer.notes
        embedder.go.set()
        for _ in range(120):
            at.run()
            if not any("can be searched so far" in i.value for i in at.info):
                break
        assert not any("can be searched so far" in i.value for i in at.info)
        assert any(e.label == f"Collection: {len(TOWNS)} articles" for e in at.sidebar.expander)
