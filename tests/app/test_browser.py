"""The app in a real browser: `streamlit run` on a free localhost port, driven by Playwright with
Debian's Chromium. These tests never skip: without Chromium they fail and say how to install it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import choose_option, streamlit_server
from conftest import CORPUS, ROOT
from PIL import Image, ImageStat
from playwright.sync_api import expect

from citeqa import cite, format_answer
from citeqa.citations.cite import format_answer_html

SHOTS = ROOT / "test-output" / "screenshots"
# A phone's own browser (Playwright's default adds "CI/1" under CI, which no phone sends).
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
READ_HTML = """async () => {
  const items = await navigator.clipboard.read();
  return await (await items[0].getType("text/html")).text();
}"""
XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'
HOSTILE_ARTICLE = f"""Council meeting ends in row over pier

The council's leader said the pier would reopen in May, despite {XSS} complaints from residents.

Residents said the repairs had already cost more than 3 million pounds, according to
www.pier-fund.example and complaints@pier-fund.example.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `streamlit run app.py` on its own corpus copy and index."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(CORPUS, root / "corpus")
    with streamlit_server(root / "corpus", root / "index", log=root / "streamlit.log") as running:
        yield {"url": running.url, "root": root}


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 1100})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server["url"])
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server["url"])
    wait_idle(page)
    yield page
    context.close()


def wait_idle(page, timeout: float = 120_000) -> None:
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_timeout(300)


def ask(page, question: str) -> None:
    """Ask in the chat box and wait for the answer: two more chat messages, the script idle."""
    messages = page.get_by_test_id("stChatMessage")
    before = messages.count()
    page.get_by_role("textbox", name="Ask a question about the articles").fill(question)
    page.keyboard.press("Enter")
    messages.nth(before + 1).wait_for(timeout=60_000)
    wait_idle(page)


def upload(page, path: Path) -> None:
    """Choose ``path`` in the upload form, wait until its upload has finished (its chip offers
    "Remove", no longer "Cancel upload"), then submit the form, as a person would."""
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=f"Remove {path.name}").wait_for(timeout=30_000)
    page.get_by_role("button", name="Add to the collection").click()


def check_screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as image:
        assert image.size[0] >= 1280 and image.size[1] >= 1000
        spread = ImageStat.Stat(image.convert("L")).stddev[0]
        assert spread > 10, "the screenshot is blank"
    return path


def test_ask_and_see_the_cited_answer(page, engine):
    question = "Who submitted the super-complaint that prompted the investigation?"
    ask(page, question)
    expected = engine.ask(question)
    answer = page.get_by_test_id("stChatMessage").nth(1)
    assert "super-complaint submitted by charity Hestia" in answer.inner_text()
    marker = answer.get_by_role("link", name="[1]")
    assert marker.get_attribute("href") == "#t0-source-1"
    # Hovering over the marker previews the quote and its source (tests/test_browser_copy.py has more).
    marker.hover()
    expect(page.locator("#citeqa-preview")).to_contain_text(next(c for c in expected.used if c.n == 1).quote)
    assert page.locator("#t0-source-1").count() == 1
    first = expected.citations[0]
    assert f"paragraph {first.paragraph}" in answer.inner_text()
    check_screenshot(page, "answer")


def test_on_a_phone_the_chat_box_has_the_keyboard_and_a_new_answer_comes_into_view(browser, server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, user_agent=PHONE_USER_AGENT
    )
    phone = context.new_page()
    phone.goto(server["url"])
    wait_idle(phone)
    phone.wait_for_timeout(500)
    assert phone.evaluate("document.activeElement.dataset.testid") == "stChatInputTextArea"
    ask(phone, "What did Shaun Sawyer say?")
    ask(phone, "What did Wendy Williams say about the shortcomings?")
    answer = phone.get_by_test_id("stChatMessage").nth(3)
    # The answer's first line, not its sources, once the page has settled (within 3 s), and it stays.
    phone.wait_for_function(
        "e => { const y = e.getBoundingClientRect().top; return 0 <= y && y < 844 / 2; }",
        arg=answer.element_handle(),
        timeout=3_000,
    )
    # Streamlit keeps a chat page stuck to its bottom: the answer must not be pulled away from, back
    # and forth, for the next 3 s (sampled every 100 ms).
    tops = phone.evaluate(
        """async e => {
          const tops = [];
          for (let i = 0; i < 30; i++) {
            tops.push(e.getBoundingClientRect().top);
            await new Promise(r => setTimeout(r, 100));
          }
          return tops;
        }""",
        answer.element_handle(),
    )
    assert all(0 <= y < 844 / 2 for y in tops), tops
    check_screenshot_phone = SHOTS / "phone.png"
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(check_screenshot_phone))
    context.close()


def test_the_three_outcomes_look_different(page):
    ask(page, "How much funding does Hestia receive from the government?")
    closest = page.get_by_test_id("stChatMessage").nth(1)
    assert "Closest passages — they may not answer this." in closest.inner_text()
    assert "do not mention “Hestia”" in closest.inner_text()
    assert closest.get_by_test_id("stAlertContentWarning").count() == 1
    assert closest.get_by_role("link", name="[1]").count() == 0  # no answer with markers
    assert closest.get_by_role("button", name="Copy the whole answer with its sources").count() == 0
    assert closest.get_by_text("paragraph", exact=False).count() >= 3  # the passages, shown open
    check_screenshot(page, "closest")
    ask(page, "What is the capital of France?")
    missing = page.get_by_test_id("stChatMessage").nth(3)
    assert "Not in these articles. The articles never mention “France”." in missing.inner_text()
    assert missing.get_by_test_id("stAlertContentError").count() == 1
    assert missing.get_by_text("Nearest passages — they do not answer it").count() == 1
    ask(page, "Who submitted the super-complaint that prompted the investigation?")
    answered = page.get_by_test_id("stChatMessage").nth(5)
    check_screenshot(page, "outcomes")
    texts = [m.inner_text()[:60] for m in page.get_by_test_id("stChatMessage").all()]
    assert answered.get_by_test_id("stAlertContainer").count() == 0, texts
    assert answered.get_by_role("link", name="[1]").count() == 1
    assert answered.get_by_role("button", name="Copy the whole answer with its sources").count() == 1


def test_copy_puts_the_verbatim_quote_and_citation_on_the_clipboard(page, engine):
    question = "How much is the Government investing to help police tackle modern slavery?"
    ask(page, question)
    expected = engine.ask(question)
    page.get_by_role("button", name="Copy quote 1 with its citation").click()
    page.wait_for_timeout(300)
    copied = page.evaluate("navigator.clipboard.readText()")
    citation = expected.citations[0]
    assert copied == cite(citation, "plain")
    assert citation.quote in (CORPUS / citation.article.path).read_text(encoding="utf-8")
    assert "£8.5 million" in copied and "para. 20" in copied
    page.get_by_role("button", name="Copy the whole answer with its sources").click()
    page.wait_for_timeout(300)
    assert page.evaluate("navigator.clipboard.readText()") == format_answer(expected, "plain")
    # The same as HTML beside the plain text, so that the outlet's italics survive a paste.
    html = page.evaluate(READ_HTML)
    assert format_answer_html(expected, "plain") in html and "<i>The Independent</i>" in html
    assert page.get_by_role("status").filter(has_text="Copied to the clipboard").count() >= 1  # announced


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_quote_highlight_stands_out_from_the_page(page):
    ask(page, "How many police forces did the fieldwork cover?")
    highlight = page.locator(".stMarkdownColoredBackground").first
    colour = highlight.evaluate("e => getComputedStyle(e).backgroundColor")
    text = highlight.evaluate("e => getComputedStyle(e).color")
    background = page.locator(".stApp").evaluate("e => getComputedStyle(e).backgroundColor")
    assert contrast(colour, background) >= 3, (colour, background)
    assert contrast(colour, text) >= 4.5, (colour, text)


def test_the_reader_opens_in_place_at_the_paragraph_highlighted_and_comes_back(page):
    ask(page, "What types of premises were targeted by police?")
    page.get_by_role("button", name="Open in reader").first.click()
    wait_idle(page)
    reader = page
    assert len(page.context.pages) == 1  # the same tab and session, not a new one
    assert "article=police-failings-allow-trafficking-to-continue" in reader.url and "p=12" in reader.url
    target = reader.locator(".st-key-para-12")
    assert "Premises targeted as part of police activity include nail bars" in target.inner_text()
    highlighted = target.evaluate(
        """element => [...element.querySelectorAll('span')].filter(span =>
               getComputedStyle(span).backgroundColor !== 'rgba(0, 0, 0, 0)').map(span => span.innerText)"""
    )
    assert any(text.startswith("Premises targeted") for text in highlighted)
    expect(target).to_be_in_viewport()  # the page scrolled to it
    assert reader.get_by_text("¶ 20", exact=False).count() >= 1  # the whole article is there
    check_screenshot(reader, "reader")
    page.get_by_role("button", name="Back to the conversation").click()
    wait_idle(page)
    assert "article=" not in page.url and "c=" in page.url
    expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("nail bars")  # the answer is still there
    expect(page.get_by_role("button", name="Open in reader").first).to_be_in_viewport()  # where the reader was opened


def test_upload_an_article_and_ask_about_it(page, server):
    page.get_by_text("Collection: 2 articles").click()
    path = server["root"] / "ferry.txt"
    path.write_text(
        "Ferry fares rise for islanders\n\nFerry fares to the island will rise by 12 percent in April, "
        "the operator announced.\n\nIslanders said the rise would make it harder to reach the hospital.\n",
        encoding="utf-8",
    )
    upload(page, path)
    page.get_by_text("Added “Ferry fares rise for islanders”").wait_for(timeout=60_000)
    wait_idle(page)
    ask(page, "By how much will ferry fares rise?")
    answer = page.get_by_test_id("stChatMessage").nth(1)
    assert "Ferry fares to the island will rise by 12 percent in April" in answer.inner_text()
    assert (server["root"] / "corpus" / "ferry.txt").exists()


def test_script_in_questions_and_articles_shows_as_text_and_never_runs(page, server):
    ask(page, f"What did the council say? {XSS}")
    question = page.get_by_test_id("stChatMessage").first
    assert XSS in question.inner_text()
    assert page.evaluate("window.__xss") is None
    page.get_by_text("Collection:").first.click()
    hostile = server["root"] / "pier <img src=x onerror=alert(3)>..txt"  # refused for its ".."
    hostile.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    upload(page, hostile)
    page.get_by_text("was not added").wait_for(timeout=60_000)
    wait_idle(page)
    # The refused file name, shown literally in the message.
    assert "<img src=x onerror=alert(3)>" in page.get_by_test_id("stSidebar").inner_text()
    safe = server["root"] / "pier.txt"
    safe.write_text(HOSTILE_ARTICLE, encoding="utf-8")
    upload(page, safe)
    page.get_by_text("Added “Council meeting ends in row over pier”").wait_for(timeout=60_000)
    wait_idle(page)
    ask(page, "When will the pier reopen?")
    assert XSS in page.get_by_test_id("stChatMessage").last.inner_text()
    # The marker's preview shows the article's text as text too.
    page.get_by_test_id("stChatMessage").last.get_by_role("link", name="[1]").hover()
    preview = page.locator("#citeqa-preview")
    expect(preview).to_contain_text(XSS)
    assert preview.locator("script, img").count() == 0
    ask(page, "How much had the pier repairs cost?")
    answer = page.get_by_test_id("stChatMessage").last
    assert "www.pier-fund.example and complaints@pier-fund.example" in answer.inner_text()
    assert answer.locator("a[href*='pier-fund'], a[href^='mailto']").count() == 0  # article text never links
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []


def test_work_survives_a_reload_a_new_tab_and_a_killed_server(browser, tmp_path):
    """The conversation, its basket (with a note) and the chosen style come back after a reload, in a
    new tab and after the server is killed; someone else with the link may read it, not add to it."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    log = tmp_path / "streamlit.log"
    with streamlit_server(tmp_path / "corpus", tmp_path / "index", log=log) as running:
        context = browser.new_context(viewport={"width": 1280, "height": 1100})
        page = context.new_page()
        page.goto(running.url)
        wait_idle(page)
        ask(page, "Who submitted the super-complaint that prompted the investigation?")
        ask(page, "What did Shaun Sawyer say?")
        page.get_by_role("button", name="Pin to basket").first.click()
        wait_idle(page)
        page.get_by_text("Quote basket: 1 pinned").click()
        page.get_by_role("textbox", name="Note").fill("for the intro")
        page.get_by_role("textbox", name="Note").press("Enter")
        wait_idle(page)
        choose_option(page, page.get_by_role("combobox", name="Citation style"), "APA")
        wait_idle(page)
        address = page.url
        assert "c=" in address and "q=" not in address

        def check(view, *, owner: bool) -> None:
            wait_idle(view)
            messages = view.get_by_test_id("stChatMessage")
            expect(messages).to_have_count(4)
            expect(messages.nth(3)).to_contain_text("Shaun Sawyer")
            expect(view.get_by_text("Quote basket: 1 pinned")).to_have_count(1)
            box = view.get_by_test_id("stChatInputTextArea")
            assert box.is_enabled() == owner
            if owner:
                expect(view.get_by_role("combobox", name="Citation style")).to_have_value("APA")
            else:
                expect(view.get_by_text("This conversation was shared with you")).to_have_count(1)

        page.reload()
        check(page, owner=True)
        tab = context.new_page()
        tab.goto(address)
        check(tab, owner=True)
        stranger = browser.new_context(viewport={"width": 1280, "height": 1100})  # no cookie of the owner's
        other = stranger.new_page()
        other.goto(address)
        check(other, owner=False)
        check_screenshot(other, "shared-read-only")
        running.process.kill()  # SIGKILL: no chance to tidy up
        running.process.wait()
    with streamlit_server(tmp_path / "corpus", tmp_path / "index", log=log) as restarted:
        page.goto(address.replace(running.url, restarted.url))
        check(page, owner=True)
        page.get_by_text("Quote basket: 1 pinned").click()
        expect(page.get_by_role("textbox", name="Note")).to_have_value("for the intro")
    stranger.close()
    context.close()


def test_enter_on_a_marker_moves_focus_to_its_source_and_the_card_has_no_empty_band(page):
    ask(page, "What did Shaun Sawyer say?")
    marker = page.get_by_test_id("stChatMessage").nth(1).get_by_role("link", name="[1]")
    marker.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement.id") == "t0-source-1"
    page.keyboard.press("Tab")  # the next stop is the source's own Copy button
    focused = page.evaluate(
        """() => { let e = document.activeElement;
                   while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
                   return e && e.getAttribute('aria-label'); }"""
    )
    assert focused == "Copy quote 1 with its citation"
    card = page.locator(".st-key-source-t0-1").bounding_box()
    title = page.locator(".st-key-source-t0-1").get_by_text("[1]").first.bounding_box()
    assert title["y"] - card["y"] < 24, (card, title)  # the border and padding, nothing more


def dated_collection(folder: Path) -> Path:
    """45 short stories: 15 from Ferry Times dated March 2005, 30 from Harbour Gazette dated March 2024."""
    folder.mkdir()
    for i in range(45):
        outlet, year = ("Harbour Gazette", 2024) if i % 3 else ("Ferry Times", 2005)
        (folder / f"story-{i:02d}.md").write_text(
            f"---\ntitle: Council story number {i}\noutlet: {outlet}\ndate: {year}-03-{i % 28 + 1:02d}\n---\n\n"
            f"The council met for the {i}th time to discuss the harbour and the ferry timetable.\n",
            encoding="utf-8",
        )
    return folder


def type_date_range(page, start: str, end: str) -> None:
    """Type a range into “Published between” as a person does (YYYYMMDD twice), then click away."""
    page.get_by_role("spinbutton", name="year, Published between start date").click()
    page.keyboard.type(start)
    page.get_by_role("spinbutton", name="year, Published between end date").click()
    page.keyboard.type(end)
    page.keyboard.press("Escape")  # the calendar closes; the range is sent once the field loses focus
    page.get_by_role("heading", name="Ask the articles").click()
    wait_idle(page)


def test_a_date_range_reaching_past_the_collection_is_taken_and_the_panel_stays_open_after_an_upload(browser, tmp_path):
    corpus = dated_collection(tmp_path / "corpus")
    with streamlit_server(corpus, tmp_path / "index", log=tmp_path / "streamlit.log") as running:
        page = browser.new_context(viewport={"width": 1280, "height": 1100}).new_page()
        page.goto(running.url)
        wait_idle(page)
        page.get_by_text("Collection: 45 articles").click()
        wait_idle(page)
        # Starts before the earliest article (1 March 2005) and ends after the 2005 ones: the Ferry Times.
        type_date_range(page, "20000101", "20051231")
        field = page.get_by_test_id("stDateInput")
        expect(field).not_to_contain_text("outside allowed range")
        expect(page.get_by_test_id("stSidebar").get_by_text("15 of 45 articles")).to_have_count(1)
        # Ends after the latest article (27 March 2024): the Harbour Gazette's.
        type_date_range(page, "20240101", "20301231")
        expect(field).not_to_contain_text("outside allowed range")
        expect(page.get_by_test_id("stSidebar").get_by_text("30 of 45 articles")).to_have_count(1)

        path = tmp_path / "ferry.txt"
        path.write_text(
            "Ferry fares rise for islanders\n\nFerry fares to the island will rise by 12 percent in April, "
            "the operator announced.\n\nIslanders said the rise would make it harder to reach the hospital.\n",
            encoding="utf-8",
        )
        upload(page, path)
        page.get_by_text("Added “Ferry fares rise for islanders”").wait_for(timeout=60_000)
        wait_idle(page)
        expect(page.get_by_text("Collection: 46 articles")).to_have_count(1)
        # Still open, as it was left: its search box and the upload form are on show.
        expect(page.get_by_role("textbox", name="Find articles")).to_be_visible()
        expect(page.get_by_role("button", name="Add to the collection")).to_be_visible()
        page.context.close()
