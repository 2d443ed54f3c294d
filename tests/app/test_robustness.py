"""Bad input of every kind gets a clear message, loses nothing, and the engine and app keep serving."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import CORPUS, SMALL_ARTICLE, FakeEmbedder, app_environment, finish_uploads, run_app

from citeqa import ArticleError, CiteqaError, Config, CorpusError, Engine, QuestionError
from citeqa.articles.corpus import load_corpus
from citeqa.workbench.uploads import check_name

GOOD = "How many police forces did the fieldwork cover?"
BAD_QUESTIONS = {
    "empty": "",
    "whitespace": " \n\t \u00a0 ",
    "huge": "What happened? " * 6_700,  # 100,500 characters
    "binary": "".join(chr(c) for c in range(0, 256)) * 4,
    "emoji and right-to-left": "ما الذي قالته ويندي ويليامز؟ 🕵️‍♀️🔍 שלום",
    "script": "<script>alert(1)</script><img src=x onerror=alert(2)> Who is Shaun Sawyer?",
}


@pytest.mark.parametrize("kind", BAD_QUESTIONS)
def test_bad_question_gets_an_answer_or_a_clear_message_and_the_engine_keeps_serving(engine, kind):
    try:
        answer = engine.ask(BAD_QUESTIONS[kind])
    except QuestionError as exc:
        assert kind in ("empty", "whitespace")
        assert "the question is empty" in str(exc)
    else:
        assert answer.found in (True, False)
        for citation in answer.citations + answer.closest:
            assert citation.quote in citation.text
    assert "fieldwork in six police forces" in engine.ask(GOOD).citations[0].text


def test_huge_article_is_skipped_with_the_limit_named(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    (folder / "huge.txt").write_bytes(b"Headline\n\n" + b"A sentence of the article body. " * 650_000)  # ~20 MB
    corpus = load_corpus(folder, limits=Config().limits)
    assert len(corpus.articles) == 2
    assert corpus.problems[0].path == "huge.txt"
    assert "20.8 MB is over the 10 MB limit" in corpus.problems[0].reason


@pytest.mark.parametrize(
    "name, reason",
    [
        ("../x.txt", "has a path in it"),
        ("a/b.txt", "has a path in it"),
        ("..\\x.txt", "has a path in it"),
        ("notes..txt", "has a path in it"),
        ("bell\x07.txt", "control character U+0007"),
        ("new\nline.txt", "control character U+000A"),
        ("tab\u2028line.txt", "line or paragraph separator U+2028"),
        ("invoice\u202etxt.exe.txt", "bidirectional control U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("isolate\u2066.txt", "bidirectional control U+2066"),
        ("zero\u200bwidth.txt", "invisible formatting character U+200B ZERO WIDTH SPACE"),
        ("private\ue000.txt", "private-use character U+E000"),
        ("unassigned\U000e0fff.txt", "unassigned character U+E0FFF"),
        ("surrogate\udcff.txt", "surrogate U+DCFF"),
        (".hidden.txt", "starts with a dot"),
        (". .txt", "starts with a dot"),
        (" spaced.txt", "starts with a space"),
        ("notes.exe", "not a .txt, .md or .html file"),
        ("x" * 200 + ".txt", "at most 120 characters"),
        ("新" * 70 + ".txt", "at most 180 bytes"),
        ("", "has no name"),
    ],
)
def test_hostile_file_names_are_refused(name, reason):
    with pytest.raises(ArticleError, match=re.escape(reason)):
        check_name(name)


def test_printable_unicode_names_pass():
    for name in (
        "Police report (2017).txt",
        "café notes.md",
        "page.HTML",
        "Café – notes.txt",
        "Ärzte: “Notfall” & Co. #3 [final]!.txt",
        "Новости дня.md",
        "新闻 报道.html",
        "خبر عاجل.txt",
        "pier <b>.txt",
        "x" * 116 + ".txt",
    ):
        assert check_name(name) == name


def test_an_upload_with_an_en_dash_in_its_name_joins_with_an_ascii_id(small_corpus, tmp_path):
    engine, _ = Engine.open(Config(corpus=small_corpus, index=tmp_path / "index"), embedder=FakeEmbedder())
    added = engine.add_article("Café – notes.txt", SMALL_ARTICLE.replace("cruise ships", "ferries").encode())
    assert added.path == "Café – notes.txt" and added.id == "cafe-notes"
    assert (small_corpus / "Café – notes.txt").is_file()
    assert engine.article("cafe-notes").path == "Café – notes.txt"


def test_upload_refusals_change_nothing(model, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    engine, _ = Engine.open(Config(corpus=folder, index=tmp_path / "index"), embedder=model)
    before = sorted(p.name for p in folder.iterdir())
    for name, data in [
        ("../x.txt", SMALL_ARTICLE.encode()),
        ("x.txt", b"\xff\xfe\x00"),
        ("x.txt", b""),
        ("dup.txt", (CORPUS / "modern-slavery-survivors-criminalised.txt").read_bytes()),
        ("modern-slavery-survivors-criminalised.txt", SMALL_ARTICLE.encode()),
    ]:
        with pytest.raises(ArticleError):
            engine.add_article(name, data)
    assert sorted(p.name for p in folder.iterdir()) == before
    assert len(engine.articles) == 2


def test_uploads_can_be_turned_off(model, tmp_path, small_corpus):
    engine, _ = Engine.open(Config(corpus=small_corpus, index=tmp_path / "index", uploads=False), embedder=model)
    with pytest.raises(ArticleError, match="turned off"):
        engine.add_article("ferry.txt", SMALL_ARTICLE.replace("cruise", "ferry").encode())
    assert [p.name for p in small_corpus.iterdir()] == ["harbour.txt"]


def test_missing_corpus_folder_is_a_clear_error(model, tmp_path):
    with pytest.raises(CorpusError, match="does not exist; create it or point CITEQA_CORPUS at one"):
        Engine.open(Config(corpus=tmp_path / "missing", index=tmp_path / "index"), embedder=model)


def test_empty_corpus_opens_and_asks_for_articles(model, tmp_path):
    (tmp_path / "empty").mkdir()
    engine, report = Engine.open(Config(corpus=tmp_path / "empty", index=tmp_path / "index"), embedder=model)
    assert report.messages == (f"No readable article in {tmp_path / 'empty'}: add .txt, .md or .html files.",)
    with pytest.raises(QuestionError, match="there are no articles to search"):
        engine.ask(GOOD)
    engine.add_article("harbour.txt", SMALL_ARTICLE.encode())
    assert engine.ask("Who is the mayor?").citations[0].article.id == "harbour"


def test_index_deleted_or_damaged_while_running(model, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    config = Config(corpus=folder, index=tmp_path / "index")
    engine, _ = Engine.open(config, embedder=model)
    shutil.rmtree(config.index)
    assert engine.ask(GOOD).found  # served from memory
    engine.add_article("harbour.txt", SMALL_ARTICLE.encode())  # rebuilds from what it holds
    assert engine.ask("Who is the mayor?").citations[0].article.id == "harbour"
    for path in config.index.rglob("*.faiss"):
        path.write_bytes(path.read_bytes()[:10])
    assert engine.ask(GOOD).found
    restarted, report = Engine.open(config, embedder=model)
    assert any("unusable and is rebuilt" in m for m in report.messages)
    assert restarted.ask(GOOD).found


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("robust-app")
    shutil.copytree(CORPUS, root / "corpus")
    with app_environment(root / "corpus", root / "index"):
        yield run_app()


@pytest.mark.parametrize("kind", BAD_QUESTIONS)
def test_app_survives_bad_questions(app, kind):
    app.chat_input[0].set_value(BAD_QUESTIONS[kind]).run()
    assert not app.exception
    if kind in ("empty", "whitespace"):
        assert "the question is empty" in app.error[0].value
    app.chat_input[0].set_value(GOOD).run()
    assert not app.exception
    assert "fieldwork in six police forces" in app.session_state["workbench"].messages[-1].citations[0].text


@pytest.mark.slow
def test_app_with_a_missing_corpus_says_so(tmp_path):
    with app_environment(tmp_path / "nowhere", tmp_path / "index"):
        at = run_app()
        assert "citeqa cannot start" in at.error[0].value and "does not exist" in at.error[0].value
        assert at.button[0].label == "Try again"


@pytest.mark.slow
def test_app_with_an_empty_corpus_invites_articles_and_takes_an_upload(tmp_path):
    (tmp_path / "empty").mkdir()
    with app_environment(tmp_path / "empty", tmp_path / "index"):
        at = run_app()
        assert at.info[0].value.startswith("The collection is empty.")
        at.chat_input[0].set_value("Who is the mayor?").run()
        assert "there are no articles to search" in at.error[0].value
        at.sidebar.file_uploader[0].set_value(("harbour.txt", SMALL_ARTICLE.encode(), "text/plain"))
        at.button(key="upload-submit").click().run()
        finish_uploads(at)
        at.chat_input[0].set_value("Who is the mayor?").run()
        assert not at.exception
        assert at.session_state["workbench"].messages[-1].citations[0].article.id == "harbour"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("CITEQA_MAX_ARTICLE_MB", "nan", "max_article_mb=nan must be a number of megabytes above 0"),
        ("CITEQA_MAX_ARTICLE_MB", "-1", "must be a number of megabytes above 0"),
        ("CITEQA_MAX_PARAGRAPHS", "0", "max_paragraphs=0 must be at least 1"),
        ("CITEQA_K", "many", "CITEQA_K='many' is not a valid int"),
    ],
)
def test_bad_settings_are_named_with_the_fix(name, value, message):
    with pytest.raises(CiteqaError, match=message):
        Config.from_env({name: value})


@pytest.mark.slow
def test_app_with_a_bad_setting_says_so_instead_of_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEQA_MAX_ARTICLE_MB", "nan")
    with app_environment(CORPUS, tmp_path / "index"):
        at = run_app()
        assert "citeqa cannot start" in at.error[0].value and "max\\_article\\_mb\\=nan" in at.error[0].value
