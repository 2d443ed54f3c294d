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


def test_a_pledge_is_reported_from_to_and_a_clause_needs_no_that():
    found = quotations(
        'Tony Blair has pledged to "never, ever, ever" attack Michael Howard over his beliefs. He conceded his '
        "comments may have been offensive. He acknowledged his mistake.",
    )
    assert found['to "never, ever, ever" attack Michael Howard over his beliefs'].speaker == "Tony Blair"
    assert found["his comments may have been offensive"].speaker == "Tony Blair"
    assert not any(text.startswith("his mistake") for text in found)  # a thing, not a statement


def test_a_fronted_saying_clause_is_the_words_of_the_subject_after_it():
    found = quotations("Saying Britain must change direction, Mr Howard argues government is too big.")
    assert found["Britain must change direction"].speaker == "Mr Howard"
    assert found["government is too big"].speaker == "Mr Howard"


def test_a_verb_after_should_or_must_reports_nothing():
    found = quotations(
        "UK Muslims should accept that people are more likely to be stopped, a Home Office minister has said.",
    )
    assert all(q.speaker != "UK Muslims" for q in found.values())


def test_she_said_tells_that_a_later_he_is_someone_else():
    found = quotations(
        "Shelley Taylor, an analyst, said the locks were there to make money. It was a perfect example, she said.",
        "Cory Doctorow, European co-ordinator for the Electronic Frontier Foundation which campaigns for "
        'consumers, was doubtful. "Not one of these systems has ever prevented piracy," he said.',
    )
    assert found["It was a perfect example"].speaker == "Shelley Taylor"
    assert found["Not one of these systems has ever prevented piracy,"].speaker != "Shelley Taylor"


def test_a_spokesman_named_by_whose_he_is_speaks_under_that_phrase():
    found = quotations(
        "Later, the prime minister's official spokesman urged people to put the comments into context. The "
        "minister had been misunderstood, the spokesman said.",
    )
    assert found["The minister had been misunderstood"].speaker == "the prime minister's official spokesman"


def test_a_hearer_in_lower_case_words_before_a_committee_is_no_content():
    found = quotations(
        "Hazel Blears spoke on Tuesday.",
        '"The threat is most likely to come from extremists," Ms Blears told the Commons home affairs committee.',
    )
    assert found["The threat is most likely to come from extremists,"].speaker == "Hazel Blears"
    assert not any(text.startswith("home affairs") for text in found)


def test_is_to_tell_reports_what_will_be_said():
    found = quotations('Mr Kennedy is to tell the audience: "Many people were angry about the war."')
    assert found["Many people were angry about the war."].speaker == "Mr Kennedy"


def test_the_object_of_an_opening_preposition_is_no_speaker():
    found = quotations(
        'In an interview published in January, Victoria Wood slated the comedian\'s "horrible" brand of humour.',
        "\"It's a shame people can't just write a script,\" she said.",
    )
    assert all(q.speaker != "an interview" for q in found.values())
    assert found["It's a shame people can't just write a script,"].speaker == "Victoria Wood"


def test_a_relative_clause_inside_an_appositive_keeps_the_subject():
    found = quotations(
        "Ian Fogg, an analyst, said the market was crowded.",
        "Cory Doctorow, European co-ordinator for the Electronic Frontier Foundation which campaigns for "
        'consumers, was doubtful. "Not one of these systems has ever prevented piracy," he said.',
    )
    assert found["Not one of these systems has ever prevented piracy,"].speaker == "Cory Doctorow"


def test_the_mp_for_a_place_is_a_description_never_a_body_of_that_name():
    found = quotations('"The threat is real," the Salford MP told the committee.')
    assert found["The threat is real,"].speaker != "the Salford MP"


def test_an_office_stands_for_the_person_a_story_is_about_only_when_last_named():
    about_him = quotations(
        "Tony Blair has pledged never to attack Michael Howard over his beliefs.",
        'The prime minister told the Jewish Chronicle: "I attack Michael Howard politically."',
    )
    assert about_him["I attack Michael Howard politically."].speaker == "Tony Blair"
    someone_else = quotations(
        "Tony Blair has pledged never to attack Michael Howard over his beliefs.",
        "Gordon Brown said the budget was sound.",
        'The chancellor told the Jewish Chronicle: "I attack Michael Howard politically."',
    )
    assert someone_else["I attack Michael Howard politically."].speaker != "Tony Blair"


def test_concluded_after_a_quotation_is_what_a_person_said():
    found = quotations('"China\'s media are now driven by investors," Mrs Gescher concluded.')
    assert found["China's media are now driven by investors,"].speaker == "Mrs Gescher"


def test_rejected_claims_is_a_denial_kept_whole_but_a_rejected_offer_is_nothing():
    found = quotations(
        "Serena Williams has rejected claims that she and Venus are a declining force. The bank rejected the "
        "offer of £1.3bn in December.",
    )
    q = found["rejected claims that she and Venus are a declining force"]
    assert (q.type, q.speaker) == ("reported", "Serena Williams")
    assert not any("offer" in text for text in found)


def test_asked_someone_to_do_something_is_a_demand_of_the_subject():
    found = quotations(
        "The EFF, representing the reporters, has asked the Superior court to stop Apple pursuing the sources.",
    )
    q = found["the Superior court to stop Apple pursuing the sources"]
    assert (q.type, q.speaker) == ("reported", "the EFF")


def test_appositives_of_place_manner_and_participle_and_letters_after_a_name():
    found = quotations(
        'Lord Nicholls of Birkenhead, in his ruling, said: "Indefinite imprisonment is anathema."',
        "Ben Emmerson QC, representing seven of the detainees, said the men had been held for three years. "
        "He said they had no idea when they would be released.",
        "Manufacturers' organisation, the EEF, said it expected the hold in rates to continue.",
    )
    assert found["Indefinite imprisonment is anathema."].speaker == "Lord Nicholls"
    assert found["they had no idea when they would be released"].speaker == "Ben Emmerson QC"
    q = found["it expected the hold in rates to continue"]
    assert (q.speaker, q.role) == ("the EEF", "Manufacturers' organisation")


def test_an_adverb_after_the_name_and_a_conjunction_before_a_preposition_are_not_the_speaker():
    found = quotations(
        '"It was beautiful to watch," Thierry Henry afterwards said.',
        'However during the case on Tuesday Mr Ebbers denied the allegations. "I was not advised," he told the court.',
    )
    assert found["It was beautiful to watch,"].speaker == "Thierry Henry"
    assert found["I was not advised,"].speaker == "Mr Ebbers"


def test_a_clause_before_and_is_never_part_of_the_speakers_name():
    found = quotations(
        "Musiwave provides downloading infrastructure for the mobile phone market and Mr Babinet said the "
        "industry was enjoying momentum. Chelsea fans wanting tickets said the price was too high.",
    )
    assert found["the industry was enjoying momentum"].speaker == "Mr Babinet"
    assert found["the price was too high"].speaker == "Chelsea fans wanting tickets"


def test_an_appositive_of_one_word_never_breaks_the_reading():
    found = quotations("Mr Smith, in, said the plan was sound. Mr Jones, in his ruling, said it was not.")
    assert found["it was not"].speaker == "Mr Jones"
