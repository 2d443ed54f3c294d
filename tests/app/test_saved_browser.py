"""A damaged conversations file in a real browser (`streamlit run`, Playwright, Debian's Chromium): the
page opens with a warning that says what happened, and questions are answered and saved."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser import launch_chromium, streamlit_server
from conftest import CORPUS, FakeEmbedder, citeqa_environment
from playwright.sync_api import expect, sync_playwright
from saved_damage import aside_copies, damage_page_holding, fill
from test_browser import ask, wait_idle

from citeqa import Config, Engine
from citeqa.workbench.saved.store import ConversationStore

pytestmark = pytest.mark.slow


def test_a_damaged_conversations_file_at_start_gives_a_warning_and_a_working_page(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    conversations = Path(citeqa_environment(tmp_path / "corpus", tmp_path / "index")["CITEQA_CONVERSATIONS"])
    engine, _ = Engine.open(Config(corpus=CORPUS, index=tmp_path / "fake-index"), embedder=FakeEmbedder())
    questions = ("Who submitted the super-complaint?", "What did Shaun Sawyer say?", "What happened in 2020?")
    fill(ConversationStore(conversations), [engine.ask(q) for q in questions], 6, "six")
    damage_page_holding(conversations, '{"question": "Question 2 of six"')

    with sync_playwright() as playwright, streamlit_server(tmp_path / "corpus", tmp_path / "index") as running:
        try:
            chromium = launch_chromium(playwright)
        except RuntimeError as exc:
            pytest.fail(str(exc))
        page = chromium.new_page(viewport={"width": 1280, "height": 1100})
        page.goto(running.url)
        wait_idle(page)
        (aside,) = aside_copies(conversations.parent)
        warning = page.get_by_test_id("stAlert").filter(has_text="could not be read")
        expect(warning).to_contain_text(f"{conversations} could not be read")
        expect(warning).to_contain_text(f"moved to {aside}, unchanged")
        expect(warning).to_contain_text(re.compile(r"[1-6] of 6 conversations kept"))  # all but those on the page
        ask(page, "Who submitted the super-complaint that prompted the investigation?")
        expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("Hestia")
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_text("Not saved")).to_have_count(0)
        address = page.url
        assert "c=" in address
        chromium.close()
    saved = ConversationStore(conversations).load(address.split("c=")[1].split("&")[0])
    assert [a.question for a in saved.turns] == ["Who submitted the super-complaint that prompted the investigation?"]
