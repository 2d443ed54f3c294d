"""What each source matches of the question, in a real browser: the line under each source with the
part not found marked, the matched words in bold in the paragraph, the note above an answer that leaves
a part unmatched, and a standfirst cited and opened in the reader. `streamlit run` on a free localhost
port, Debian's Chromium under Playwright; these tests fail, never skip, when they cannot run."""

from __future__ import annotations

import shutil

import pytest
from browser import streamlit_server
from conftest import CORPUS, ROOT
from PIL import Image, ImageStat

SHOTS = ROOT / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("evidence")
    shutil.copytree(CORPUS, root / "corpus")
    with streamlit_server(root / "corpus", root / "index", log=root / "streamlit.log") as running:
        yield running.url


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    page = context.new_page()
    page.goto(server)
    wait_idle(page)
    yield page
    context.close()


def wait_idle(page, timeout: float = 120_000) -> None:
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_timeout(300)


def ask(page, question: str):
    messages = page.get_by_test_id("stChatMessage")
    before = messages.count()
    page.get_by_role("textbox", name="Ask a question about the articles").fill(question)
    page.keyboard.press("Enter")
    messages.nth(before + 1).wait_for(timeout=60_000)
    wait_idle(page)
    return messages.nth(before + 1)


def shot(locator, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    locator.screenshot(path=str(path))
    with Image.open(path) as image:
        assert image.size[0] >= 400 and image.size[1] >= 100
        assert ImageStat.Stat(image.convert("L")).stddev[0] > 10, "the screenshot is blank"


def test_a_source_line_marks_the_part_not_found_and_the_answer_says_so_above_it(page):
    answer = ask(page, "What did Wendy Williams say about the crucial role of police in 2017?")
    warning = answer.get_by_test_id("stAlertContentWarning")
    assert warning.count() == 1
    assert "The sources do not mention “2017”. Their article is undated" in warning.inner_text()
    box = answer.locator(".st-key-source-t0-1")
    text = box.inner_text()
    assert "matches: Wendy Williams · someone's words — not found: 2017" in text
    # The part not found is set apart in red, the matched words in bold in the paragraph.
    missing = box.get_by_text("not found: 2017")
    colour = missing.evaluate("e => getComputedStyle(e.closest('span') || e).color")
    red, green, _ = (int(v) for v in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    assert red > 150 and green < 120, colour
    bold = box.locator("strong").all_inner_texts()
    assert "Wendy" in bold and "Williams" in bold
    # Above the answer's text: the note comes first in the message.
    body = answer.inner_text()
    assert body.index("The sources do not mention") < body.index("HM Inspector of Constabulary Wendy Williams")
    shot(box, "source-unmatched")


def test_closest_passages_say_what_they_lack(page):
    answer = ask(page, "How many people were convicted of modern slavery offences in 2020?")
    assert "not found: 2020" in answer.locator(".st-key-source-t0c-1").inner_text()


def test_a_standfirst_is_cited_by_name_and_opens_boxed_in_the_reader(page):
    answer = ask(page, "Which bodies published the 2021 report?")
    box = answer.locator(".st-key-source-t0-1")
    assert "standfirst" in box.inner_text() and "Report by HMICFRS" in box.inner_text()
    assert "paragraph 0" not in box.inner_text()
    box.get_by_role("button", name="Open in reader").click()
    wait_idle(page)
    framed = page.locator(".st-key-para-standfirst")
    framed.wait_for(timeout=30_000)
    assert "Standfirst" in framed.inner_text() and "Report by HMICFRS" in framed.inner_text()
    assert "standfirst" in page.url
