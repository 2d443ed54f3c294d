"""Which passages' sentences make up an answer, and when nothing answers (no model needed)."""

from __future__ import annotations

from citeqa import Passage
from citeqa.answer import Policy, _answer_citations, answers
from citeqa.records import Hit


def hit(article: str, score: float, sentence: float = 0.5) -> Hit:
    passage = Passage(id=f"{article}#p1", article_id=article, number=1, text="A sentence.", sentences=((0, 11),))
    return Hit(passage=passage, score=score, dense=score, lexical=0.0, sentence_scores=(sentence,))


def test_close_seconds_join_and_another_article_is_cited_within_the_limit():
    hits = [hit("a", 1.0), hit("a", 0.95), hit("a", 0.93), hit("a", 0.92), hit("b", 0.85), hit("b", 0.84)]
    assert _answer_citations(hits, Policy()) == [0, 1, 4]  # the best, b's best, then the closest second


def test_a_distant_second_stays_out():
    assert _answer_citations([hit("a", 1.0), hit("a", 0.7), hit("b", 0.6)], Policy()) == [0]


def test_refusal_thresholds():
    assert not answers(hit("a", 0.1, sentence=0.1), covered=1.0)  # nothing close
    assert answers(hit("a", 0.3, sentence=0.3), covered=1.0)
    assert not answers(hit("a", 0.3, sentence=0.3), covered=0.0)  # the question's words are not there
    assert answers(hit("a", 0.5, sentence=0.5), covered=0.0)  # unless a sentence is very close
    assert not answers(hit("a", 0.3, sentence=0.3), covered=1.0, missing=("Scotland",))
    assert answers(hit("a", 0.4, sentence=0.4), covered=1.0, missing=("Scotland",))
