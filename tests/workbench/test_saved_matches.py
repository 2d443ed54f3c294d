"""Saved conversations keep what each source matches of its question, and its standfirst; rows saved
before either existed still load (no model needed)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from citeqa.records import ANSWERED, STANDFIRST, Answer, Article, Citation
from citeqa.workbench.saved import schema

ARTICLE = Article(
    id="report",
    path="report.txt",
    title="Watchdogs' report",
    paragraphs=("Police failed victims in 2020.",),
    sha256="e" * 64,
    date=dt.date(2021, 5, 26),
    standfirst="Report by HMICFRS and the IOPC",
)
ARTICLES = {schema.article_key(ARTICLE): ARTICLE}


def test_matched_and_unmatched_parts_are_saved_and_loaded():
    cited = Citation(1, ARTICLE, 1, ARTICLE.paragraphs[0], "Police failed victims in 2020.", 0, 0.5, ("2020",), ("UK",))
    answer = Answer("Did police fail UK victims in 2020?", ANSWERED, cited.quote, (cited,), quoted=(1,))
    saved = json.loads(json.dumps(schema.answer_json(answer)))
    assert saved["citations"][0]["matched"] == ["2020"] and saved["citations"][0]["unmatched"] == ["UK"]
    assert schema.answer(saved, ARTICLES) == answer


def test_a_standfirst_is_saved_and_loaded_as_quoted():
    cited = Citation(1, ARTICLE, STANDFIRST, ARTICLE.standfirst, "Report by HMICFRS", 0, 0.5)
    loaded = schema.citation(json.loads(json.dumps(schema.citation_json(cited))), ARTICLES)
    assert loaded == cited and loaded.locator == "standfirst"


def test_a_row_saved_before_sources_said_what_they_match_loads_with_nothing_said():
    old = {
        "article": schema.article_key(ARTICLE),
        "n": 1,
        "paragraph": 1,
        "text": ARTICLE.paragraphs[0],
        "quote": "Police failed victims",
        "quote_start": 0,
        "score": 0.5,
    }
    loaded = schema.citation(old, ARTICLES)
    assert loaded.matched == () and loaded.unmatched == ()


@pytest.mark.parametrize("damaged", ["2020", [1, 2], None])
def test_a_damaged_list_is_an_unreadable_row(damaged):
    row = schema.citation_json(Citation(1, ARTICLE, 1, ARTICLE.paragraphs[0], "Police", 0, 0.5)) | {"matched": damaged}
    with pytest.raises(schema.UNREADABLE):
        schema.citation(row, ARTICLES)


def test_a_citation_of_a_standfirst_the_article_does_not_have_is_unreadable():
    bare = Article("report", "report.txt", "Watchdogs' report", ("Police failed victims in 2020.",), "e" * 64)
    row = schema.citation_json(Citation(1, ARTICLE, STANDFIRST, ARTICLE.standfirst, "Report", 0, 0.5))
    with pytest.raises(ValueError, match="not an exact quote"):
        schema.citation(row, {schema.article_key(ARTICLE): bare})
