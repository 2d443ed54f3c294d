"""Links to the reader with the real app (streamlit.testing's AppTest) and engine: every parameter is
checked, what is echoed is cut and cannot turn the page's text around, and a link names the version of
the article its quote was taken from."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from conftest import CORPUS, app_environment, run_app

pytestmark = pytest.mark.slow
POLICE = "police-failings-allow-trafficking-to-continue"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def current_version() -> str:
    return hashlib.sha256((CORPUS / f"{POLICE}.txt").read_bytes()).hexdigest()[:12]


def test_an_unknown_article_is_echoed_cut_and_without_direction_controls(app_env):
    at = run_app(article="\u202eevil" + BIDI + "x" * 400_000)
    (message,) = [e.value for e in at.error]
    assert message.startswith("There is no article “evilxxx") and message.endswith("” in this collection.")
    assert not any(c in message for c in BIDI)
    assert len(message) < 200  # not 400 KB


def test_a_link_in_the_current_version_highlights_the_quote(app_env):
    at = run_app(article=POLICE, p="8", s="0", e="53", v=current_version())
    assert not at.warning and not at.error
    assert "**¶ 8** :orange-background[She said\\: “Whilst modern slavery cases can be complex]" in texts(at)


@pytest.mark.parametrize("v", ["<script>", "ABCDEF012345", "0" * 64, "12345", "\u202e" + "a" * 11])
def test_a_version_that_is_not_one_says_so_and_shows_the_article(app_env, v):
    at = run_app(article=POLICE, p="8", s="0", e="53", v=v)
    assert not at.exception
    (warning,) = [w.value for w in at.warning]
    assert "does not name a version of an article; here is the article as it is now" in warning
    assert "\u202e" not in warning and "<script>" not in warning
    assert "**¶ 8** :orange-background[She said" in texts(at)


def test_a_link_to_a_version_this_conversation_never_quoted_marks_nothing(app_env):
    at = run_app(article=POLICE, p="8", s="0", e="53", v="0123456789ab")
    (warning,) = [w.value for w in at.warning]
    assert "changed since the link was made" in warning and "not in this conversation" in warning
    assert "orange-background" not in texts(at)  # offsets of another version mark nothing
    assert "**¶ 8** She said" in texts(at)


def test_a_quote_from_a_removed_article_still_opens_as_it_was_quoted(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    with app_environment(corpus, tmp_path / "index"):
        at = run_app(q="What did Wendy Williams say about the shortcomings?")
        answer = at.session_state["workbench"].messages[-1]
        citation = next(c for c in answer.used if c.article.id == POLICE)
        at.button(key=f"manage-{POLICE}").click().run()
        at.checkbox(key="manage-sure").check().run()
        at.button(key="manage-remove").click().run()
        at.button(key=f"read-t0-{citation.n}").click().run()
        assert not at.exception
        assert at.query_params["v"] == citation.article.sha256[:12]
        assert any("has been removed from the collection since it was quoted" in w.value for w in at.warning)
        quoted = texts(at)
        assert f"**As quoted, ¶ {citation.paragraph}** " in quoted
        assert f":orange-background[{citation.quote[:30]}" in quoted.replace("\\", "")
        # Opened again from its address in another session: the saved conversation keeps the version.
        again = run_app(**dict(at.query_params))
        assert any("has been removed from the collection" in w.value for w in again.warning)
        assert f"**As quoted, ¶ {citation.paragraph}** " in texts(again)
