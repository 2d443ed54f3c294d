"""What a start does with the hidden files a killed change left: intents finished or undone, stray
``.upload`` and ``.previous`` files cleared, and each thing it did said once."""

from __future__ import annotations

import json
import uuid

from conftest import SMALL_ARTICLE, FakeEmbedder

from citeqa import Config, Engine
from citeqa.workbench import changes
from citeqa.workbench.changes import LOCK

OTHER = SMALL_ARTICLE.replace("cruise ships", "ferries")


def hidden(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != LOCK)


def test_an_article_left_set_aside_by_an_older_version_is_put_back_at_start(small_corpus, tmp_path):
    aside = small_corpus / f".{uuid.uuid4().hex}.harbour.txt.previous"
    (small_corpus / "harbour.txt").rename(aside)  # what a replacement killed right after its set-aside left
    (small_corpus / f".{uuid.uuid4().hex}.upload").write_text("half an upload", encoding="utf-8")
    engine, report = Engine.open(Config(corpus=small_corpus, index=tmp_path / "index"), embedder=FakeEmbedder())
    assert [a.path for a in engine.articles] == ["harbour.txt"]
    assert (small_corpus / "harbour.txt").read_text(encoding="utf-8") == SMALL_ARTICLE
    assert hidden(small_corpus) == []
    assert report.messages[0] == "'harbour.txt', left hidden by an interrupted change, is put back in the collection."
    assert not any("interrupted" in m for m in Engine.open(engine.config, embedder=FakeEmbedder())[1].messages)


def test_an_older_version_left_beside_its_replacement_is_deleted(small_corpus):
    (small_corpus / f".{uuid.uuid4().hex}.harbour.txt.previous").write_text(OTHER, encoding="utf-8")
    assert changes.recover(small_corpus) == (
        "An earlier version of 'harbour.txt', left hidden by an interrupted replacement, was deleted.",
    )
    assert hidden(small_corpus) == [] and (small_corpus / "harbour.txt").read_text(encoding="utf-8") == SMALL_ARTICLE


def test_each_step_of_a_change_can_be_undone_from_its_intent_alone(small_corpus):
    change = changes.begin(small_corpus, "replace", "harbour.txt")
    change.set_aside()
    change.write(OTHER.encode())
    assert (small_corpus / "harbour.txt").read_text(encoding="utf-8") == OTHER
    assert len(hidden(small_corpus)) == 3  # the intent, the old version and the new one's hidden name
    # The process dies here: its lock goes with it, its intent stays.
    changes._unlock(change._lock)
    assert changes.recover(small_corpus) == (
        "The replacement of 'harbour.txt' was interrupted and is undone: the earlier version is kept.",
    )
    assert (small_corpus / "harbour.txt").read_text(encoding="utf-8") == SMALL_ARTICLE and hidden(small_corpus) == []


def test_a_committed_change_is_finished_and_an_added_file_is_only_taken_out_if_it_is_its_own(small_corpus):
    change = changes.begin(small_corpus, "remove", "harbour.txt")
    change.set_aside()
    change.commit()
    changes._unlock(change._lock)
    assert changes.recover(small_corpus) == (
        "The removal of 'harbour.txt' was interrupted after the index was updated: it is removed.",
    )
    assert not (small_corpus / "harbour.txt").exists() and hidden(small_corpus) == []
    # An upload killed before it wrote its file: the file of that name that appeared since is not its own.
    change = changes.begin(small_corpus, "add", "harbour.txt")
    changes._unlock(change._lock)
    (small_corpus / "harbour.txt").write_text(OTHER, encoding="utf-8")
    changes.recover(small_corpus)
    assert (small_corpus / "harbour.txt").read_text(encoding="utf-8") == OTHER and hidden(small_corpus) == []


def test_an_undone_removal_never_writes_over_a_file_that_took_its_name(small_corpus):
    change = changes.begin(small_corpus, "remove", "harbour.txt")
    change.set_aside()
    changes._unlock(change._lock)
    (small_corpus / "harbour.txt").write_text(OTHER, encoding="utf-8")
    (message,) = changes.recover(small_corpus)
    assert "another file of that name has appeared since" in message and change.intent.aside in message
    assert (small_corpus / "harbour.txt").read_text(encoding="utf-8") == OTHER
    assert (small_corpus / change.intent.aside).read_text(encoding="utf-8") == SMALL_ARTICLE


def test_a_damaged_intent_is_ignored_and_a_clean_folder_is_not_written_to(small_corpus, tmp_path):
    (small_corpus / f".{uuid.uuid4().hex}.intent").write_text("{not json", encoding="utf-8")
    (small_corpus / f".{uuid.uuid4().hex}.intent").write_text(
        json.dumps({"id": "x", "op": "remove", "name": "../../etc/passwd", "upload": None, "aside": "a"}),
        encoding="utf-8",
    )
    assert changes.recover(small_corpus) == ()
    assert (small_corpus / "harbour.txt").exists()
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.txt").write_text(SMALL_ARTICLE, encoding="utf-8")
    assert changes.recover(clean) == () and [p.name for p in clean.iterdir()] == ["a.txt"]  # not even a lock
    assert changes.recover(tmp_path / "missing") == ()
