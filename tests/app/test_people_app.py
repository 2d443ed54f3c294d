"""Who said what, in the app: the "People quoted" list in the sidebar and a person's quotations (AppTest,
the real model), and in Chromium: an answer that attributes its quotes, and a quotation copied from a
person's page with the speaker in the clipboard."""

# ruff: noqa: F811 (the fixtures of test_browser, imported, are arguments here)
from __future__ import annotations

import pytest
from conftest import run_app
from playwright.sync_api import expect
from test_browser import ask, page, server, wait_idle  # noqa: F401 (fixtures)

from citeqa import cite
from citeqa.citations.cite import speaking

pytestmark = pytest.mark.slow
READ_CLIPBOARD = "async () => await navigator.clipboard.readText()"


def people_buttons(at) -> dict[str, str]:
    return {b.key: b.label for b in at.sidebar.button if str(b.key).startswith("person-")}


def test_the_people_quoted_list_counts_the_articles_chosen_and_opens_a_persons_quotations(app_env):
    at = run_app()
    assert "People quoted" in [e.label for e in at.sidebar.expander]
    assert people_buttons(at) == {}  # drawn only while open
    at.session_state["people"] = True
    at.run()
    listed = people_buttons(at)
    assert listed["person-wendy williams"].startswith("Wendy Williams · ")
    assert listed["person-wendy williams"].endswith("quotations")
    assert "person-shaun sawyer" in listed
    assert not any("senior officers" in label.lower() for label in listed.values())  # a common phrase
    caption = next(c.value for c in at.sidebar.caption if "quoted in" in c.value)
    assert caption.startswith(f"{len(listed)} people and bodies quoted in all articles")

    at.text_input(key="people-words").input("sawyer").run()  # found by name
    assert list(people_buttons(at)) == ["person-shaun sawyer"]
    at.text_input(key="people-words").input("").run()

    at.radio(key="scope").set_value("picked").run()  # only the articles picked count
    at.session_state["picked"] = ["police-failings-allow-trafficking-to-continue"]
    at.run()
    picked = people_buttons(at)
    assert "person-shaun sawyer" in picked and "person-sara thornton and vera baird qc" not in picked
    assert picked["person-shaun sawyer"].endswith("· 2 quotations")
    at.radio(key="scope").set_value("all").run()

    at.button(key="person-wendy williams").click().run()
    assert not at.exception, at.exception
    assert at.query_params["person"] == "wendy williams"
    assert at.title[0].value == "Wendy Williams"
    cards = [c.value for c in at.main.caption if c.value.startswith("Quoted")]
    assert cards and all("Wendy Williams" in c for c in cards)
    at.button(key="person-back").click().run()
    assert "person" not in at.query_params


def test_an_answer_about_a_person_attributes_each_quote_in_the_chat(app_env):
    at = run_app()
    at.chat_input[0].set_value("What did Shaun Sawyer say?").run()
    assert not at.exception, at.exception
    answer = at.session_state["workbench"].messages[-1]
    assert answer.found and all(c.speaker == "Shaun Sawyer" for c in answer.citations)
    shown = "\n".join(m.value for m in at.main.markdown)
    assert "Shaun Sawyer said" in shown and "Shaun Sawyer added" in shown


def test_in_a_browser_an_answer_attributes_its_quotes_and_a_persons_quote_copies_with_its_speaker(page, engine):
    ask(page, "What did Shaun Sawyer say?")
    answer = page.get_by_test_id("stChatMessage").nth(1)
    expect(answer).to_contain_text("Shaun Sawyer said that “the police service was")
    expect(answer).to_contain_text("Shaun Sawyer added: “When someone reports a crime")

    page.get_by_text("People quoted").click()
    wait_idle(page)
    page.get_by_role("button", name="Wendy Williams").first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Wendy Williams")).to_be_visible()
    quotes = engine.quotations(key="wendy williams")
    first = quotes[0]
    page.evaluate("navigator.clipboard.writeText('')")
    page.get_by_role("button", name=f"Copy quote {first.n} with its citation").click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''", timeout=5_000)
    copied = page.evaluate(READ_CLIPBOARD)
    assert copied == cite(first)
    assert copied.startswith(f"{speaking(first, role=True)} “")
    assert copied.startswith("Wendy Williams, ")
