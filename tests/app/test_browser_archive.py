"""Part of the BBC collection, in its five section folders, in Chromium: a first build answered from
early, the collection found by a word of the text ("Greenspan"), by section and sorted, and one story
filed twice quoted once. Never skips: without Chromium or the BBC files it fails and says why."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from browser import choose_option, launch_chromium, streamlit_server
from conftest import ROOT
from playwright.sync_api import expect, sync_playwright
from test_browser import ask, check_screenshot, wait_idle

from citeqa.index.stores.folder.store import current_build

pytestmark = pytest.mark.slow  # a server, a browser and the real model

GREENSPAN = ["business/002.txt", "business/041.txt", "business/163.txt", "business/213.txt", "business/273.txt"]
GADGET = ["tech/009.txt", "tech/379.txt"]  # one story filed twice, edited
SECTIONS = ("business", "entertainment", "politics", "sport", "tech")


def bbc_source() -> Path:
    """The BBC collection: $CITEQA_BBC, else shared/bbc beside the checkout, else /work/shared/bbc."""
    for candidate in (os.environ.get("CITEQA_BBC"), ROOT.parent / "shared" / "bbc", "/work/shared/bbc"):
        if candidate and (Path(candidate) / "tech" / "009.txt").is_file():
            return Path(candidate)
    pytest.fail("the BBC collection was not found: set CITEQA_BBC to its folder (the one holding business/, tech/…)")


@pytest.fixture(scope="module")
def bbc_part(tmp_path_factory) -> Path:
    """The five articles that mention Greenspan, the gadget story and its copy, and six more of each section."""
    source = bbc_source()
    corpus = tmp_path_factory.mktemp("bbc") / "corpus"
    chosen = set(GREENSPAN + GADGET) | {f"{s}/{n:03d}.txt" for s in SECTIONS for n in range(1, 7)}
    for name in sorted(chosen):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, corpus / name)
    return corpus


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the select box or multiselect labelled ``label``, as a person does."""
    choose_option(page, sidebar(page).get_by_role("combobox", name=label), option)
    page.keyboard.press("Escape")
    wait_idle(page)


def test_the_archive_in_a_browser(bbc_part, tmp_path):
    articles = len(list(bbc_part.rglob("*.txt")))
    index = tmp_path / "index"
    with sync_playwright() as playwright, streamlit_server(bbc_part, index, log=tmp_path / "streamlit.log") as server:
        try:
            browser = launch_chromium(playwright)
        except RuntimeError as exc:
            pytest.fail(str(exc))
        # Tall, so that the screenshots show the collection's list in the sidebar too.
        page = browser.new_context(viewport={"width": 1280, "height": 2400}).new_page()
        page.goto(server.url)
        # A first build: the chat box comes as soon as the first articles are indexed.
        page.get_by_role("textbox", name="Ask a question about the articles").wait_for(timeout=300_000)
        deadline = time.monotonic() + 300
        while current_build(index) is None:
            assert time.monotonic() < deadline, "the first build was not saved in 5 minutes"
            time.sleep(1)
        page.reload()
        wait_idle(page)
        expect(page.get_by_text("can be searched so far")).to_have_count(0)

        page.get_by_text(f"Collection: {articles} articles").click()
        wait_idle(page)
        words = sidebar(page).get_by_role("textbox", name="Find articles")
        words.fill("Greenspan")
        words.press("Enter")
        wait_idle(page)
        expect(sidebar(page).get_by_text(f"5 of {articles} articles")).to_have_count(1)
        # Each found article shows where the word is, in bold, though only one headline names him.
        expect(sidebar(page).locator("strong", has_text="Greenspan")).to_have_count(6)  # 5 snippets, 1 headline
        check_screenshot(page, "archive-search-greenspan")

        words.fill("")
        words.press("Enter")
        wait_idle(page)
        choose(page, "Sections", "tech")
        expect(sidebar(page).get_by_text(f"8 of {articles} articles")).to_have_count(1)
        expect(sidebar(page).get_by_text("Near-duplicate:")).to_have_count(2)  # the gadget story and its copy
        choose(page, "Sort by", "Newest first")  # the BBC files are undated: the collection's order stays
        expect(sidebar(page).get_by_text(f"8 of {articles} articles")).to_have_count(1)
        choose(page, "Sort by", "Headline")
        shown = page.locator(".st-key-collection strong").all_inner_texts()
        assert len(shown) == 8 and shown == sorted(shown, key=str.casefold), shown
        check_screenshot(page, "archive-section-sorted")

        ask(page, "Which gadget did the magazine name the greatest of all time?")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        text = answer.inner_text()
        assert "Also in: “Apple laptop is 'greatest gadget'” (another copy)" in text, text
        # The answer's quotes, each before its marker: one story, so no sentence twice.
        quotes = [q.strip() for q in re.split(r"\[\d+\]", text.split("\n")[0]) if q.strip()]
        assert quotes and len(quotes) == len(set(quotes)), quotes
        check_screenshot(page, "archive-answer-also-in")
        browser.close()
