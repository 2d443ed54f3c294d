"""Reading articles of every type, front matter, and files that must be skipped with a reason."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from conftest import FIXTURES, SMALL_ARTICLE

from citeqa.corpus import article_id, load_corpus, read_article
from citeqa.errors import ArticleError, CorpusError

MB = 1_000_000


def test_html_article_is_extracted_with_page_metadata():
    article = read_article("council-page.html", (FIXTURES / "council-page.html").read_bytes(), max_bytes=MB)
    assert article.title == "Council shuts night shelter after funding cut"
    assert (article.outlet, article.author, article.date) == ("Northern Echo Post", "Priya Shah", dt.date(2024, 2, 9))
    assert article.url == "https://news.example.org/2024/02/09/night-shelter"
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("The only night shelter in the town will close")
    assert article.paragraphs[1] == (
        "Volunteers said the shelter had turned away “more people than ever” this winter, "
        "with demand up by a third since 2022."
    )
    text = " ".join(article.paragraphs)
    for junk in ("Advertisement", "Most read", "Sign up", "Log in", "window.tracking", "All rights reserved"):
        assert junk not in text


def test_markdown_front_matter_overrides_and_syntax_goes():
    article = read_article("river-cleanup.md", (FIXTURES / "river-cleanup.md").read_bytes(), max_bytes=MB)
    assert article.title == "Volunteers pull 2 tonnes of rubbish from the river"  # front matter beats the heading
    assert (article.outlet, article.author, article.date) == ("Valley Gazette", "Tom O'Neill", dt.date(2023, 9, 17))
    assert article.paragraphs == (
        "More than 200 volunteers spent Saturday clearing the riverbanks, removing two tonnes of rubbish "
        "including 14 shopping trolleys and a motorbike.",
        "The organiser, Green Valley Trust, said plastic bottles made up most of what was collected.",
        "The council has promised new bins along the towpath by the end of the year.",
        "A second clean-up is planned for April.",
    )


def test_front_matter_on_plain_text_overrides_detection():
    data = ("---\noutlet: Harbour Times\ndate: 2025-03-05\n---\n" + SMALL_ARTICLE).encode()
    article = read_article("harbour.txt", data, max_bytes=MB)
    assert article.outlet == "Harbour Times"
    assert article.date == dt.date(2025, 3, 5)
    assert article.author == "Ana Ruiz"  # not in the front matter: detected


def test_broken_front_matter_is_ignored_not_fatal(caplog):
    data = ("---\ntitle: [unclosed\n---\n" + SMALL_ARTICLE).encode()
    article = read_article("harbour.txt", data, max_bytes=MB)
    assert article.title == "Harbour town bans cruise ships from its old port"
    assert "front matter ignored" in caplog.text


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n \t\n", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("latin1.txt", "Headline\n\nThe café owner said it was “fine”.".encode("cp1252"), "not UTF-8"),
        ("junk.txt", b"Advertisement\n\nJoin our commenting forum\n\nThank you for registering\n", "no article text"),
        ("nothing.html", b"<html><head><title>x</title></head><body><nav>Home</nav></body></html>", "no article text"),
        ("broken.html", b"<<<>>> \xff\xfe<html", "not UTF-8"),
        ("notes.pdf", b"%PDF-1.4", "not an article type"),
    ],
)
def test_broken_files_raise_a_reason(name, data, reason):
    with pytest.raises(ArticleError, match=reason):
        read_article(name, data, max_bytes=MB)


def test_too_large_file_names_the_limit():
    with pytest.raises(ArticleError, match=r"2\.0 MB is over the 1 MB limit"):
        read_article("big.txt", b"Word. " * 333_334, max_bytes=MB)


def test_broken_files_are_skipped_and_the_rest_load(small_corpus, caplog):
    (small_corpus / "bad.txt").write_bytes(b"\x00\x01\x02")
    copy = small_corpus / "copy.txt"
    copy.write_text(SMALL_ARTICLE, encoding="utf-8")
    os.utime(copy, ns=(time.time_ns() + 10**9,) * 2)  # newer than the original
    (small_corpus / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (small_corpus / "picture.png").write_bytes(b"\x89PNG")
    corpus = load_corpus(small_corpus, max_bytes=MB)
    assert [a.path for a in corpus.articles] == ["harbour.txt"]
    assert {p.path: p.reason for p in corpus.problems} == {
        "bad.txt": "the file is binary (it contains NUL bytes), not an article",
        "copy.txt": "same content as harbour.txt",
    }
    assert "skipped bad.txt" in caplog.text


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope", max_bytes=MB)


def test_ids_are_stable_and_unique():
    assert article_id("Police Failings (2017).txt") == "police-failings-2017"
    assert article_id("report.md", {"report"}) == "report-md"
    article = read_article("harbour.txt", SMALL_ARTICLE.encode(), max_bytes=MB)
    assert article.paragraph_id(3) == "harbour#p3"
    assert read_article("harbour.txt", SMALL_ARTICLE.encode(), max_bytes=MB) == article
