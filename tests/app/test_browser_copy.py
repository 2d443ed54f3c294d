"""Copying, exporting and citing in a real browser: what reaches the clipboard (its text and its HTML
part, read back with navigator.clipboard.read()) and the downloads, in every citation style; the
previews of an answer's markers; a quote from an article that was replaced since."""

# ruff: noqa: F811 (the fixtures of test_browser, imported, are arguments here)
from __future__ import annotations

import hashlib
import html
import re

import pytest
from browser import choose_option
from playwright.sync_api import expect
from test_browser import (  # noqa: F401 (fixtures)
    PHONE_USER_AGENT,
    SHOTS,
    ask,
    check_screenshot,
    page,
    server,
    upload,
    wait_idle,
)

from citeqa import cite, format_answer
from citeqa.citations import render
from citeqa.citations.cite import cite_html, format_answer_html, nested, speaking
from citeqa.records import Pin

pytestmark = pytest.mark.slow
STYLES = {"plain": "Plain", "markdown": "Markdown", "apa": "APA", "mla": "MLA"}
READ_CLIPBOARD = """async () => {
  const items = await navigator.clipboard.read();
  const part = async type => items[0].types.includes(type) ? await (await items[0].getType(type)).text() : null;
  return { text: await part("text/plain"), html: await part("text/html") };
}"""
QUESTION = "What did Wendy Williams say about the shortcomings?"  # two quotes, one of them long


def copy(page, button: str) -> dict[str, str | None]:
    """Click a copy button and read back both parts of what it put on the clipboard."""
    page.evaluate("navigator.clipboard.writeText('')")  # nothing left from an earlier copy
    page.get_by_role("button", name=button).first.click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''", timeout=5_000)
    return page.evaluate(READ_CLIPBOARD)


def choose_style(page, style: str) -> None:
    box = page.get_by_role("combobox", name="Citation style")
    choose_option(page, box, STYLES[style])
    wait_idle(page)
    expect(box).to_have_value(STYLES[style])


def html_text(markup: str) -> str:
    """What an HTML clipboard part reads as: tags dropped, line breaks kept, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>\n", "\n")))


def in_marks(quote: str, text: str) -> bool:
    """Whether ``text`` gives ``quote`` between quotation marks (its own double marks made single; APA
    and MLA move its closing full stop after the citation)."""
    inner = nested(quote)
    return f"“{inner}”" in text or f"“{inner.removesuffix('.')}”" in text


def download(page, button: str) -> str:
    with page.expect_download() as started:
        page.get_by_role("button", name=button).click()
    return started.value.path().read_text(encoding="utf-8")


def test_copy_all_and_a_single_quote_keep_the_quotation_marks_in_every_style(page, engine):
    ask(page, QUESTION)
    expected = engine.ask(QUESTION)
    assert len(expected.used) >= 2
    first = next(c for c in expected.citations if c.n == 1)
    for style in STYLES:
        choose_style(page, style)
        everything = copy(page, "Copy the whole answer with its sources")
        assert everything["text"] == format_answer(expected, style)
        assert everything["html"] is not None and format_answer_html(expected, style) in everything["html"]
        for citation in expected.used:
            assert in_marks(citation.quote, html_text(everything["html"])), (style, citation.quote)
            if style != "markdown":  # (its text part is Markdown, with escapes)
                assert in_marks(citation.quote, everything["text"]), (style, citation.quote)
        one = copy(page, "Copy quote 1 with its citation")
        # A quotation opens with its speaker, their role and the article's verb; any other quote with its mark.
        lead = f"{speaking(first, role=True)} “" if first.speaker else "“"
        assert one["text"] == cite(first, style) and one["text"].startswith(lead)
        assert cite_html(first, style) in one["html"] and in_marks(first.quote, html_text(one["html"]))


def test_the_basket_and_the_downloads_keep_the_marks_and_the_notes_in_both_parts(page, engine):
    ask(page, QUESTION)
    expected = engine.ask(QUESTION)
    page.get_by_role("button", name="Pin to basket").nth(0).click()
    wait_idle(page)
    page.get_by_role("button", name="Pin to basket").nth(0).click()  # the second source's (the first is pinned)
    wait_idle(page)
    page.get_by_text("Quote basket: 2 pinned").click()
    note = "Check with the <b>press office</b> & the editor"
    page.get_by_role("textbox", name="Note").first.fill(note)
    page.get_by_role("textbox", name="Note").first.press("Enter")
    wait_idle(page)
    one, two = (next(c for c in expected.citations if c.n == n) for n in (1, 2))
    pins = [Pin(one, note), Pin(two)]
    for style in STYLES:
        choose_style(page, style)
        copied = copy(page, "Copy all pinned quotes with citations and notes")
        assert copied["text"] == render.basket_text(pins, style)
        assert copied["html"] == render.basket_html(pins, style)
        assert "Note: Check with the &lt;b&gt;press office&lt;/b&gt; &amp; the editor" in copied["html"]
        if style != "markdown":  # the same content in both parts
            assert html_text(copied["html"]) == copied["text"]
        for citation in (one, two):
            assert in_marks(citation.quote, html_text(copied["html"])), (style, citation.quote)
        quotes = download(page, "Download quotes (Markdown)")
        assert quotes == render.basket_markdown(pins, style)
        conversation = download(page, "Export conversation (Markdown)")
        assert conversation == render.conversation_markdown([expected], style)
        for document in (quotes, conversation):
            for citation in (one, two):
                assert in_marks(render.markdown_escape(citation.quote), document), (style, citation.quote)
    answer_text = conversation.split("\n\n")[2]
    opening = f"{speaking(expected.used[0])} “" if expected.used[0].speaker else "“"
    assert answer_text.startswith(opening.replace(":", "\\:")) or answer_text.startswith(opening)
    assert answer_text.count("“") >= len(expected.used)


def test_a_marker_previews_its_whole_source_on_hover_and_keyboard_focus(page, engine):
    ask(page, QUESTION)
    expected = engine.ask(QUESTION)
    first = next(c for c in expected.used if c.n == 1)
    assert len(first.quote) > 120  # longer than the browser's tooltip used to show
    marker = page.get_by_test_id("stChatMessage").nth(1).get_by_role("link", name="[1]")
    assert marker.get_attribute("title") is None  # no tooltip of the browser's own
    preview = page.locator("#citeqa-preview")
    marker.hover()
    expect(preview).to_be_visible()
    shown = preview.inner_text()
    assert first.quote in shown and first.article.title in shown  # whole and verbatim
    assert f"{render.byline(first.article)} · paragraph {first.paragraph}" in shown
    assert marker.get_attribute("aria-describedby") == "citeqa-preview"
    check_screenshot(page, "marker-preview")
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    page.mouse.move(5, 5)
    marker.focus()  # from the keyboard
    expect(preview).to_be_visible()
    assert first.quote in preview.inner_text()
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    second = next(c for c in expected.used if c.n == 2)
    page.keyboard.press("Tab")  # on to marker [2], and back
    expect(preview).to_contain_text(second.quote)
    page.keyboard.press("Shift+Tab")
    expect(preview).to_contain_text(first.quote)
    page.keyboard.press("Enter")  # the marker is still a link to its source card
    page.wait_for_timeout(300)
    assert page.evaluate("document.activeElement.id") == "t0-source-1"
    expect(preview).to_be_hidden()


def test_on_a_phone_a_tap_previews_the_source_and_a_second_tap_goes_there(browser, server):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, user_agent=PHONE_USER_AGENT
    )
    phone = context.new_page()
    phone.goto(server["url"])
    wait_idle(phone)
    ask(phone, QUESTION)
    phone.wait_for_timeout(3_000)  # the new answer has come into view (and is read)
    marker = phone.get_by_test_id("stChatMessage").nth(1).get_by_role("link", name="[2]")
    preview = phone.locator("#citeqa-preview")
    marker.tap()
    expect(preview).to_be_visible()
    assert phone.evaluate("location.hash") == ""  # the first tap shows it, without leaving
    expect(preview).to_be_in_viewport(ratio=1)  # all of it on the screen
    phone.screenshot(path=str(SHOTS / "marker-preview-phone.png"))
    phone.get_by_text("Ask the articles").tap()  # elsewhere
    expect(preview).to_be_hidden()
    marker.tap()
    expect(preview).to_be_visible()
    marker.tap()
    expect(preview).to_be_hidden()
    phone.wait_for_function("location.hash === '#t0-source-2'", timeout=3_000)
    context.close()


def test_a_quote_from_a_replaced_article_opens_as_it_was_quoted(page, server):
    page.get_by_text("Collection:").first.click()
    path = server["root"] / "harbour-dues.txt"
    path.write_text(
        "Harbour dues to rise\n\nThe harbour board said mooring dues would rise by 8 percent next year.\n\n"
        "Fishermen said the rise would hurt the smallest boats most.\n",
        encoding="utf-8",
    )
    quoted_version = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    upload(page, path)
    page.get_by_text("Added “Harbour dues to rise”").wait_for(timeout=60_000)
    wait_idle(page)
    ask(page, "By how much will mooring dues rise?")
    assert "8 percent" in page.get_by_test_id("stChatMessage").nth(1).inner_text()
    # The file is replaced with a new version saying otherwise.
    edit = page.locator(".st-key-manage-harbour-dues button").first
    if not edit.is_visible():  # the collection was folded again
        page.get_by_text("Collection: 3 articles").click()
    edit.click()
    wait_idle(page)
    newer = server["root"] / "new" / "harbour-dues.txt"
    newer.parent.mkdir(exist_ok=True)
    newer.write_text(path.read_text(encoding="utf-8").replace("8 percent", "12 percent"), encoding="utf-8")
    replace_form = page.get_by_test_id("stForm").filter(has_text="Replace it with a new version")
    replace_form.locator("input[type=file]").set_input_files(str(newer))
    page.get_by_role("button", name="Remove harbour-dues.txt").wait_for(timeout=30_000)
    page.get_by_role("button", name="Replace the article").click()
    page.get_by_text("Replaced with “Harbour dues to rise”").wait_for(timeout=60_000)
    wait_idle(page)
    page.get_by_role("button", name="Open in reader").first.click()
    wait_idle(page)
    assert f"v={quoted_version}" in page.url  # the link names the version quoted
    expect(page.get_by_text("This article has changed since it was quoted")).to_be_visible()
    as_quoted = page.locator(".st-key-as-quoted")
    expect(as_quoted).to_contain_text("would rise by 8 percent next year")
    highlighted = as_quoted.locator(".stMarkdownColoredBackground").inner_text()
    assert "8 percent" in highlighted
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("The quote is not in the current text.")
    expect(main).to_contain_text("would rise by 12 percent next year")
    assert "12 percent" not in as_quoted.inner_text()
    check_screenshot(page, "reader-changed-article")
    page.reload()  # from the saved conversation, the same
    wait_idle(page)
    expect(page.locator(".st-key-as-quoted")).to_contain_text("8 percent")
    expect(page.get_by_text("This article has changed since it was quoted")).to_be_visible()
