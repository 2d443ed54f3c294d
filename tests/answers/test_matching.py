"""What of a question each passage holds, and what it does not (no model needed): the parts of a
question, names in their other forms, years and periods against a passage's own time, the kind of
answer, and how the lists reach the answer, its highlight and the note above it."""

from __future__ import annotations

import datetime as dt

import pytest

from citeqa import Passage
from citeqa.answers.compose import compose
from citeqa.answers.evidence import Evidence
from citeqa.answers.judge import judge
from citeqa.answers.lexicon import Lexicon, acronyms, words
from citeqa.answers.matching import marks, match
from citeqa.answers.query import ANSWER, EDITION, FIGURE, MONTH, NAMED, PERIOD, QUOTED, YEAR, analyse, has_kind
from citeqa.articles.sentences import split_sentences
from citeqa.citations import render
from citeqa.records import ANSWERED, CLOSEST, Article, Hit

# A dated story and an undated one (as the BBC collection's are), written for these tests.
DATED = Article(
    id="inspection",
    path="inspection.txt",
    title="Police in Britain failing slavery victims, watchdog finds",
    paragraphs=(
        "Police in Britain have been failing victims of modern slavery since 2010, the Tory-led committee was told.",
        "Last year forces recorded 8,000 offences, up from 5,000 in 2019.",
        "The inspectors visited six forces in England and Wales, and will go back in 2022.",
        "Wendy Williams, who led the inspection, said the Conservatives had cut training.",
    ),
    sha256="a" * 64,
    outlet="Example News",
    author="May Bulman",
    date=dt.date(2021, 5, 26),
)
UNDATED = Article(
    id="sibneft",
    path="sibneft.txt",
    title="Sibneft pays more tax",
    paragraphs=(
        "Russian oil firm Sibneft has paid more tax than any other company in the country.",
        "Its effective tax rate was 24% in 2003, up from 12% the year before.",
        "The company said it would keep paying what it owed.",
        "Analysts said the rate was high for the industry.",
        "US investors welcomed the news, and so did the firm's American shareholders.",
    ),
    sha256="b" * 64,
)
ARTICLES = {a.id: a for a in (DATED, UNDATED)}


class Data:
    """The little of an index that ``Evidence`` reads."""

    def __init__(self, articles):
        from citeqa.articles.keywords import terms
        from citeqa.index.base import Terms

        self.articles = articles
        paragraphs = [set(terms(p)) for a in articles for p in a.paragraphs]
        vocabulary = set().union(*paragraphs)
        self.terms = Terms(len(paragraphs), {t: sum(t in p for p in paragraphs) for t in vocabulary})


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return Evidence(Data(list(ARTICLES.values())), ARTICLES)


def passage_hit(article: Article, number: int, score: float = 1.0, sentence: float = 0.6) -> Hit:
    text = article.paragraphs[number - 1]
    passage = Passage(article.paragraph_id(number), article.id, number, text, split_sentences(text))
    return Hit(passage, score, score, 0.5, (sentence,) * len(passage.sentences))


def held(question: str, article: Article, number: int, evidence: Evidence):
    text = article.paragraphs[number - 1]
    return match(analyse(question), article, number, text, text, evidence)


@pytest.mark.parametrize(
    "question, parts",
    [
        (
            "What did Wendy Williams tell The Independent about “basic policing” in 2020?",
            [
                ("basic policing", QUOTED),
                ("Wendy Williams", NAMED),
                ("Independent", NAMED),
                ("2020", YEAR),
                ("someone's words", ANSWER),
            ],
        ),
        ("How many iPhones did Apple sell at launch?", [("Apple", NAMED), ("iPhones", NAMED), ("a number", ANSWER)]),
        (
            "How much did UK GDP grow in the first quarter of 2006?",
            [("UK GDP", NAMED), ("2006", YEAR), ("first quarter", PERIOD), ("an amount", ANSWER)],
        ),
        ("What was broadband take-up in April 2002?", [("2002", YEAR), ("April", MONTH)]),
        ("How much income tax did he pay in 2003-4?", [("2003-4", YEAR), ("an amount", ANSWER)]),
        ("What did the 2017 inspection find about 3G masts?", [("2017", EDITION), ("3G", FIGURE)]),
        ("What did May Bulman report in May 2021?", [("Bulman", NAMED), ("2021", YEAR), ("May", MONTH)]),
    ],
)
def test_the_parts_of_a_question(question, parts):
    assert [(p.text, p.kind) for p in analyse(question).parts] == parts


@pytest.mark.parametrize(
    "name, text",
    [
        ("Britain", "The UK economy grew."),
        ("UK", "Growth in Britain was slow."),
        ("British", "The United Kingdom said so."),
        ("US", "Sales in America rose."),
        ("America", "The U.S. said no."),
        ("United States", "The US said no."),
        ("Conservatives", "The Tories said no."),
        ("Tory", "A Conservative MP said no."),
        ("Tories", "The Conservative Party said no."),
        ("Labour Party", "Labour said no."),
        ("Labour", "The Labour Party said no."),
        ("IOPC", "The Independent Office for Police Conduct said no."),
        ("Independent Office for Police Conduct", "The IOPC said no."),
        ("iPhones", "The iPhone sold well."),
        ("Beauséjour", "BEAUSEJOUR said no."),
        ("Korean", "Shares in South Korea rose."),
        ("Chinese", "Sales in China rose."),
        ("Iran", "Iranian officials said no."),
        ("Italy", "The Italian government said no."),
    ],
)
def test_a_name_is_mentioned_in_its_other_forms(name, text):
    lexicon = Lexicon.of([])
    assert lexicon.mentions(name, frozenset(words(text)), frozenset(acronyms(text)))


@pytest.mark.parametrize(
    "name, text",
    [
        ("US", "He told us the figures."),  # "us" is not the US
        ("America", "He told us the figures."),
        ("Labour Party", "The Tory party said no."),
        ("England", "Britain said no."),  # England is not the UK
        ("iPhones", "The iPod sold well."),
        ("Indian", "Indiana voted."),
        ("Germans", "The Germanic tribes."),
    ],
)
def test_a_name_is_not_mentioned_by_another_or_by_a_word_that_looks_like_it(name, text):
    lexicon = Lexicon.of([])
    assert not lexicon.mentions(name, frozenset(words(text)), frozenset(acronyms(text)))


def test_another_years_figure_is_never_the_answer(evidence):
    found = held("What rate of tax did Sibneft pay in 2010?", UNDATED, 2, evidence)
    assert found.unmatched == ("2010",) and found.failure == "the passages found do not mention “2010”"
    assert "Sibneft" in found.matched and "a number" in found.matched
    right = held("What rate of tax did Sibneft pay in 2003?", UNDATED, 2, evidence)
    assert right.unmatched == () and right.failure is None


def test_a_year_is_checked_against_the_passage_and_its_neighbours_not_the_whole_article(evidence):
    # Paragraph 4 is two paragraphs from the one that names 2003: it cannot vouch for 2003.
    far = held("What did analysts say about the rate in 2003?", UNDATED, 4, evidence)
    assert "2003" in far.unmatched
    near = held("What did analysts say about the rate in 2003?", UNDATED, 3, evidence)
    assert "2003" in near.matched  # the paragraph before it names 2003


def test_an_undated_article_cannot_confirm_a_year_nor_rule_it_out(evidence):
    found = held("What did US investors think of the news in 2022?", UNDATED, 5, evidence)
    assert found.unmatched == ("2022",) and found.failure is None  # unmatched, but nothing says another year
    verdict = judge(analyse("What did US investors think in 2022?"), [passage_hit(UNDATED, 5)], evidence)
    assert verdict.outcome == ANSWERED and verdict.matches[UNDATED.paragraph_id(5)].unmatched == ("2022",)


def test_a_decade_in_words_is_the_decade():
    from citeqa.answers import times

    assert times.in_text("we have seen worse in the seventies").years >= set(range(1970, 1980))
    assert 1985 in times.in_text("since the mid-1980s").years


def test_a_dated_article_gives_its_year_and_last_year(evidence):
    assert "2021" in held("What did the inspectors do in 2021?", DATED, 3, evidence).matched  # its date
    assert "2020" in held("How many offences were recorded in 2020?", DATED, 2, evidence).matched  # "last year"
    wrong = held("How many offences were recorded in 2016?", DATED, 2, evidence)
    assert wrong.unmatched == ("2016",) and wrong.failure  # dated 2021, naming 2019 and 2020: not 2016


def test_a_year_naming_what_is_asked_about_is_looked_for_in_the_whole_article(evidence):
    found = held("What did the 2003 review say about analysts?", UNDATED, 4, evidence)
    assert "2003" in found.matched
    missing = held("What did the 2017 review say about analysts?", UNDATED, 4, evidence)
    assert missing.unmatched == ("2017",) and missing.failure is None  # undated: it cannot rule it out
    dated = held("What did the 2017 review say about training?", DATED, 4, evidence)
    assert dated.unmatched == ("2017",) and dated.failure  # dated 2021 and never naming 2017


def test_names_match_in_their_usual_other_forms_around_a_passage(evidence):
    found = held("What did the Conservatives do to training in the UK?", DATED, 4, evidence)
    assert found.matched == ("Conservatives", "UK") and found.unmatched == ()  # "Britain" in the headline
    tories = held("Who led the Tory committee?", DATED, 1, evidence)
    assert tories.matched == ("Tory",)
    america = held("What did American investors say?", UNDATED, 5, evidence)
    assert america.matched[0] == "American"


def test_a_figure_the_question_gives_is_not_an_answer():
    assert not has_kind("Of the 322 prosecutions, many failed.", "number", "How many of the 322 prosecutions failed?")
    assert has_kind("Of the 322 prosecutions, 103 failed.", "number", "How many of the 322 prosecutions failed?")
    assert not has_kind("The 1500m race in Glasgow.", "duration", "How long did the 1500m race in Glasgow last?")
    assert has_kind("She said: “We accept it.”", "statement", "What did she say?")


def test_every_source_says_what_it_matches_and_an_answer_that_leaves_a_part_unmatched_says_so(evidence):
    question = "What did US investors think of the news in 2022?"
    hits = [passage_hit(UNDATED, 5), passage_hit(UNDATED, 2, 0.8)]
    verdict = judge(analyse(question), hits, evidence)
    answer = compose(analyse(question), hits, verdict, ARTICLES, k=2, evidence=evidence)
    first = answer.citations[0]
    assert answer.found and first.paragraph == 5
    assert first.matched == ("US",) and first.unmatched == ("2022",)
    assert render.caveat(answer) == (
        "The sources do not mention “2022”. Their article is undated, so the year cannot be checked against its date."
    )
    assert all(c.matched or c.unmatched for c in answer.citations)


def test_closest_passages_say_what_they_lack(evidence):
    question = "What rate of tax did Sibneft pay in 2010?"
    hits = [passage_hit(UNDATED, 2)]
    verdict = judge(analyse(question), hits, evidence)
    assert verdict.outcome == CLOSEST and verdict.reason == "the passages found do not mention “2010”"
    answer = compose(analyse(question), hits, verdict, ARTICLES, k=1, evidence=evidence)
    assert answer.closest[0].unmatched == ("2010",) and "Sibneft" in answer.closest[0].matched
    assert render.matches_text(answer.closest[0]) == "matches: Sibneft · a number — not found: 2010"
    assert render.matches_line(answer.closest[0]) == "matches: Sibneft · a number — :red[**not found: 2010**]"


def test_matched_words_are_marked_in_the_paragraph_however_written():
    text = "Britain's economy grew, the Tories said; the U.S. told us 13,000 Conservatives agreed."
    shown = lambda parts: [text[s:e] for s, e in marks(text, parts)]  # noqa: E731
    assert shown(("UK",)) == ["Britain"]
    assert shown(("Conservatives", "13,000", "a number")) == ["Tories", "13,000", "Conservatives"]
    assert shown(("US",)) == ["U.S"]  # not the "us" of "told us"
    assert shown(("a number",)) == []


def test_highlighted_words_are_bold_inside_and_outside_the_quote():
    text = "The UK said no. Britain agreed."
    spans = [(4, 6), (16, 23)]
    assert render.highlighted(text, 16, 31, marks=spans) == (
        "The **UK** said no\\. :orange-background[**Britain** agreed\\.]"
    )
    assert render.highlighted("A *b* c", 0, 7, marks=[(2, 5)]) == ":orange-background[A **\\*b\\*** c]"
