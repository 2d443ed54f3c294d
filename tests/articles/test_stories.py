"""One story filed twice is quoted once: the answer names the copy ("also in"), both stay citable, and
sections and "also in" reach the JSON and saved conversations."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from stories import COPY, FOLLOW_UP, STORY

from citeqa import Config, Engine
from citeqa.answers.ask import answer as answer_question
from citeqa.articles.duplicates import same_passage
from citeqa.cli import citation_json
from citeqa.workbench.saved import schema
from citeqa.workbench.saved.store import ConversationStore


def write(path, title: str, paragraphs, front: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front + title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def harbour(tmp_path_factory, model):
    """The story at the top of the corpus, its edited copy in a sub-folder, and a follow-up with a section."""
    corpus = tmp_path_factory.mktemp("harbour") / "corpus"
    write(corpus / "harbour.txt", "Harbour bans cruise ships", STORY)
    write(corpus / "local" / "old-port.txt", "Old port closes to cruise ships", COPY)
    write(corpus / "court.txt", "Cruise ships shown the door", FOLLOW_UP, front="---\nsection: Courts\n---\n")
    engine, _ = Engine.open(Config(corpus=corpus, index=corpus.parent / "index"), embedder=model)
    return engine


QUESTION = "What did the mayor Luis Ortega say about the vote?"


def test_the_story_is_quoted_once_and_names_its_copy(harbour):
    answer = harbour.ask(QUESTION)
    assert answer.found, answer
    cited = answer.citations
    pairs = [(a, b) for i, a in enumerate(cited) for b in cited[i + 1 :]]
    assert not [(a.n, b.n) for a, b in pairs if same_passage(a.text, b.text) or same_passage(b.text, a.text)]
    assert len({c.quote for c in cited}) == len(cited)
    mayor = next(c for c in cited if "Luis Ortega" in c.text)
    other = {"harbour": "Old port closes to cruise ships", "local-old-port": "Harbour bans cruise ships"}
    assert mayor.also_in == (other[mayor.article.id],)
    # A comment only the copy has, or a paragraph of another story, names no copy.
    assert all(c.also_in == () for c in cited if c.article.id == "court")


def test_without_the_near_duplicates_the_same_sentence_would_be_quoted_twice(harbour):
    """What the merging prevents, on the same index: the copy's paragraph is found beside the original's."""
    state = harbour._state
    question, _ = harbour._check_question(QUESTION)
    plain = answer_question(
        question, data=state.data, evidence=state.evidence, embedder=harbour.embedder, k=5, allowed=None, searched=None
    )
    texts = [c.text for c in plain.citations + plain.closest]
    assert any(same_passage(a, b) for i, a in enumerate(texts) for b in texts[i + 1 :])


def test_both_copies_stay_citable(harbour):
    only_copy = harbour.ask(QUESTION, articles=["local-old-port"])
    assert only_copy.found and {c.article.id for c in only_copy.citations} == {"local-old-port"}
    assert only_copy.citations[0].also_in == ("Harbour bans cruise ships",)
    assert harbour.article("local-old-port").section == "local"  # its folder
    assert harbour.article("court").section == "Courts"  # its front matter
    found = harbour.catalog.duplicates
    assert found.original("local-old-port") == "harbour" and found.original("harbour") is None


def test_sections_and_also_in_reach_the_json_and_saved_conversations(harbour, tmp_path):
    answer = harbour.ask(QUESTION)
    mayor = next(c for c in answer.citations if "Luis Ortega" in c.text)
    shown = citation_json(mayor, harbour.config, "plain")
    assert shown["also_in"] == list(mayor.also_in) and shown["article"]["section"] == mayor.article.section
    json.dumps(shown)
    court = harbour.ask("Who took the council to court?", articles=["court"])
    assert citation_json(court.citations[0], harbour.config, "plain")["article"]["section"] == "Courts"
    store = ConversationStore(tmp_path / "saved.sqlite3")
    conversation = store.start("owner-" + "a" * 20, answer)
    store.add_turn(conversation, "owner-" + "a" * 20, court)
    saved = ConversationStore(tmp_path / "saved.sqlite3").load(conversation)
    assert saved.turns == (answer, court)  # also_in and sections as they were


def test_a_citation_saved_before_also_in_existed_still_loads(harbour):
    answer = harbour.ask(QUESTION)
    mayor = next(c for c in answer.citations if c.also_in)
    articles = {schema.article_key(mayor.article): mayor.article}
    row = schema.citation_json(mayor)
    assert row["also_in"] == list(mayor.also_in)
    assert schema.citation(row, articles) == mayor
    older = {k: v for k, v in row.items() if k != "also_in"}
    assert schema.citation(older, articles) == replace(mayor, also_in=())
    saved_article = schema.article_json(mayor.article)
    del saved_article["section"]  # an article saved before sections
    assert schema.article(saved_article) == replace(mayor.article, section=None)
