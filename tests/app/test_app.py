"""The app's flows with streamlit.testing's AppTest and the real engine: ask, refuse, follow up,
settings, upload, reader view, export, basket."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from conftest import CORPUS, SMALL_ARTICLE, app_environment, finish_uploads, run_app
from streamlit.testing.v1 import AppTest

from citeqa.records import CLOSEST


@pytest.fixture
def at(app_env) -> AppTest:
    return run_app()


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_first_page_offers_the_chat_and_the_settings(at):
    assert at.title[0].value == "Ask the articles"
    assert at.slider(key="k").value == 5
    assert at.selectbox(key="style").value == "plain"
    assert at.radio(key="scope").value == "all"
    assert any("Who submitted the super-complaint?" in i.value for i in at.info)
    assert len([b for b in at.sidebar.button if (b.key or "").startswith("read-article-")]) == 2


def test_ask_shows_the_cited_answer(at):
    ask(at, "Who submitted the super-complaint that prompted the investigation?")
    body = texts(at)
    assert "super\\-complaint submitted by charity Hestia" in body
    assert "[\\[1\\]](#t0-source-1)" in body  # the marker links to its source
    assert "\\[1\\] Modern slavery survivors criminalised" in body
    assert ":orange-background[The probe was prompted" in body  # the quote is highlighted


def test_not_in_the_articles_says_so_and_keeps_the_nearest_passages_apart(at):
    ask(at, "What is the capital of France?")
    assert at.error[0].value == "**Not in these articles.** The articles never mention “France”\\."
    assert "Nearest passages — they do not answer it" in [e.label for e in at.main.expander]


def test_closest_passages_are_shown_as_such_with_the_reason(at):
    ask(at, "How much funding does Hestia receive from the government?")
    answer = at.session_state["workbench"].messages[-1]
    assert answer.outcome == CLOSEST
    assert at.warning[0].value.startswith("**Closest passages — they may not answer this.** The passages found")
    assert not any(b.key == "copy-t0-all" for b in at.button)  # no "Copy all": there is no answer to copy


def test_follow_up_uses_the_conversation(at):
    ask(at, "What did Wendy Williams say about the current system?")
    ask(at, "What did she say about the shortcomings?")
    assert "deficiencies in basic policing practice" in texts(at)
    assert len(at.session_state["workbench"].messages) == 2
    at.button(key="new").click().run()
    assert at.session_state["workbench"].messages == []


def test_settings_change_sources_articles_and_style(at):
    at.slider(key="k").set_value(2).run()
    at.button(key="pick-police-failings-allow-trafficking-to-continue").click().run()
    assert at.radio(key="scope").value == "picked"
    at.selectbox(key="style").set_value("apa").run()
    ask(at, "What did Shaun Sawyer say?")
    answer = at.session_state["workbench"].messages[-1]
    assert len(answer.citations) == 2
    assert {c.article.id for c in answer.citations} == {"police-failings-allow-trafficking-to-continue"}


def test_empty_question_gets_a_message_not_a_crash(at):
    ask(at, "   ")
    assert "the question is empty" in at.error[0].value


def test_upload_adds_an_article_that_can_be_asked_about(at, app_env):
    uploader = at.sidebar.file_uploader[0]
    uploader.set_value(("harbour.txt", SMALL_ARTICLE.encode(), "text/plain"))
    at.button(key="upload-submit").click().run()
    finish_uploads(at)
    assert any("Added “Harbour town bans cruise ships" in s.value for s in at.sidebar.success)
    assert (app_env / "corpus" / "harbour.txt").read_text(encoding="utf-8") == SMALL_ARTICLE
    ask(at, "Who is the mayor who called the vote a victory?")
    assert at.session_state["workbench"].messages[-1].citations[0].article.id == "harbour"


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("../escape.txt", b"Headline\n\nA sentence that is long enough to be an article body.", "has a path in it"),
        ("binary.txt", b"\x00\x01\x02", "binary"),
        ("modern copy.txt", (CORPUS / "modern-slavery-survivors-criminalised.txt").read_bytes(), "repeats"),
    ],
)
def test_bad_upload_is_refused_and_changes_nothing(at, app_env, name, data, reason):
    before = sorted(p.name for p in (app_env / "corpus").iterdir())
    at.sidebar.file_uploader[0].set_value((name, data, "text/plain"))
    at.button(key="upload-submit").click().run()
    assert reason in at.sidebar.error[0].value
    assert sorted(p.name for p in (app_env / "corpus").iterdir()) == before


def test_adding_with_no_file_chosen_says_what_to_do(at, app_env):
    before = sorted(p.name for p in (app_env / "corpus").iterdir())
    at.button(key="upload-submit").click().run()
    assert not at.exception
    assert any(
        "No file was received. Choose a .txt, .md or .html file of at most 10 MB" in w.value for w in at.sidebar.warning
    )
    assert sorted(p.name for p in (app_env / "corpus").iterdir()) == before


def test_reader_view_shows_the_article_with_the_paragraph_highlighted(app_env):
    at = run_app(article="police-failings-allow-trafficking-to-continue", p="12")
    assert at.title[0].value.startswith("Police failings allow human trafficking")
    body = texts(at)
    assert "**¶ 12** :orange-background[Premises targeted as part of police activity" in body
    assert "**¶ 11** An official estimate" in body


def test_question_in_the_url_is_asked_on_load(app_env):
    at = run_app(q="What types of premises were targeted by police?")
    assert "nail bars, brothels and car washes" in texts(at)


def test_export_and_basket(at):
    ask(at, "How much is the Government investing to help police tackle modern slavery?")
    labels = [b.label for b in at.sidebar.download_button]
    assert "Export conversation (Markdown)" in labels
    at.button(key="pin-t0-1").click().run()
    pinned = at.session_state["workbench"].basket
    assert len(pinned) == 1 and "£8.5 million" in pinned[0].citation.quote
    assert at.button(key="pin-t0-1").disabled and at.button(key="pin-t0-1").label == "Pinned ✓"
    assert "Download quotes (Markdown)" in [b.label for b in at.sidebar.download_button]


def test_basket_items_take_notes_move_and_go_one_by_one(at):
    ask(at, "What did Shaun Sawyer say?")
    answer = at.session_state["workbench"].messages[-1]
    further = [c for c in answer.citations if c not in answer.used]
    at.button(key="pin-t0-1").click().run()
    at.button(key=f"pin-t0-{further[0].n}").click().run()  # a passage found but not quoted can be pinned too
    pins = at.session_state["workbench"].basket
    assert [p.citation.n for p in pins] == [1, further[0].n]
    at.text_input(key=f"note-{pins[1].key}").set_value("Check with the press office").run()
    assert at.session_state["workbench"].basket[1].note == "Check with the press office"
    second = at.session_state["workbench"].basket[1].key
    at.button(key=f"up-{second}").click().run()
    assert at.session_state["workbench"].basket[0].key == second  # moved up, note and all
    assert at.session_state["workbench"].basket[0].note == "Check with the press office"
    at.button(key=f"remove-{second}").click().run()
    assert [p.citation.n for p in at.session_state["workbench"].basket] == [1]


def test_older_answers_show_in_summary_until_opened(at):
    for question in ("What is Section 45?", "What did Shaun Sawyer say?", "How long were investigations delayed?"):
        ask(at, question)
    at.run()
    keys = {b.key for b in at.button}
    assert "open-t0" in keys and "pin-t0-1" not in keys  # the oldest answer is a summary
    assert "pin-t2-1" in keys and "open-t2" not in keys  # the latest is shown in full
    assert any(c.value.startswith("Sources\\: \\[1\\] Modern slavery survivors") for c in at.caption)
    at.button(key="open-t0").click().run()
    assert "pin-t0-1" in {b.key for b in at.button}


def test_reader_back_button_returns_to_the_chat(app_env):
    at = run_app(article="police-failings-allow-trafficking-to-continue", p="3")
    at.button(key="back").click().run()
    assert at.title[0].value == "Ask the articles"
    assert "article" not in at.query_params


def test_reader_with_an_unknown_article_or_paragraph_says_so(app_env):
    assert "There is no article" in run_app(article="nope").error[0].value
    at = run_app(article="police-failings-allow-trafficking-to-continue", p="99")
    assert "there is no paragraph 99" in at.warning[0].value


@pytest.mark.parametrize("p", ["²", "1" * 5000, "-3", "4.5", "١٢"])
def test_reader_with_a_paragraph_that_is_not_a_number_shows_the_article(app_env, p):
    at = run_app(article="police-failings-allow-trafficking-to-continue", p=p)
    assert not at.exception
    assert "is not a paragraph number; here is the whole article" in at.warning[0].value
    assert "**¶ 12** Premises targeted" in texts(at)


def test_a_question_with_no_words_asks_for_a_real_question(at):
    for question in ("?", "a", "what is the", "who?"):
        ask(at, question)
        assert "has no words to search for" in at.error[0].value
    assert at.session_state["workbench"].messages == []


def test_the_reader_highlights_the_quoted_sentence_not_the_whole_paragraph(app_env):
    at = run_app(article="police-failings-allow-trafficking-to-continue", p="8", s="0", e="53")
    body = texts(at)
    assert "**¶ 8** :orange-background[She said\\: “Whilst modern slavery cases can be complex] and require" in body


def test_the_reader_opens_in_the_same_session_at_the_quote_and_comes_back(app_env):
    at = run_app(q="What did Wendy Williams say about the shortcomings?")
    bench = at.session_state["workbench"]
    assert "q" not in at.query_params and at.query_params["c"] == bench.conversation  # asked, not asked again
    citation = bench.messages[-1].used[0]
    at.button(key=f"read-t0-{citation.n}").click().run()
    assert at.query_params["article"] == citation.article.id and at.query_params["p"] == str(citation.paragraph)
    assert at.query_params["s"] == str(citation.quote_start) and at.query_params["e"] == str(citation.quote_end)
    assert at.query_params["c"] == bench.conversation  # the link names the conversation too
    assert f":orange-background[{citation.quote[:20]}" in texts(at).replace("\\", "")
    at.button(key="back").click().run()
    assert "article" not in at.query_params and at.query_params["c"] == bench.conversation
    assert at.session_state["workbench"].messages[-1] == bench.messages[-1]  # the same session, not a fresh one
    assert f"read-t0-{citation.n}" in {b.key for b in at.button}


def test_paragraphs_around_a_source_include_it_marked(at):
    ask(at, "How many police forces did the fieldwork cover?")
    citation = at.session_state["workbench"].messages[-1].citations[0]
    around = next(e for e in at.main.expander if e.label == "Paragraphs around it")
    shown = "\n".join(m.value for m in around.markdown)
    n = citation.paragraph
    assert f"**¶ {n - 1}**" in shown and f"**▶ ¶ {n}** " in shown and f"**¶ {n + 1}**" in shown
    assert shown.index(f"¶ {n - 1}") < shown.index(f"▶ ¶ {n}") < shown.index(f"¶ {n + 1}")


def test_an_article_is_removed_only_when_confirmed_and_the_collection_shows_it_at_once(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    with app_environment(corpus, tmp_path / "index"):
        at = run_app()
        at.button(key="manage-police-failings-allow-trafficking-to-continue").click().run()
        assert at.button(key="manage-remove").disabled  # not before the removal is confirmed
        at.checkbox(key="manage-sure").check().run()
        at.button(key="manage-remove").click().run()
        assert not at.exception
        assert any("Removed “Police failings allow human trafficking" in s.value for s in at.sidebar.success)
        assert any(e.label == "Collection: 1 articles" for e in at.sidebar.expander)
        assert [p.name for p in corpus.iterdir() if not p.name.startswith(".")] == [
            "modern-slavery-survivors-criminalised.txt"
        ]
        ask(at, "How much is the Government investing to help police tackle modern slavery?")
        last = at.session_state["workbench"].messages[-1]
        cited = last.citations + last.closest
        assert all(c.article.id != "police-failings-allow-trafficking-to-continue" for c in cited)


def test_a_conversation_and_its_basket_reopen_from_their_address_read_only_for_others(app_env):
    at = run_app()
    ask(at, "Who submitted the super-complaint?")
    ask(at, "What did Shaun Sawyer say?")
    at.button(key="pin-t1-1").click().run()
    bench = at.session_state["workbench"]
    at.text_input(key=f"note-{bench.basket[0].key}").input("for the intro").run()
    conversation = at.query_params["c"]
    assert conversation == bench.conversation and "q" not in at.query_params

    other = run_app(c=conversation)  # a new session: a shared link, or this link on another machine
    shared = other.session_state["workbench"]
    assert shared.messages == bench.messages and shared.basket == bench.basket
    assert shared.basket[0].note == "for the intro"
    assert shared.read_only and other.chat_input[0].disabled
    assert other.button(key="pin-t1-2").disabled  # nothing of theirs can be changed
    assert "shared with you" in other.info[0].value
    other.button(key="copy-conversation").click().run()
    copy = other.session_state["workbench"]
    assert not copy.read_only and copy.conversation != conversation and other.query_params["c"] == copy.conversation
    assert copy.messages == bench.messages and copy.basket == bench.basket
    ask(other, "And the Home Office?")
    assert len(run_app(c=conversation).session_state["workbench"].messages) == 2  # the original is unchanged
    citation = bench.messages[-1].citations[0]  # a shared reader link opens the reader, beside the conversation
    shared_reader = run_app(c=conversation, article=citation.article.id, p=str(citation.paragraph))
    assert shared_reader.query_params["article"] == citation.article.id
    assert any(f"**¶ {citation.paragraph}**" in m.value for m in shared_reader.markdown)
    assert len(run_app(c=copy.conversation).session_state["workbench"].messages) == 3


def test_new_conversation_starts_empty_and_the_old_one_is_listed(app_env):
    at = run_app()
    ask(at, "Who submitted the super-complaint?")
    at.button(key="pin-t0-1").click().run()
    first = at.session_state["workbench"].conversation
    at.button(key="new").click().run()
    bench = at.session_state["workbench"]
    assert bench.messages == [] and bench.basket == [] and "c" not in at.query_params
    ask(at, "How many police forces did the fieldwork cover?")
    assert at.sidebar.expander(key="past").label == "Past conversations: 2"
    assert at.button(key=f"conversation-{bench.conversation}").disabled  # the open one
    at.button(key=f"conversation-{first}").click().run()
    assert at.query_params["c"] == first and len(bench.messages) == 1 and len(bench.basket) == 1
    assert bench.messages[0].question == "Who submitted the super-complaint?"


def test_an_unknown_conversation_address_says_so_and_starts_afresh(app_env):
    for address in ("A" * 22, "../../etc", "<script>alert(1)</script>"):
        at = run_app(c=address)
        assert "no saved conversation at this address" in at.warning[0].value
        assert "c" not in at.query_params and at.session_state["workbench"].messages == []


def test_a_long_conversation_draws_only_its_latest_turns(app_env):
    at = run_app()
    for number in range(12):
        ask(at, f"How many police forces did the fieldwork cover? ({number})")
    drawn = [m for m in at.main.chat_message if m.name == "user"]
    assert len(drawn) == 10
    assert at.button(key="earlier").label == "Show earlier questions (2 not shown)"
    at.button(key="earlier").click().run()
    assert len([m for m in at.main.chat_message if m.name == "user"]) == 12


def test_a_large_collection_is_found_by_words_outlet_and_date_a_page_at_a_time(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(45):
        outlet, year = ("Harbour Gazette", 2024) if i % 3 else ("Ferry Times", 2005)
        (corpus / f"story-{i:02d}.md").write_text(
            f"---\ntitle: Council story number {i}\noutlet: {outlet}\ndate: {year}-03-{i % 28 + 1:02d}\n---\n\n"
            f"The council met for the {i}th time to discuss the harbour and the ferry timetable.\n",
            encoding="utf-8",
        )
    with app_environment(corpus, tmp_path / "index"):
        at = run_app()
        rows = lambda: [b.key for b in at.sidebar.button if (b.key or "").startswith("read-article-")]  # noqa: E731
        assert len(rows()) == 20 and any("45 of 45 articles · page 1 of 3" in c.value for c in at.sidebar.caption)
        assert any("Ask in your own words" in i.value for i in at.info)  # not the default corpus's questions
        at.button(key="collection-next").click().run()
        assert len(rows()) == 20 and rows()[0] != "read-article-story-00"
        at.multiselect(key="find-outlets").set_value(["Ferry Times"]).run()
        assert len(rows()) == 15 and rows()[0] == "read-article-story-00"  # a new search starts at its first page
        at.text_input(key="find-words").input("number 12").run()
        assert rows() == ["read-article-story-12"]
        at.radio(key="scope").set_value("found").run()
        ask(at, "What did the council discuss?")
        answer = at.session_state["workbench"].messages[-1]
        assert {c.article.id for c in answer.citations + answer.closest} == {"story-12"}
        at.text_input(key="find-words").input("").run()
        at.multiselect(key="find-outlets").set_value([]).run()
        dates = at.date_input(key="find-dates")
        # A range may reach past the collection's own dates on either side; the help says what they are.
        assert dates.min <= dt.date(1900, 1, 1) and dates.max.year >= dt.date.today().year + 10
        assert "dated 1 March 2005 to 27 March 2024" in dates.help
        dates.set_value((dt.date(2000, 1, 1), dt.date(2005, 12, 31))).run()
        assert any("15 of 45 articles" in c.value for c in at.sidebar.caption), [c.value for c in at.sidebar.caption]
        dates.set_value((dt.date(2024, 1, 1), dt.date(2030, 12, 31))).run()
        assert any("30 of 45 articles" in c.value for c in at.sidebar.caption), [c.value for c in at.sidebar.caption]
