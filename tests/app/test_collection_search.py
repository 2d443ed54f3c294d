"""The collection panel on an archive in sub-folders: found by words of the text with a snippet, by
section, sorted; near-duplicates marked; a source card that names its section and the copies."""

from __future__ import annotations

import pytest
from conftest import app_environment, run_app
from stories import COPY, FOLLOW_UP, STORY
from streamlit.testing.v1 import AppTest

from citeqa.citations import render


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    corpus = root / "corpus"
    stories = [
        ("business/harbour.txt", "date: 2025-03-04\n", "Harbour bans cruise ships", STORY),
        ("business/court.txt", "date: 2025-03-07\n", "Cruise ships shown the door", FOLLOW_UP),
        ("local/old-port.txt", "date: 2025-03-05\n", "Old port closes to cruise ships", COPY),
        (
            "sport/regatta.txt",
            "",
            "Regatta [cancelled] *again*",
            ["The regatta was cancelled by wind: $5 *lost* [see]."],
        ),
    ]
    for path, front, title, paragraphs in stories:
        (corpus / path).parent.mkdir(parents=True, exist_ok=True)
        text = (f"---\n{front}---\n" if front else "") + title + "\n\n" + "\n\n".join(paragraphs) + "\n"
        (corpus / path).write_text(text, encoding="utf-8")
    with app_environment(corpus, root / "index"):
        yield root


@pytest.fixture
def at(archive) -> AppTest:
    return run_app()


def rows(at: AppTest) -> list[str]:
    return [b.key.removeprefix("read-article-") for b in at.sidebar.button if (b.key or "").startswith("read-article-")]


def shown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.sidebar.markdown)


def test_found_by_words_of_the_text_with_the_words_in_bold(at):
    at.text_input(key="find-words").input("docked engines").run()
    assert sorted(rows(at)) == ["business-harbour", "local-old-port"]
    assert "the **engines** of **docked** ships kept running" in shown(at)
    at.text_input(key="find-words").input("wind").run()
    assert rows(at) == ["sport-regatta"]
    # Untrusted text in a snippet is escaped: no HTML, no emphasis of its own.
    assert r"cancelled by **wind**\: \$5 \*lost\* \[see\]\." in shown(at)
    assert r"Regatta \[cancelled\] \*again\*" in shown(at)


def test_sections_and_sorts(at):
    at.multiselect(key="find-sections").set_value(["business"]).run()
    assert rows(at) == ["business-court", "business-harbour"]
    at.selectbox(key="find-sort").set_value("newest").run()
    assert rows(at) == ["business-court", "business-harbour"]
    at.selectbox(key="find-sort").set_value("oldest").run()
    assert rows(at) == ["business-harbour", "business-court"]
    at.multiselect(key="find-sections").set_value([]).run()
    at.selectbox(key="find-sort").set_value("headline").run()
    assert rows(at) == ["business-court", "business-harbour", "local-old-port", "sport-regatta"]
    assert at.multiselect(key="find-sections").options == ["business", "local", "sport"]


def test_near_duplicates_are_marked_and_sub_folder_articles_are_not_edited_here(at):
    text = shown(at)
    copy = ":orange[Near-duplicate:] :gray[the same story as “Old port closes to cruise ships” (local\\-old\\-port)]"
    assert copy in text and "the same story as “Harbour bans cruise ships” (business\\-harbour)" in text
    assert not any((b.key or "").startswith("manage-") for b in at.sidebar.button)


def test_the_source_card_names_its_section_and_the_copy(at):
    at.chat_input[0].set_value("What did the mayor Luis Ortega say about the vote?").run()
    assert not at.exception, at.exception
    answer = at.session_state["workbench"].messages[-1]
    mayor = next(c for c in answer.citations if "Luis Ortega" in c.text)
    assert mayor.also_in
    cards = "\n".join(m.value for m in at.main.markdown)
    line = f":gray[Section: {render.escape(mayor.article.section)} · Also in: “{render.escape(mayor.also_in[0])}”]"
    assert line in cards
    assert sum(1 for c in answer.citations if "Luis Ortega" in c.text) == 1
