"""Markdown rendering of untrusted text: escaped so it shows as written, and the exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from citeqa import Answer, Article, Citation, render
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
    shown = render.answer_markdown(answer, "t3")
    source = "T [x], Out · Ann Lee · 2 January 2020, paragraph 1"
    assert shown == (
        f'Two \\*three\\*\\. [\\[1\\]](#t3-source-1 "“Two *three*.” — {source}") '
        f'One\\. [\\[2\\]](#t3-source-2 "“One.” — {source}")'
    )


def test_a_marker_preview_cannot_break_out_of_its_link():
    hostile = Citation(1, replace(ARTICLE, title='A "quoted" \\ title'), 1, 'Say "no".', 'Say "no".', 0, 1.0)
    answer = Answer("q", ANSWERED, "x [1]", (hostile,), quoted=(1,))
    assert '(#t0-source-1 "“Say \\"no\\".” — A \\"quoted\\" \\\\ title,' in render.answer_markdown(answer, "t0")


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
