"""Citation styles checked against the style guides' rules, on a table of articles: one author, two,
three or more, none; dated and undated; with and without outlet and address."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from citeqa import Answer, Article, Citation, cite, format_answer, source
from citeqa.articles.corpus import load_corpus
from citeqa.citations.cite import cite_html, format_answer_html, title_case
from citeqa.config import Config
from citeqa.errors import QuestionError
from citeqa.records import ANSWERED

BULMAN = Article(
    id="slavery",
    path="slavery.txt",
    sha256="0",
    title="Modern slavery survivors criminalised rather than recognised as victims, police watchdogs find",
    paragraphs=("p",) * 12,
    outlet="The Independent",
    author="May Bulman",
    date=dt.date(2021, 5, 26),
    url="https://example.org/slavery",
)
TWO = replace(BULMAN, id="two", author="May Bulman and Jon Stone", date=dt.date(2021, 9, 14), url=None)
THREE = replace(BULMAN, id="three", author="May Bulman, Jon Stone and Ana Ruiz", date=dt.date(2022, 11, 3))
WIRE = Article(
    id="wire",
    path="wire.txt",
    sha256="1",
    title="Police failings allow human trafficking and slavery to continue, says watchdog",
    paragraphs=("p",) * 9,
)
WIRE_WITH_OUTLET = replace(WIRE, id="wire2", outlet="Press Association", date=dt.date(2023, 2, 7))
QUOTE = "As a result, police were not prosecuting these cases."
SAID = "She said: “Whilst cases are complex, many reflect basic failings."


def citation(article: Article, paragraph: int = 10, quote: str = QUOTE) -> Citation:
    return Citation(n=1, article=article, paragraph=paragraph, text=quote, quote=quote, quote_start=0, score=0.5)


@pytest.mark.parametrize(
    "article, expected",
    [
        (
            BULMAN,
            "“As a result, police were not prosecuting these cases” (Bulman, 2021, para. 10).\n"
            "Bulman, M. (2021, May 26). Modern slavery survivors criminalised rather than recognised as victims, "
            "police watchdogs find. The Independent. https://example.org/slavery",
        ),
        (
            TWO,
            "“As a result, police were not prosecuting these cases” (Bulman & Stone, 2021, para. 10).\n"
            "Bulman, M., & Stone, J. (2021, September 14). Modern slavery survivors criminalised rather than "
            "recognised as victims, police watchdogs find. The Independent.",
        ),
        (
            THREE,
            "“As a result, police were not prosecuting these cases” (Bulman et al., 2022, para. 10).\n"
            "Bulman, M., Stone, J., & Ruiz, A. (2022, November 3). Modern slavery survivors criminalised rather than "
            "recognised as victims, police watchdogs find. The Independent. https://example.org/slavery",
        ),
        (
            WIRE,
            "“As a result, police were not prosecuting these cases” "
            "(“Police Failings Allow Human Trafficking,” n.d., para. 10).\n"
            "Police failings allow human trafficking and slavery to continue, says watchdog. (n.d.).",
        ),
        (
            WIRE_WITH_OUTLET,
            "“As a result, police were not prosecuting these cases” "
            "(“Police Failings Allow Human Trafficking,” 2023, para. 10).\n"
            "Police failings allow human trafficking and slavery to continue, says watchdog. (2023, February 7). "
            "Press Association.",
        ),
    ],
)
def test_apa_7(article, expected):
    assert cite(citation(article), "apa") == expected


@pytest.mark.parametrize(
    "article, expected",
    [
        (
            BULMAN,
            "“As a result, police were not prosecuting these cases” (Bulman).\n"
            "Bulman, May. “Modern Slavery Survivors Criminalised Rather than Recognised as Victims, Police Watchdogs "
            "Find.” Independent, 26 May 2021, https://example.org/slavery.",
        ),
        (
            TWO,
            "“As a result, police were not prosecuting these cases” (Bulman and Stone).\n"
            "Bulman, May, and Jon Stone. “Modern Slavery Survivors Criminalised Rather than Recognised as Victims, "
            "Police Watchdogs Find.” Independent, 14 Sept. 2021.",
        ),
        (
            THREE,
            "“As a result, police were not prosecuting these cases” (Bulman et al.).\n"
            "Bulman, May, et al. “Modern Slavery Survivors Criminalised Rather than Recognised as Victims, Police "
            "Watchdogs Find.” Independent, 3 Nov. 2022, https://example.org/slavery.",
        ),
        (
            WIRE,
            "“As a result, police were not prosecuting these cases” (“Police Failings Allow Human Trafficking”).\n"
            "“Police Failings Allow Human Trafficking and Slavery to Continue, Says Watchdog.”",
        ),
        (
            WIRE_WITH_OUTLET,
            "“As a result, police were not prosecuting these cases” (“Police Failings Allow Human Trafficking”).\n"
            "“Police Failings Allow Human Trafficking and Slavery to Continue, Says Watchdog.” Press Association, "
            "7 Feb. 2023.",
        ),
    ],
)
def test_mla_9(article, expected):
    assert cite(citation(article), "mla") == expected


@pytest.mark.parametrize(
    "article, expected",
    [
        (
            BULMAN,
            f"“{QUOTE}” — The Independent, “{BULMAN.title}”, May Bulman, 26 May 2021, para. 10, "
            "https://example.org/slavery",
        ),
        (WIRE, f"“{QUOTE}” — “{WIRE.title}”, undated, para. 10"),
    ],
)
def test_plain_keeps_every_known_field_and_the_address(article, expected):
    assert cite(citation(article)) == expected


def test_a_quote_within_the_quote_takes_single_marks_and_the_full_stop_moves_out():
    said = citation(BULMAN, quote=SAID)
    assert cite(said).startswith("“She said: ‘Whilst cases are complex, many reflect basic failings.” — ")
    assert cite(said, "apa").startswith("“She said: ‘Whilst cases are complex, many reflect basic failings” (Bulman")
    closed = citation(BULMAN, quote="He said: “We accept it.”")
    assert cite(closed, "mla").startswith("“He said: ‘We accept it’” (Bulman).")
    asked = citation(BULMAN, quote="Who will pay?")
    assert cite(asked, "apa").startswith("“Who will pay?” (Bulman, 2021, para. 10).")


def test_markdown_escapes_the_quote_and_links_the_address():
    text = cite(citation(BULMAN, quote="Cases are *shelved* [sic]"), "markdown")
    assert text.startswith("“Cases are \\*shelved\\* \\[sic\\]” — *The Independent*, “Modern slavery")
    assert text.endswith(", para. 10, <https://example.org/slavery>")


def test_html_keeps_the_italics_and_escapes_everything_else():
    hostile = replace(BULMAN, outlet="<b>Times</b>", title="A & B")
    html = cite_html(citation(hostile, quote="x < y"), "mla")
    assert html.startswith("“x &lt; y” (Bulman).<br>\nBulman, May. “A &amp; B.” <i>&lt;b&gt;Times&lt;/b&gt;</i>")
    assert '<a href="https://example.org/slavery">' in html


def test_copy_all_lists_each_quoted_source_once_and_the_others_apart():
    first = citation(BULMAN, 10)
    second = replace(citation(BULMAN, 11, "Other text."), n=2)
    third = replace(citation(WIRE, 3, "Unquoted."), n=3)
    answer = Answer("q?", ANSWERED, f"{QUOTE} [1] Other text. [2]", (first, second, third), quoted=(1, 2))
    assert format_answer(answer, "plain") == (
        f"“{QUOTE}” [1] “Other text.” [2]\n\nSources:\n[1] {source(BULMAN, 10)}\n[2] {source(BULMAN, 11)}"
        f"\n\nAlso found, not quoted:\n[3] {source(WIRE, 3)}"
    )
    apa = format_answer(answer, "apa")
    assert apa.startswith(
        "“As a result, police were not prosecuting these cases” (Bulman, 2021, para. 10). "
        "“Other text” (Bulman, 2021, para. 11).\n\nReferences\nBulman, M. (2021, May 26)."
    )
    assert apa.count("Bulman, M. (2021, May 26)") == 1  # the reference entry once, not once a paragraph
    assert apa.endswith(f"\n\nAlso found, not quoted:\n{source(WIRE, 3, 'apa')}")
    assert "Works Cited\nBulman, May." in format_answer(answer, "mla")
    assert "<i>The Independent</i>" in format_answer_html(answer, "apa")


def test_unknown_style_is_rejected():
    with pytest.raises(QuestionError, match="not one of plain, markdown, apa, mla"):
        cite(citation(BULMAN), "chicago")


def test_a_link_that_is_not_a_web_address_never_reaches_a_citation():
    hostile = replace(WIRE, url="javascript:alert(1)")
    for style in ("plain", "markdown", "apa", "mla"):
        assert "javascript" not in cite(citation(hostile), style) + source(hostile, 1, style)


@pytest.mark.parametrize(
    "headline, expected",
    [
        ("Police failings allow human trafficking to continue", "Police Failings Allow Human Trafficking to Continue"),
        ("iPod sales: the UK and the BBC go on", "iPod Sales: The UK and the BBC Go On"),
        ("HMICFRS report on anti-slavery work in 2017", "HMICFRS Report on Anti-Slavery Work in 2017"),
        ("What is the point of it?", "What Is the Point of It?"),
        ("McDonald's profit rises 5%", "McDonald's Profit Rises 5%"),
    ],
)
def test_title_case_leaves_acronyms_names_and_small_words_right(headline, expected):
    assert title_case(headline) == expected


BBC = Path(os.environ.get("CITEQA_BBC", ROOT.parent / "shared" / "bbc"))


def headlines() -> list[str]:
    titles = [a.title for a in load_corpus(CORPUS, limits=Config().limits).articles]
    for path in sorted(BBC.glob("*/*.txt")) if BBC.is_dir() else []:
        first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        if first:
            titles.append(first)
    return titles


def test_title_case_on_every_headline_only_changes_case_and_keeps_acronyms():
    titles = headlines()
    assert len(titles) >= 2
    for title in titles:
        cased = title_case(title)
        assert " ".join(cased.split()).lower() == " ".join(title.split()).lower(), title
        assert title_case(cased) == cased, title  # settled: a second pass changes nothing
        opening = cased.split()[0].lstrip("“‘\"'([{$£")
        if opening[:1].isalpha() and not any(c.isdigit() or c.isupper() for c in opening[1:]):
            assert opening[0].isupper(), title  # the first word is capitalised
        for word in title.split():
            if len(word) > 1 and word.isupper():
                assert word in cased.split(), (word, title)  # acronyms as written
        words = cased.split()
        for before, word in zip(words[:-2], words[1:-1], strict=True):  # small words inside stay small
            assert before.endswith((":", "—", "–", "?", "!")) or word not in ("And", "Of", "The", "To", "In"), cased
