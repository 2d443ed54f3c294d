"""Sub-folders of a corpus: read with the same rules as its top level, sections, ids that never collide."""

from __future__ import annotations

import os

import pytest
from conftest import SMALL_ARTICLE

from citeqa.articles.corpus import load_corpus, read_article, read_file
from citeqa.articles.files import MAX_DEPTH
from citeqa.config import Limits
from citeqa.errors import ArticleError

MB = 1_000_000
LIMITS = Limits(max_bytes=MB, max_paragraphs=1_000, max_sentences=4_000)


def story(word: str) -> str:
    """A small article of its own: ``word`` makes its text differ from every other's."""
    return SMALL_ARTICLE.replace("cruise ships", f"{word} boats")


@pytest.fixture
def sections(tmp_path):
    """business/001.txt and sport/001.txt (one name in two folders), a top-level file, a nested one."""
    root = tmp_path / "archive"
    for folder, word in (("business", "cargo"), ("sport", "racing")):
        (root / folder).mkdir(parents=True)
        (root / folder / "001.txt").write_text(story(word), encoding="utf-8")
    (root / "top.txt").write_text(story("fishing"), encoding="utf-8")
    (root / "news" / "world").mkdir(parents=True)
    (root / "news" / "world" / "a.md").write_text(story("sailing"), encoding="utf-8")
    return root


def test_sub_folders_are_read_with_their_section_and_distinct_ids(sections):
    corpus = load_corpus(sections, limits=LIMITS)
    found = {a.path: (a.id, a.section) for a in corpus.articles}
    assert found == {
        "business/001.txt": ("business-001", "business"),
        "sport/001.txt": ("sport-001", "sport"),
        "top.txt": ("top", None),
        "news/world/a.md": ("news-world-a", "world"),  # the folder it lies in
    }
    assert corpus.problems == ()
    article = next(a for a in corpus.articles if a.id == "sport-001")
    assert "racing boats" in article.paragraphs[0]


def test_front_matter_section_beats_the_folder(sections):
    (sections / "business" / "002.txt").write_text("---\nsection: Markets\n---\n" + story("barge"), encoding="utf-8")
    corpus = load_corpus(sections, limits=LIMITS)
    assert {a.path: a.section for a in corpus.articles}["business/002.txt"] == "Markets"
    uploaded = read_article("notes.txt", ("---\nsection: Opinion\n---\n" + SMALL_ARTICLE).encode(), limits=LIMITS)
    assert uploaded.section == "Opinion"
    assert read_article("notes.txt", SMALL_ARTICLE.encode(), limits=LIMITS).section is None


def test_ids_stay_stable_when_files_arrive_in_other_folders(sections):
    first = load_corpus(sections, limits=LIMITS)
    # A top-level file whose name slugs to an id a sub-folder's file has: the older keeps it.
    (sections / "business-001.txt").write_text(story("dredger"), encoding="utf-8")
    (sections / "Business").mkdir()
    (sections / "Business" / "001.txt").write_text(story("tanker"), encoding="utf-8")
    second = load_corpus(sections, limits=LIMITS, known={a.path: a for a in first.articles})
    ids = {a.path: a.id for a in second.articles}
    assert ids["business/001.txt"] == "business-001"
    assert len(set(ids.values())) == len(ids) == 6
    third = load_corpus(sections, limits=LIMITS, known={a.path: a for a in second.articles})
    assert {a.path: a.id for a in third.articles} == ids


def test_links_pipes_hidden_folders_and_readmes_in_sub_folders(sections, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Root password\n\nThe password of the server is hunter2, kept here.\n")
    (sections / "linked").symlink_to(outside)  # a folder link: could point anywhere on the server
    (sections / "business" / "x.txt").symlink_to(outside / "secret.txt")
    os.mkfifo(sections / "sport" / "pipe.txt")
    (sections / ".git").mkdir()
    (sections / ".git" / "HEAD.txt").write_text(story("hidden"), encoding="utf-8")
    (sections / "README.md").write_text("# About this archive\n\nFive folders of news stories.\n", encoding="utf-8")
    corpus = load_corpus(sections, limits=LIMITS)
    assert sorted(a.path for a in corpus.articles) == [
        "business/001.txt",
        "news/world/a.md",
        "sport/001.txt",
        "top.txt",
    ]
    reasons = {p.path: p.reason for p in corpus.problems}
    assert reasons["linked"].startswith("it is a symbolic link to a folder")
    assert reasons["business/x.txt"].startswith("it is a symbolic link; only regular files")
    assert reasons["sport/pipe.txt"].startswith("it is not a regular file")
    assert reasons["README.md"].startswith("a README describes the folder")
    assert len(reasons) == 4
    assert not any("hunter2" in p for a in corpus.articles for p in a.paragraphs)


def test_a_sub_folder_swapped_for_a_link_after_listing_is_refused(sections, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "001.txt").write_text("Root password\n\nThe password is hunter2, kept in this file.\n")
    os.rename(sections / "sport", tmp_path / "sport-moved")
    (sections / "sport").symlink_to(outside)  # the path reads the same, but leads elsewhere
    with pytest.raises(ArticleError, match="symbolic link to a folder"):
        read_file(sections / "sport" / "001.txt", max_bytes=MB, root=sections)
    (tmp_path / "late.txt").write_text("outside")
    (sections / "business" / "late.txt").symlink_to(tmp_path / "late.txt")
    with pytest.raises(ArticleError, match="symbolic link; only regular files"):
        read_file(sections / "business" / "late.txt", max_bytes=MB, root=sections)
    assert read_file(sections / "business" / "001.txt", max_bytes=MB, root=sections).startswith(b"Harbour")


def test_sizes_are_bounded_in_sub_folders_and_depth_is_bounded(sections):
    with (sections / "business" / "huge.txt").open("wb") as f:
        f.truncate(3 * 10**9)  # 3 GB that take no disk
    deep = sections.joinpath(*[f"d{n}" for n in range(MAX_DEPTH + 1)])
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text(story("deep"), encoding="utf-8")
    corpus = load_corpus(sections, limits=LIMITS)
    reasons = {p.path: p.reason for p in corpus.problems}
    assert reasons["business/huge.txt"].startswith("3000.0 MB is over the 1 MB limit")
    too_deep = "/".join(f"d{n}" for n in range(MAX_DEPTH + 1))
    assert reasons[too_deep].startswith(f"it is more than {MAX_DEPTH} folders deep")
    assert not any(a.path.endswith("deep.txt") for a in corpus.articles)
    assert len(corpus.articles) == 4


def test_a_copy_in_another_folder_is_a_copy(sections):
    (sections / "sport" / "002.txt").write_text(story("cargo"), encoding="utf-8")
    os.utime(sections / "sport" / "002.txt", ns=(os.stat(sections / "business" / "001.txt").st_mtime_ns + 10**9,) * 2)
    corpus = load_corpus(sections, limits=LIMITS)
    assert {p.path: p.reason for p in corpus.problems} == {"sport/002.txt": "same content as business/001.txt"}
