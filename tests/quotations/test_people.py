"""Questions asked by person, the people quoted and copies that name the speaker: on a small inline
collection whose right answers can be checked by hand, with the fake embedder (the real model's paths
are tested in tests/app and tests/quotations/test_people_cli.py)."""

from __future__ import annotations

import pytest
from conftest import FakeEmbedder

from citeqa import Config, Engine, cite, format_answer
from citeqa.answers.directory import name_words
from citeqa.answers.people import read
from citeqa.citations import render
from citeqa.records import ANSWERED, NOT_FOUND, Pin
from citeqa.workbench.saved import schema

HARBOUR = """Harbour council bans cruise ships from the old port

Ana Ruiz
Harbour Times
Tuesday 4 March 2025

The harbour council voted on Monday to ban cruise ships from the old port from next summer.

"We have listened to residents for years," said the council leader, Jane Smith. "The fumes and the crowds are \
too much for a small town."

"From next spring, no ship longer than 100 metres will dock at the old port."

Luis Ortega, who runs the ferry company, was at the meeting but left before the vote.

Analysts said the ban would cost the town about 2 million euros a year in lost sales.
"""

FERRY = """Ferry fares rise for islanders

The operator raised ferry fares to the island by 12 percent in April.

Jane Smith said the rise would hurt islanders who travel to the hospital on the mainland.

Analysts said fuel prices had doubled since 2021.
"""


@pytest.fixture
def engine(tmp_path) -> Engine:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (corpus / "ferry.txt").write_text(FERRY, encoding="utf-8")
    opened, _ = Engine.open(Config(corpus=corpus, index=tmp_path / "index"), embedder=FakeEmbedder())
    return opened


def exact(citation) -> bool:
    return citation.text[citation.quote_start : citation.quote_end] == citation.quote


@pytest.mark.parametrize(
    ("question", "kind", "who", "topic"),
    [
        ("What did Jane Smith say?", "said", "Jane Smith", ""),
        ("What did the Home Office say about the report?", "said", "the Home Office", "the report"),
        ("What has Smith said on fares?", "said", "Smith", "fares"),
        ("What did Wendy Williams warn would keep happening to victims?", "said", "Wendy Williams",
         "would keep happening to victims"),
        ("Who said the rise would hurt islanders?", "who", "", "the rise would hurt islanders"),
        ("How many ships docked?", None, None, None),
        ("What did it say?", None, None, None),
    ],
)  # fmt: skip
def test_a_question_asked_by_person_is_read_with_its_person_and_topic(question, kind, who, topic):
    asked = read(question)
    if kind is None:
        assert asked is None
    else:
        assert (asked.kind, asked.who, asked.topic) == (kind, who, topic)


def test_what_a_person_said_is_their_quotations_in_reading_order_each_attributed(engine):
    answer = engine.ask("What did Jane Smith say?")
    assert answer.outcome == ANSWERED
    # The articles in the collection's order (by file name), each in reading order; the answer quotes each
    # paragraph once (its longest quotation), the others are listed with it.
    assert [c.quote for c in answer.used] == [
        "the rise would hurt islanders who travel to the hospital on the mainland",
        "The fumes and the crowds are too much for a small town.",
        "From next spring, no ship longer than 100 metres will dock at the old port.",  # a paragraph of quotation
    ]
    assert [c.quote for c in answer.citations if c not in answer.used] == ["We have listened to residents for years,"]
    assert all(exact(c) and c.speaker == "Jane Smith" for c in answer.citations)
    assert [c.role for c in answer.used] == [None, "the council leader", "the council leader"]  # as each article has it
    assert answer.answer.startswith("Jane Smith said that “the rise would hurt islanders")  # reported speech
    assert "Jane Smith said: “The fumes and the crowds are too much for a small town.” [2]" in answer.answer


def test_a_topic_puts_the_closest_quotation_first(engine):
    answer = engine.ask("What did Jane Smith say about the hospital on the mainland?")
    assert answer.outcome == ANSWERED
    assert answer.used[0].quote.startswith("the rise would hurt islanders")
    assert answer.used[0].article.id == "ferry" and answer.used[0].paragraph == 2


def test_a_name_the_articles_mention_but_never_quote_is_not_in_them_and_says_why(engine):
    answer = engine.ask("What did Luis Ortega say about the vote?")
    assert answer.outcome == NOT_FOUND and not answer.citations
    assert answer.reason == "the articles never quote Luis Ortega"
    assert any("Luis Ortega" in c.text for c in answer.closest)  # where the articles name him, apart
    # A name the articles never even mention is left to the ordinary path, which says so.
    assert "never quote" not in engine.ask("What did the Prime Minister say?").reason
    searched = engine.ask("What did Jane Smith say?", articles=["harbour"])
    assert {c.article.id for c in searched.citations} == {"harbour"}
    elsewhere = engine.ask("What did Jane Smith say about fares?", articles=["harbour"])
    assert elsewhere.outcome != ANSWERED or all(c.article.id == "harbour" for c in elsewhere.citations)


def test_a_description_no_speaker_answers_to_is_left_to_the_ordinary_path(engine):
    answer = engine.ask("What did the ferry boss say about the vote?")
    assert "never quote" not in answer.reason


def test_an_ordinary_answer_names_the_speaker_of_a_quote_that_is_a_quotation(engine):
    answer = engine.ask("Will ships longer than 100 metres dock from next spring?")
    quoted = next(c for c in answer.citations if c.paragraph == 3 and c.article.id == "harbour")
    assert (quoted.speaker, quoted.role) == ("Jane Smith", "the council leader")
    narration = [c for c in answer.citations + answer.closest if c.paragraph in (1, 4)]
    assert all(c.speaker is None for c in narration)


def test_copies_name_the_speaker_their_role_and_the_verb_in_every_style(engine):
    answer = engine.ask("What did Jane Smith say?")
    first = answer.used[1]
    assert cite(first, "plain").startswith(
        "Jane Smith, the council leader, said: “The fumes and the crowds are too much for a small town.” — “Harbour"
    )
    assert cite(first, "markdown").startswith("Jane Smith, the council leader, said: “The fumes")
    assert "town” (as cited in Ruiz, 2025, para. 2).\nRuiz, A. (2025, March 4)." in cite(first, "apa")
    assert cite(first, "apa").startswith("Jane Smith, the council leader, said: “The fumes")
    assert "” (qtd. in Ruiz).\nRuiz, Ana." in cite(first, "mla")
    reported = answer.used[0]
    assert cite(reported, "plain").startswith("Jane Smith said that “the rise would hurt islanders")
    assert format_answer(answer).startswith("Jane Smith said that “the rise would hurt islanders")
    assert "[1] Jane Smith said: “The fumes and the crowds are too much for a small town.” [2]" in format_answer(answer)
    assert "Jane Smith said\\: “The fumes" in render.answer_markdown(answer, None)


def test_a_saved_citation_keeps_its_speaker_and_one_saved_before_speakers_loads_without(engine):
    citation = engine.ask("What did Jane Smith say?").used[1]
    articles = {schema.article_key(citation.article): citation.article}
    saved = schema.citation_json(citation)
    assert schema.citation(saved, articles) == citation
    older = {k: v for k, v in saved.items() if k not in ("speaker", "role", "said")}
    loaded = schema.citation(older, articles)
    assert loaded.speaker is None and loaded.quote == citation.quote
    assert Pin(loaded).key == Pin(citation).key


def test_the_people_quoted_are_counted_per_article_chosen_and_found_by_name_or_role(engine):
    people = engine.people()
    assert [(p.name, p.role, p.count, p.articles) for p in people] == [("Jane Smith", "the council leader", 4, 2)]
    # "Analysts" in two articles are not one speaker, and a common phrase is not listed.
    assert [p.count for p in engine.people(articles=["ferry"])] == [1]
    assert engine.people(words="council leader")[0].name == "Jane Smith"
    assert engine.people(words="ortega") == []
    everything = engine.quotations()
    assert {c.speaker for c in everything} == {"Jane Smith", "Analysts"}
    assert all(exact(c) for c in everything)
    assert [c.article.id for c in engine.quotations(speaker="Smith", articles=["ferry"])] == ["ferry"]
    assert name_words("Mr Tony Blair’s") == ["tony", "blair"]


def test_the_directory_of_a_build_is_made_once_however_many_threads_ask_at_once(engine, monkeypatch):
    import threading

    from citeqa.answers import directory as people_directory

    data = engine._state.data  # the build in use
    made, real = [], people_directory.Directory

    def slow(build):
        made.append(build)
        threading.Event().wait(0.2)  # long enough for every thread to ask while it is made
        return real(build)

    monkeypatch.setattr(people_directory, "_cache", {})
    monkeypatch.setattr(people_directory, "Directory", slow)
    found = []
    threads = [threading.Thread(target=lambda: found.append(people_directory.directory(data))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(made) == 1 and len(found) == 4 and all(d is found[0] for d in found)
