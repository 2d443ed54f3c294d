"""Attributions the news writes in many ways: a description for a named person, a hearer before a time
or place, an appositive whose closing comma is missing, a first name that ends like an adverb."""

from __future__ import annotations

from citeqa.quotations import Quotation, extract
from citeqa.records import Article


def quotations(*paragraphs: str) -> dict[str, Quotation]:
    """Each quotation found, by its exact text."""
    article = Article(id="a", path="a.txt", title="A story", paragraphs=paragraphs, sha256="0")
    return {paragraphs[q.paragraph - 1][q.start : q.end]: q for q in extract(article)}


def test_a_first_name_ending_in_ly_is_a_name_not_an_adverb():
    found = quotations(
        "When the ID card idea was floated, Mr Eavis' daughter Emily said it would be a big step.",
    )
    q = found["it would be a big step"]
    assert (q.speaker, q.role, q.kind) == ("Emily", "Mr Eavis' daughter", "named")


def test_told_a_hearer_then_a_time_or_place_attributes_the_quotation_before_it():
    found = quotations(
        '"We were certainly not sophisticated," Mr Yang told reporters ahead of the anniversary, which falls '
        "on 2 March.",
    )
    assert found["We were certainly not sophisticated,"].speaker == "Mr Yang"
    assert not any(text.startswith("ahead of") for text in found)  # where he spoke is not what he said


def test_the_title_a_person_is_given_elsewhere_names_the_description():
    found = quotations(
        "Mikhail Saakashvili was elected in January. The amnesty was proposed before President Saakashvili "
        "took office.",
        '"There are people who have money but are afraid to show it," the president told a government session.',
    )
    q = found["There are people who have money but are afraid to show it,"]
    assert (q.speaker, q.role, q.kind) == ("Mikhail Saakashvili", "President", "pronoun")


def test_a_description_is_left_unknown_when_two_people_hold_the_title():
    found = quotations(
        "Talks between President Bush and President Chirac ended in Paris.",
        '"It was a good meeting," the president told a news conference.',
    )
    q = found["It was a good meeting,"]
    assert (q.speaker, q.kind) == (None, "unknown")


def test_an_appositive_without_its_closing_comma_still_names_the_speaker():
    found = quotations(
        '"The story this year is all about digital," Jeff Joseph, from the Consumer Electronics Association '
        "(CEA) told the BBC News website.",
    )
    q = found["The story this year is all about digital,"]
    assert (q.speaker, q.role) == ("Jeff Joseph", "from the Consumer Electronics Association (CEA)")


def test_an_age_or_a_position_stands_for_the_person_the_story_is_about():
    found = quotations(
        "Jonny Wilkinson looks set to miss the whole of the Six Nations.",
        "England's World Cup-winning fly-half said last week he was hoping to recover in time.",
        '"It had a psychological impact on us," added the 30-year-old.',
    )
    assert found["he was hoping to recover in time"].speaker == "Jonny Wilkinson"
    assert found["It had a psychological impact on us,"].speaker == "Jonny Wilkinson"


def test_a_sentence_opening_adverb_is_never_a_speaker():
    found = quotations('Originally dubbed "Jerry\'s Guide to the World Wide Web" the firm adopted a new name.')
    assert all(q.speaker != "Originally" for q in found.values())


def test_told_voters_reports_the_clause_after_the_hearer():
    found = quotations("Charles Kennedy has told voters his party will offer them an honest choice.")
    q = found["his party will offer them an honest choice"]
    assert (q.type, q.speaker) == ("reported", "Charles Kennedy")


def test_his_lawyer_is_the_lawyer_of_the_person_the_story_is_about():
    found = quotations(
        "Stan Lee won a share of the profits from the Spider-Man films.",
        'Of the cut now due to Lee, his lawyer said: "It could be tens of millions of dollars."',
    )
    assert found["It could be tens of millions of dollars."].speaker == "Stan Lee's lawyer"
