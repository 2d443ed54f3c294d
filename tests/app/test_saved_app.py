"""The app on a damaged conversations file (AppTest, the real engine): never a traceback; the work stays
on the page, with a warning that says what happened, what was kept and where the damaged copy is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, FakeEmbedder, app_environment, citeqa_environment, run_app
from saved_damage import aside_copies, damage_page_holding, fill
from streamlit.testing.v1 import AppTest

from citeqa import Config, Engine
from citeqa.workbench.saved.store import ConversationStore

pytestmark = pytest.mark.slow


@pytest.fixture
def conversations(tmp_path) -> Path:
    """The app's own corpus and index, and the conversations file it is given (returned)."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    with app_environment(tmp_path / "corpus", tmp_path / "index"):
        yield Path(citeqa_environment(tmp_path / "corpus", tmp_path / "index")["CITEQA_CONVERSATIONS"])


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def warnings(at: AppTest) -> str:
    """The page's warnings as they read (Markdown escapes taken out)."""
    return "\n".join(w.value for w in at.warning).replace("\\", "")


def test_a_damaged_file_at_start_is_said_once_and_questions_are_saved_in_a_fresh_one(conversations, tmp_path):
    engine, _ = Engine.open(Config(corpus=CORPUS, index=tmp_path / "fake-index"), embedder=FakeEmbedder())
    answers = [
        engine.ask(q)
        for q in ("Who submitted the super-complaint?", "What did Shaun Sawyer say?", "What happened in 2020?")
    ]
    fill(ConversationStore(conversations), answers, 4, "four")
    damage_page_holding(conversations, '{"question": "Question 1 of four"')

    at = run_app()
    (aside,) = aside_copies(conversations.parent)
    said = warnings(at)
    assert f"{conversations} could not be read (" in said and f"moved to {aside}, unchanged" in said
    assert "4 of 4 conversations kept (1 of them in part)" in said
    ask(at, "Who submitted the super-complaint?")
    bench = at.session_state["workbench"]
    assert bench.problem is None and "Who submitted" in bench.messages[0].question
    assert ConversationStore(conversations).load(bench.conversation).turns == tuple(bench.messages)
    assert not at.warning  # said once in a session


def test_a_file_damaged_while_the_app_runs_keeps_the_work_on_the_page_and_saved(conversations):
    at = run_app()
    ask(at, "Who submitted the super-complaint?")
    ask(at, "What did Shaun Sawyer say?")
    bench = at.session_state["workbench"]
    page = damage_page_holding(conversations, '{"question": "What did Shaun Sawyer say?"')
    both = b'{"question": "Who submitted the super-complaint?"' in page  # then none of it can be read

    ask(at, "How many police forces did the fieldwork cover?")  # saving it meets the damaged page
    assert [a.question for a in bench.messages][-1] == "How many police forces did the fieldwork cover?"
    assert len(bench.messages) == 3 and bench.problem is None
    (aside,) = aside_copies(conversations.parent)
    said = warnings(at)
    assert "could not be read (database disk image is malformed)" in said
    kept = "0 of 1 conversations kept; 1 could not be read" if both else "1 of 1 conversations kept (1 of them in part)"
    assert f"moved to {aside}, unchanged" in said and kept in said
    # What the page showed was saved again: the question lost with the damaged page too.
    saved = ConversationStore(conversations).load(bench.conversation)
    assert saved.turns == tuple(bench.messages) and not saved.unreadable
    again = run_app(c=bench.conversation)  # a reload, or a new tab
    assert again.session_state["workbench"].messages == bench.messages


def test_a_conversation_on_a_damaged_page_says_it_could_not_be_read_and_the_rest_open(conversations):
    at = run_app()
    for question in ("Who submitted the super-complaint?", "What did Shaun Sawyer say?", "What did Wendy say?"):
        ask(at, question)
        at.button(key="new").click().run()
    bench = at.session_state["workbench"]
    store = ConversationStore(conversations)
    ids = {s.title: s.id for s in store.recent(bench.owner)}
    page = damage_page_holding(conversations, '{"question": "What did Shaun Sawyer say?"')
    hit = {title for title in ids if f'{{"question": "{title}"'.encode() in page}

    at.button(key=f"conversation-{ids['What did Shaun Sawyer say?']}").click().run()
    assert not at.exception, at.exception
    said = warnings(at)
    (aside,) = aside_copies(conversations.parent)
    assert "This conversation could not be read: None of its questions could be read." in said
    assert f"The damaged file is kept at {aside}." in said and bench.messages == []
    for title, conversation_id in ids.items():  # the others open; those on the page are listed as unreadable
        button = at.button(key=f"conversation-{conversation_id}")
        assert ("could not all be read" in button.label) == (title in hit) and button.disabled == (title in hit)
        if title not in hit:
            button.click().run()
            assert [a.question for a in bench.messages] == [title] and not at.exception


def test_a_question_in_a_conversation_deleted_in_another_tab_stays_on_the_page_and_says_why(conversations):
    at = run_app()
    ask(at, "Who submitted the super-complaint?")
    bench = at.session_state["workbench"]
    ConversationStore(conversations).delete(bench.conversation, bench.owner)  # what the other tab does

    ask(at, "What did Shaun Sawyer say?")
    assert [a.question for a in bench.messages] == ["Who submitted the super-complaint?", "What did Shaun Sawyer say?"]
    said = warnings(at)
    assert f"Not saved: conversation '{bench.conversation}' was deleted (perhaps in another tab or window)" in said
    assert "stays here until you leave it" in said
    assert ConversationStore(conversations).load(bench.conversation) is None  # not brought back
