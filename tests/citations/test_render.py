"""Markdown rendering of untrusted text: escaped so it shows as written, and the exports."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import replace

import pytest

from citeqa import Answer, Article, Citation
from citeqa.citations import render
from citeqa.citations.cite import format_answer, format_answer_html
from citeqa.records import ANSWERED, NOT_FOUND, Pin

HOSTILE = "a <script>alert(1)</script> $x$ :red[y] [z](javascript:alert(2)) **b** `c` &amp; # h"
ARTICLE = Article(
    id="a",
    path="a.txt",
    sha256="0",
    title="T [x]",
    paragraphs=("One. Two *three*.",),
    outlet="Out",
    author="Ann Lee",
    date=dt.date(2020, 1, 2),
)


def citation(n: int = 1, start: int = 5, end: int = 17) -> Citation:
    text = "One. Two *three*."
    return Citation(n=n, article=ARTICLE, paragraph=1, text=text, quote=text[start:end], quote_start=start, score=0.5)


def test_escape_leaves_no_markup():
    escaped = render.escape(HOSTILE)
    for raw in ("<script>", "$x$", ":red[", "](javascript", "**b**", "`c`"):
        assert raw not in escaped
    assert "\\&amp;" in escaped  # an escaped "&" starts no entity
    # Removing the backslashes gives the text back: it renders as written.
    assert escaped.replace("\\", "") == HOSTILE


def test_highlight_marks_exactly_the_quote():
    text = "Before. The quote [1] here. After."
    assert render.highlighted(text, 8, 27) == ("Before\\. :orange-background[The quote \\[1\\] here\\.] After\\.")


def test_answer_markers_link_to_their_sources():
    answer = Answer("q", ANSWERED, "Two *three*. [1] One. [2]", (citation(1), citation(2, 0, 4)), quoted=(1, 2))
    # No link title: the page shows its own preview of each source (ui/preview.js), from render.preview.
    assert (
        render.answer_markdown(answer, "t3")
        == "Two \\*three\\*\\. [\\[1\\]](#t3-source-1) One\\. [\\[2\\]](#t3-source-2)"
    )


def test_a_marker_preview_has_the_whole_quote_and_its_source_as_text():
    long = "Say “no” to " + "the repairs, " * 20 + 'said <b onmouseover="x()">the</b> council.'
    hostile = Citation(2, replace(ARTICLE, title='A "quoted" <i>title</i>'), 7, long, long, 0, 1.0)
    assert len(long) > 200
    assert render.preview(hostile, "t4") == {
        "href": "#t4-source-2",
        "n": 2,
        "quote": long,  # whole, not cut at 120 characters, and as written: the page sets it as text
        "title": 'A "quoted" <i>title</i>',
        "byline": "Out · Ann Lee · 2 January 2020",
        "paragraph": 7,
        "place": "paragraph 7",
    }


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("https://x.org/a)](javascript:alert(1)", "https://x.org/a%29%5D%28javascript:alert%281%29"),
    ],
)
def test_only_plain_web_links_are_linked(url, safe):
    assert render.safe_url(url) == safe


def test_conversation_export_has_questions_answers_and_sources():
    found = Answer("What <b>happened</b>?", ANSWERED, "Two *three*. [1]", (citation(),), notes=("A note.",))
    refused = Answer("Capital of France?", NOT_FOUND, "Not in these articles.", (), (citation(),))
    text = render.conversation_markdown([found, refused], "apa")
    assert text.startswith(
        "# citeqa conversation\n\n## 1. What \\<b\\>happened\\</b\\>?\n\n> A note.\n\nTwo \\*three\\*. \\[1\\]"
    )
    assert "1. “Two \\*three\\*” (Lee, 2020, para. 1). Lee, A. (2020, January 2). T \\[x\\]. Out." in text
    assert "## 2. Capital of France?" in text and "Nearest passages (they do not answer it):" in text


def test_basket_export_numbers_the_quotes_with_their_notes():
    pins = [Pin(citation(), note="Call  the *author*"), Pin(citation())]
    assert render.basket_markdown(pins, "plain") == (
        "# Quotes\n\n"
        "1. “Two \\*three\\*.” — Out, “T \\[x\\]”, Ann Lee, 2 January 2020, para. 1\n"
        "   Note: Call the \\*author\\*\n"
        "2. “Two \\*three\\*.” — Out, “T \\[x\\]”, Ann Lee, 2 January 2020, para. 1\n"
    )
    assert render.basket_text(pins).startswith(
        "“Two *three*.” — Out, “T [x]”, Ann Lee, 2 January 2020, para. 1\nNote: "
    )


def test_web_addresses_and_e_mail_in_text_do_not_become_links():
    text = "Write to jo.b@example.org, see www.example.com or https://example.org/a."
    shown = render.escape(text)
    assert "www:gray[]\\.example" in shown and "https:gray[]\\:" in shown and "jo\\.b:gray[]@example" in shown
    assert shown.replace(":gray[]", "").replace("\\", "") == text  # the text itself is unchanged


# Copy paths and exports: the quotation marks, the notes, the Markdown viewers.

STYLES = ("plain", "markdown", "apa", "mla")
LINKED = Article(
    id="linked",
    path="linked.md",
    sha256="2",
    title="Fees rise $5 to $7: see www.fees.example",
    paragraphs=("Write to jo@fees.example or see https://fees.example/a?b=1 and fees.example, at $x$ and $y$.",),
    outlet="Out $1",
    author="Ann Lee",
    date=dt.date(2020, 1, 2),
    url="https://example.org/fees",
)


def linked_citation(n: int = 1) -> Citation:
    text = LINKED.paragraphs[0]
    return Citation(n=n, article=LINKED, paragraph=1, text=text, quote=text, quote_start=0, score=0.5)


def html_text(markup: str) -> str:
    """What an HTML clipboard part reads as: tags dropped, line breaks kept, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>\n", "\n")))


@pytest.mark.parametrize("style", STYLES)
def test_every_export_and_copy_keeps_the_quotation_marks(style):
    first, second = citation(1), citation(2, 0, 4)
    answer = Answer("q?", ANSWERED, "Two *three*. [1] One. [2]", (first, second), quoted=(1, 2))
    pins = [Pin(first, "a note"), Pin(second)]
    conversation = render.conversation_markdown([answer], style)
    answer_line = conversation.split("\n\n")[2]
    assert answer_line.startswith("“Two \\*three\\*") and answer_line.count("“") == 2, answer_line
    copied = format_answer(answer, style), html_text(format_answer_html(answer, style))
    for text in (*copied, render.basket_text(pins, style), html_text(render.basket_html(pins, style))):
        for quote in ("Two *three*", "One"):
            assert f"“{quote}" in text.replace("\\", ""), (quote, text)
    basket = render.basket_markdown(pins, style)
    assert "1. “Two \\*three\\*" in basket and "2. “One" in basket


@pytest.mark.parametrize("style", STYLES)
def test_the_basket_copies_its_notes_in_both_parts(style):
    pins = [Pin(citation(), note="Check <b>this</b> & call"), Pin(citation(2, 0, 4)), Pin(citation(3), note=" x ")]
    text, markup = render.basket_text(pins, style), render.basket_html(pins, style)
    assert "Note: Check <b>this</b> & call" in text and "\nNote: x" in text
    assert "Note: Check &lt;b&gt;this&lt;/b&gt; &amp; call" in markup  # escaped: the note is text, not markup
    if style != "markdown":  # the Markdown style's text part is Markdown; the others read the same as the HTML
        assert html_text(markup) == text


def markdown_viewers() -> list:
    """Two real Markdown renderers as viewers use them: GitHub's cmark-gfm with its autolinks, and
    markdown-it with linkify and the dollar-maths plugin."""
    import cmarkgfm
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    it = MarkdownIt("gfm-like", {"linkify": True}).use(dollarmath_plugin)
    return [cmarkgfm.github_flavored_markdown_to_html, it.render]


@pytest.mark.parametrize("style", STYLES)
def test_exports_start_no_formula_and_no_web_link_from_untrusted_text(style):
    answer = Answer(
        "Is www.ask.example or https://ask.example/q worth $5 and $6?",
        ANSWERED,
        f"{LINKED.paragraphs[0]} [1]",
        (linked_citation(),),
        notes=("See http://note.example now.",),
        quoted=(1,),
    )
    pins = [Pin(linked_citation(), note="ask www.pin.example about $3 and $4")]
    for document in (render.conversation_markdown([answer], style), render.basket_markdown(pins, style)):
        for view in markdown_viewers():
            shown = view(document)
            hrefs = re.findall(r'href="([^"]*)"', shown)
            # The article's own checked address is the one link (the Markdown style links it on purpose).
            assert set(hrefs) <= {"https://example.org/fees", "mailto:jo@fees.example"}, (view, hrefs)
            assert "math" not in shown and "$5" in shown and "$x$" in shown
            assert "https://fees.example/a?b=1" in shown and "fees.example," in shown  # shown as written


def test_an_echoed_address_parameter_is_cut_and_cannot_turn_the_text_around():
    flipped = "abc\u202edcba\u2066x\u2069\u200f<b>"
    assert render.echo(flipped) == "abcdcbax\\<b\\>"
    shown = render.echo("a" * 400_000)
    assert shown == "a" * render.ECHO_CHARS + "…" and render.echo("n" * 30, 20) == "n" * 20 + "…"
    assert render.echo("\u202e" * 1000 + "x") == "…"  # a long run of controls is not searched through
