"""Quotations kept with the index: found once per article when it is indexed, stored by both stores,
and kept current when articles are added, changed or removed (a delta, or points written in place)."""

from __future__ import annotations

import shutil

import pytest
from conftest import CORPUS, FakeEmbedder

from citeqa import Config, Engine
from citeqa.index.build import FORMAT
from citeqa.quotations import extract

PIER = """Pier reopens after storm repairs

The town's pier reopened on Saturday after repairs to storm damage that cost 3 million pounds.

"We are proud of the work," said the council leader, Mary Jones. "It took longer than we hoped."

"The pier is the heart of the town."
"""


@pytest.fixture
def corpus(small_corpus):
    for path in CORPUS.iterdir():
        shutil.copy(path, small_corpus / path.name)
    return small_corpus


def expected(engine: Engine) -> list:
    """What extracting every article afresh gives, in the articles' order."""
    return [q for article in engine.articles for q in extract(article)]


def check(engine: Engine) -> None:
    data = engine._state.data
    assert list(data.quotations) == expected(engine)
    by_id = {a.id: a for a in data.articles}
    for q in data.quotations:  # each a slice of its paragraph, its article known
        text = by_id[q.article_id].paragraphs[q.paragraph - 1]
        assert 0 <= q.start < q.end <= len(text)


@pytest.mark.parametrize("backend", ["folder", "qdrant"])
def test_quotations_are_stored_with_the_index_and_follow_every_change(corpus, tmp_path, backend):
    embedder = FakeEmbedder()
    config = Config(corpus=corpus, index=tmp_path / "index", backend=backend)
    engine, _ = Engine.open(config, embedder=embedder)
    check(engine)
    assert any(q.speaker == "Shaun Sawyer" for q in engine._state.data.quotations)
    assert engine._state.data.manifest.format == FORMAT

    (corpus / "pier.txt").write_text(PIER, encoding="utf-8")
    engine.refresh()
    check(engine)
    pier = [q for q in engine._state.data.quotations if q.article_id == "pier"]
    assert [(q.paragraph, q.speaker, q.kind) for q in pier if q.type == "direct"] == [
        (2, "Mary Jones", "named"),
        (2, "Mary Jones", "named"),
        (3, "Mary Jones", "continuation"),
    ]

    (corpus / "pier.txt").write_text(PIER.replace("Mary Jones", "Ann Lee"), encoding="utf-8")
    engine.refresh()
    check(engine)
    assert {q.speaker for q in engine._state.data.quotations if q.article_id == "pier"} == {"Ann Lee"}

    (corpus / "harbour.txt").unlink()
    engine.refresh()
    check(engine)
    assert not any(q.article_id == "harbour" for q in engine._state.data.quotations)

    again, report = Engine.open(config, embedder=embedder)  # read back as saved: a delta, or Qdrant's points
    assert report.embedded == 0
    assert again._state.data.quotations == engine._state.data.quotations


def test_an_article_whose_quotations_cannot_be_read_is_indexed_without_them(corpus, tmp_path, monkeypatch, caplog):
    """A fault in a rule costs one article its quotations, never the index: its passages are searchable and
    the log names it."""
    from citeqa.index import build

    def failing(article):
        if article.id == "harbour":
            raise IndexError("list index out of range")
        return extract(article)

    monkeypatch.setattr(build, "extract", failing)
    config = Config(corpus=corpus, index=tmp_path / "index")
    with caplog.at_level("WARNING", logger="citeqa.index.build"):
        engine, _ = Engine.open(config, embedder=FakeEmbedder())
    data = engine._state.data
    assert not any(q.article_id == "harbour" for q in data.quotations)
    assert any(q.speaker == "Shaun Sawyer" for q in data.quotations)
    assert any(p.article_id == "harbour" for p in data.passages)
    assert "harbour" in caplog.text and "IndexError" in caplog.text
