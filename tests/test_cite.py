"""Citation styles, with full metadata and with the fields the wire report lacks."""

from __future__ import annotations

import datetime as dt

import pytest

from citeqa import Answer, Article, Citation, cite, format_answer, source
from citeqa.errors import QuestionError
from citeqa.records import ANSWERED

FULL = Article(
    id="slavery",
    path="slavery.txt",
    sha256="0",
    title="Modern slavery survivors criminalised rather than recognised as victims, police watchdogs find",
    paragraphs=("p",) * 7,
    outlet="The Independent",
    author="May Bulman",
    date=dt.date(2021, 5, 26),
    url="https://example.org/slavery",
)
BARE = Article(
    id="wire",
    path="wire.txt",
    sha256="1",
    title="Police failings allow human trafficking and slavery to continue, says watchdog",
    paragraphs=("p",) * 3,
)
QUOTE = "Cases are being *shelved* prematurely [sic]"


def citation(article: Article, paragraph: int = 7, quote: str = QUOTE) -> Citation:
    return Citation(n=1, article=article, paragraph=paragraph, text=quote, quote=quote, quote_start=0, score=0.5)


def test_plain_has_every_field_in_order():
    assert cite(citation(FULL)) == (f"“{QUOTE}” — The Independent, “{FULL.title}”, May Bulman, 26 May 2021, para. 7")


def test_plain_without_outlet_author_or_date():
    assert cite(citation(BARE, 3)) == f"“{QUOTE}” — “{BARE.title}”, undated, para. 3"


def test_markdown_escapes_so_the_quote_renders_as_written():
    text = cite(citation(FULL), "markdown")
    assert text == (
        "“Cases are being \\*shelved\\* prematurely \\[sic\\]” — *The Independent*, "
        f"[“{FULL.title}”](<https://example.org/slavery>), May Bulman, 26 May 2021, para. 7"
    )


def test_apa_with_and_without_author_and_date():
    assert cite(citation(FULL), "apa") == (
        f"“{QUOTE}” (Bulman, 2021, para. 7)\n"
        f"Bulman, M. (2021, May 26). {FULL.title}. The Independent. https://example.org/slavery"
    )
    assert cite(citation(BARE, 3), "apa") == (
        f"“{QUOTE}” (“Police failings allow human…”, n.d., para. 3)\n{BARE.title}. (n.d.)."
    )


def test_mla_with_and_without_author_and_date():
    assert cite(citation(FULL), "mla") == (
        f"“{QUOTE}” (Bulman, par. 7)\n"
        f"Bulman, May. “{FULL.title}.” The Independent, 26 May 2021, https://example.org/slavery."
    )
    assert cite(citation(BARE, 3), "mla") == f"“{QUOTE}” (“Police failings allow human…”, par. 3)\n“{BARE.title}.”"


def test_two_authors():
    article = Article(
        id="x",
        path="x.txt",
        sha256="2",
        title="T",
        paragraphs=("p",),
        author="Jane Smith and Raj Patel",
        date=dt.date(2020, 1, 2),
    )
    assert cite(citation(article, 1), "apa").startswith(
        f"“{QUOTE}” (Smith & Patel, 2020, para. 1)\nSmith, J., & Patel, R. (2020, January 2). T."
    )
    assert cite(citation(article, 1), "mla").endswith("\nSmith, Jane, and Raj Patel. “T.” 2 January 2020.")


def test_unknown_style_is_rejected():
    with pytest.raises(QuestionError, match="'chicago' is not one of plain, markdown, apa, mla"):
        cite(citation(FULL), "chicago")


def test_copy_all_lists_numbered_sources():
    first, second = citation(FULL), Citation(2, BARE, 3, "Other text.", "Other text.", 0, 0.4)
    answer = Answer("q?", ANSWERED, f"{QUOTE} [1] Other text. [2]", (first, second), quoted=(1, 2))
    assert format_answer(answer, "plain") == (
        f"{QUOTE} [1] Other text. [2]\n\nSources:\n[1] {source(FULL, 7)}\n[2] {source(BARE, 3)}"
    )
    assert source(BARE, 3) == f"“{BARE.title}”, undated, para. 3"


def test_a_link_that_is_not_a_web_address_never_reaches_a_citation():
    hostile = Article(id="x", path="x.txt", title="T", paragraphs=("A b.",), sha256="0", url="javascript:alert(1)")
    citation = Citation(1, hostile, 1, "A b.", "A b.", 0, 1.0)
    for style in ("plain", "markdown", "apa", "mla"):
        assert "javascript" not in cite(citation, style) and "javascript" not in source(hostile, 1, style)
