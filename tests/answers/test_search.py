"""Fusion of dense and keyword scores, candidate selection for large indexes, and article filters,
on a hand-checkable corpus with the fast fake embedder."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import FakeEmbedder

from citeqa import Config, Engine
from citeqa.answers import search as search_module
from citeqa.answers.query import analyse
from citeqa.answers.search import Weights, search
from citeqa.index import memory

FERRY = """Ferry fares rise for islanders

Ferry fares to the island will rise by 12 percent in April, the operator announced.

Islanders said the rise would make it harder to reach the hospital on the mainland.

The operator blamed the price of fuel, which it said had doubled since 2021.
"""


@pytest.fixture
def engine(small_corpus, tmp_path) -> Engine:
    (small_corpus / "ferry.txt").write_text(FERRY, encoding="utf-8")
    engine, _ = Engine.open(Config(corpus=small_corpus, index=tmp_path / "index"), embedder=FakeEmbedder())
    return engine


def run(engine: Engine, question: str, weights: Weights | None = None, k: int = 7, articles=None):
    data = engine._state.data
    vector = engine.embedder.encode([question])[0]
    return search(data, vector, analyse(question), k=k, articles=articles, weights=weights or Weights())


def test_each_signal_alone_ranks_by_that_signal(engine):
    question = "Why did the operator raise ferry fares?"
    by_keywords = run(engine, question, Weights(passage=0, context=0, keywords=1, sentence=0, kind=0))
    assert [h.lexical for h in by_keywords] == sorted((h.lexical for h in by_keywords), reverse=True)
    assert 0 < by_keywords[0].lexical < 1
    by_dense = run(engine, question, Weights(passage=1, context=0, keywords=0, sentence=0, kind=0))
    assert [h.dense for h in by_dense] == sorted((h.dense for h in by_dense), reverse=True)


def test_fused_score_is_the_weighted_sum(engine):
    weights = Weights(passage=0.5, context=0.2, keywords=0.3, sentence=0.4, kind=0.0)
    for hit in run(engine, "fuel price doubled", weights):
        expected = 0.5 * hit.dense + 0.2 * hit.context + 0.3 * hit.lexical + 0.4 * hit.sentence_score
        assert hit.score == pytest.approx(expected, abs=1e-5)


def test_the_kind_of_answer_expected_lifts_a_passage_that_holds_it(engine):
    question = "How much will ferry fares rise by?"
    plain = run(engine, question, Weights(kind=0.0))
    lifted = run(engine, question, Weights(kind=0.5))
    with_figure = {h.passage.id: h.score for h in lifted}
    for hit in plain:
        bonus = 0.5 if any(c.isdigit() for c in hit.passage.text) else 0.0
        assert with_figure[hit.passage.id] == pytest.approx(hit.score + bonus, abs=1e-5)


def test_keywords_lift_an_exact_term_match(engine):
    hits = run(engine, "2021 fuel")
    assert hits[0].passage.id == "ferry#p3"
    assert hits[0].lexical == max(h.lexical for h in hits)


def test_a_weak_keyword_match_stays_weak():
    typical = 3.0
    assert search_module.keyword_scale(0.5, typical) == 3.5  # one common word: 0.5 / 3.5, not 1
    assert search_module.keyword_scale(9.0, typical) == 12.0  # a strong match: 0.75
    assert search_module.keyword_scale(40.0, typical) == 18.0  # capped at six typical terms


def test_question_without_known_words_scores_no_keywords(engine):
    hits = run(engine, "zebra quantum")
    assert all(h.lexical == 0 for h in hits)


def test_candidate_path_for_large_indexes_agrees_with_exact(engine, monkeypatch):
    question = "mayor vote cruise ships residents"
    exact = [h.passage.id for h in run(engine, question, k=3)]
    monkeypatch.setattr(memory, "EXACT_LIMIT", 2)
    approximate = [h.passage.id for h in run(engine, question, k=3, weights=Weights(candidates=3))]
    assert approximate == exact


def test_filter_keeps_to_the_chosen_articles_on_both_paths(engine, monkeypatch):
    for limit in (memory.EXACT_LIMIT, 2):
        monkeypatch.setattr(memory, "EXACT_LIMIT", limit)
        hits = run(engine, "mayor vote cruise ships", k=7, articles=frozenset({"ferry"}), weights=Weights(candidates=2))
        assert hits and {h.passage.article_id for h in hits} == {"ferry"}


def test_k_caps_the_results(engine):
    assert len(run(engine, "ferry", k=2)) == 2


def test_every_hit_scores_exactly_its_own_sentences_on_every_path(engine, monkeypatch):
    data = engine._state.data
    question = "mayor vote cruise ships ferry"
    vector = engine.embedder.encode([question])[0]
    sentences = data.searcher.vectors("sentence")
    row_of = {p.id: row for row, p in enumerate(data.passages)}
    some = frozenset({"ferry"})
    for limit, articles in ((memory.EXACT_LIMIT, None), (memory.EXACT_LIMIT, some), (2, None)):
        monkeypatch.setattr(memory, "EXACT_LIMIT", limit)
        hits = run(engine, question, k=len(data.passages), articles=articles, weights=Weights(candidates=3))
        assert hits
        for hit in hits:
            row = row_of[hit.passage.id]
            expected = sentences[data.sentence_start[row] : data.sentence_start[row + 1]] @ vector
            assert len(hit.sentence_scores) == len(hit.passage.sentences)
            assert np.allclose(hit.sentence_scores, expected)
