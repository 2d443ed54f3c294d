"""Reading articles of every type, front matter, and files that must be skipped with a reason."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import replace

import pytest
from conftest import FIXTURES, SMALL_ARTICLE

from citeqa.articles.corpus import load_corpus, read_article, slug
from citeqa.config import Limits
from citeqa.errors import ArticleError, CorpusError

MB = 1_000_000
LIMITS = Limits(max_bytes=MB, max_paragraphs=1_000, max_sentences=4_000)


def test_html_article_is_extracted_with_page_metadata():
    article = read_article("council-page.html", (FIXTURES / "council-page.html").read_bytes(), limits=LIMITS)
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
    article = read_article("river-cleanup.md", (FIXTURES / "river-cleanup.md").read_bytes(), limits=LIMITS)
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
    article = read_article("harbour.txt", data, limits=LIMITS)
    assert article.outlet == "Harbour Times"
    assert article.date == dt.date(2025, 3, 5)
    assert article.author == "Ana Ruiz"  # not in the front matter: detected


def test_broken_front_matter_is_ignored_not_fatal(caplog):
    data = ("---\ntitle: [unclosed\n---\n" + SMALL_ARTICLE).encode()
    article = read_article("harbour.txt", data, limits=LIMITS)
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
        read_article(name, data, limits=LIMITS)


def test_too_large_file_names_the_limit():
    with pytest.raises(ArticleError, match=r"2\.0 MB is over the 1 MB limit"):
        read_article("big.txt", b"Word. " * 333_334, limits=LIMITS)


def test_broken_files_are_skipped_and_the_rest_load(small_corpus, caplog):
    (small_corpus / "bad.txt").write_bytes(b"\x00\x01\x02")
    copy = small_corpus / "copy.txt"
    copy.write_text(SMALL_ARTICLE, encoding="utf-8")
    os.utime(copy, ns=(time.time_ns() + 10**9,) * 2)  # newer than the original
    retitled = small_corpus / "retitled.txt"  # the same story under another headline
    retitled.write_text("Harbour vote passes\n\n" + SMALL_ARTICLE.split("\n\n", 1)[1], encoding="utf-8")
    os.utime(retitled, ns=(time.time_ns() + 2 * 10**9,) * 2)
    (small_corpus / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (small_corpus / "picture.png").write_bytes(b"\x89PNG")
    corpus = load_corpus(small_corpus, limits=LIMITS)
    assert [a.path for a in corpus.articles] == ["harbour.txt"]
    assert {p.path: p.reason for p in corpus.problems} == {
        "bad.txt": "the file is binary (it contains NUL bytes), not an article",
        "copy.txt": "same content as harbour.txt",
        "retitled.txt": "same text as harbour.txt, under another headline",
    }


def test_missing_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope", limits=LIMITS)


def test_ids_are_stable_and_unique():
    assert slug("Police Failings (2017).txt") == "police-failings-2017"
    # Ids stay ASCII whatever the file name: accents are folded, other scripts leave the plain base.
    assert slug("Café – notes.txt") == "cafe-notes"
    assert slug("Straße „Ärzte“.md") == "strasse-arzte"
    assert slug("新闻 报道.html") == "article"
    article = read_article("harbour.txt", SMALL_ARTICLE.encode(), limits=LIMITS)
    assert article.paragraph_id(3) == "harbour#p3"
    assert read_article("harbour.txt", SMALL_ARTICLE.encode(), limits=LIMITS) == article


def test_only_regular_files_inside_the_folder_are_read(small_corpus, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Root password\n\nThe password of the server is hunter2, kept in this file.\n")
    (small_corpus / "x.txt").symlink_to(secret)
    (small_corpus / "inside.txt").symlink_to(small_corpus / "harbour.txt")
    os.mkfifo(small_corpus / "pipe.txt")
    corpus = load_corpus(small_corpus, limits=LIMITS)
    assert [a.path for a in corpus.articles] == ["harbour.txt"]
    reasons = {p.path: p.reason for p in corpus.problems}
    assert reasons["x.txt"].startswith("it is a symbolic link; only regular files inside the corpus folder are read")
    assert reasons["inside.txt"] == reasons["x.txt"]
    assert reasons["pipe.txt"].startswith("it is not a regular file")
    assert not any("hunter2" in p for a in corpus.articles for p in a.paragraphs)


def test_a_link_swapped_in_after_listing_is_refused(small_corpus, tmp_path):
    from citeqa.articles.corpus import read_file

    (tmp_path / "target.txt").write_text("outside")
    (small_corpus / "late.txt").symlink_to(tmp_path / "target.txt")
    with pytest.raises(ArticleError, match="symbolic link"):
        read_file(small_corpus / "late.txt", max_bytes=MB)


def test_size_is_checked_before_reading(small_corpus):
    huge = small_corpus / "huge.txt"
    with huge.open("wb") as f:  # 3 GB that take no disk: reading it whole would take 3 GB of memory
        f.truncate(3 * 10**9)
    corpus = load_corpus(small_corpus, limits=LIMITS)
    assert {p.path: p.reason for p in corpus.problems}["huge.txt"].startswith("3000.0 MB is over the 1 MB limit")


def test_a_file_removed_while_the_folder_is_read_is_left_out(small_corpus, monkeypatch):
    import citeqa.articles.corpus as corpus_module

    (small_corpus / "gone.txt").write_text(SMALL_ARTICLE.replace("cruise", "ferry"), encoding="utf-8")
    real = corpus_module.read_file

    def vanishing(path, **kwargs):
        if path.name == "gone.txt":
            path.unlink()
        return real(path, **kwargs)

    monkeypatch.setattr(corpus_module, "read_file", vanishing)
    corpus = load_corpus(small_corpus, limits=LIMITS)
    assert [a.path for a in corpus.articles] == ["harbour.txt"] and corpus.problems == ()


def test_too_many_paragraphs_is_refused_with_the_limit_named():
    text = "Bus notes\n\n" + "\n\n".join(f"Note {n} says the number {n} bus was late on Monday." for n in range(20_000))
    with pytest.raises(ArticleError, match=r"it has 20,000 paragraphs, more than the 1,000 one article may have"):
        read_article("notes.txt", text.encode(), limits=replace(LIMITS, max_bytes=10 * MB))


def test_too_many_sentences_is_refused():
    text = "Headline\n\n" + " ".join(f"Sentence {n} is short." for n in range(5_000))
    with pytest.raises(ArticleError, match="more than 4,000 sentences"):
        read_article("long.txt", text.encode(), limits=LIMITS)


def test_utf16_with_a_byte_order_mark_is_read_and_other_encodings_named():
    article = read_article("harbour.txt", SMALL_ARTICLE.encode("utf-16"), limits=LIMITS)
    assert article.paragraphs == read_article("harbour.txt", SMALL_ARTICLE.encode(), limits=LIMITS).paragraphs
    with pytest.raises(ArticleError, match=r"not UTF-8 text \(byte 0xe9 at offset 3\)"):
        read_article("latin.txt", "Café\n\nUn café.".encode("latin-1"), limits=LIMITS)


def test_one_bad_front_matter_field_loses_only_that_field(caplog):
    data = (
        f"---\ntitle: Harbour ban\nauthor: Ana Ruiz\ndate: 2021-02-30\nurl: javascript:alert(1)\n---\n{SMALL_ARTICLE}"
    )
    article = read_article("harbour.txt", data.encode(), limits=LIMITS)
    # The impossible date is dropped and the byline's date detected instead; the other fields stay.
    assert (article.title, article.author, article.url) == ("Harbour ban", "Ana Ruiz", None)
    assert article.date == dt.date(2025, 3, 4)
    assert "front matter date '2021-02-30'" in caplog.text and "not an http(s) address" in caplog.text
    web = read_article("h.txt", data.replace("javascript:alert(1)", "https://example.org/a").encode(), limits=LIMITS)
    assert web.url == "https://example.org/a"


def test_an_existing_article_keeps_its_id_whatever_is_added(small_corpus):
    first = load_corpus(small_corpus, limits=LIMITS)
    assert [a.id for a in first.articles] == ["harbour"]
    other = SMALL_ARTICLE.replace("cruise ships", "ferries")
    for number, name in enumerate(["Harbour.txt", "harbour.md", "HARBOUR.txt", "harbour-2.txt", "a.txt", "A.txt"]):
        (small_corpus / name).write_text(other.replace("ferries", f"boats of kind {number}"), encoding="utf-8")
    known = {a.path: a for a in first.articles}
    second = load_corpus(small_corpus, limits=LIMITS, known=known)
    ids = {a.path: a.id for a in second.articles}
    assert ids["harbour.txt"] == "harbour"
    assert len(set(ids.values())) == len(ids) == 7
    third = load_corpus(small_corpus, limits=LIMITS, known={a.path: a for a in second.articles})
    assert {a.path: a.id for a in third.articles} == ids
