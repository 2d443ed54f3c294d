"""Rules that reorder the passages found (no model needed): who did what, a story's opening paragraph,
its subtitle and standfirst, a question naming an article's author or outlet, and a quotation that
goes on into the next paragraph."""

from __future__ import annotations

import datetime as dt

import pytest

from citeqa.answers.compose import compose
from citeqa.answers.evidence import Evidence
from citeqa.answers.judge import Verdict, judge
from citeqa.answers.query import analyse
from citeqa.answers.rerank import rerank
from citeqa.articles.passages import build_passages
from citeqa.citations import render
from citeqa.citations.cite import cite, source
from citeqa.records import ANSWERED, STANDFIRST, SUBTITLE, Article, Citation, Hit

REPORT = Article(
    id="report",
    path="report.txt",
    title="Slavery victims criminalised, watchdogs find",
    paragraphs=(
        "Victims of modern slavery are being criminalised by police, a new report has found.",
        "The probe was prompted by a complaint submitted by the charity Hestia.",
        "HM Inspector of Constabulary Wendy Williams, who led the probe, said forces must do better.",
        "She said: “Whilst cases can be complex, many failings reflect basic practice.",
        "“As a result, victims were left unprotected.”",
        "The Home Office said it would study the findings.",
    ),
    sha256="c" * 64,
    outlet="The Independent",
    author="May Bulman",
    date=dt.date(2021, 5, 26),
    subtitle="Victims going unprotected, inspectorate warns",
    standfirst="Report by HMICFRS, the College of Policing and the IOPC warns that survivors are deterred",
)
MATCH = Article(
    id="match",
    path="match.txt",
    title="Holmes wins in Glasgow",
    paragraphs=(
        "Kelly Holmes marked her return with victory at the Norwich Union International in Glasgow.",
        "Holmes hit the front before the bell and won in a time of four minutes 14.74 seconds.",
        "She said it was nice to get the race out of the way.",
    ),
    sha256="d" * 64,
)
ARTICLES = {a.id: a for a in (REPORT, MATCH)}
PASSAGES = {p.id: p for p in build_passages(list(ARTICLES.values()))}


class Data:
    def __init__(self, articles):
        from citeqa.articles.keywords import terms
        from citeqa.index.base import Terms

        self.articles = articles
        texts = [set(terms(p.text)) for p in PASSAGES.values()]
        self.terms = Terms(len(texts), {t: sum(t in p for p in texts) for t in set().union(*texts)})


@pytest.fixture(scope="module")
def evidence() -> Evidence:
    return Evidence(Data(list(ARTICLES.values())), ARTICLES)


def hits(*ids: str, sentence: float = 0.5) -> list[Hit]:
    """Hits of these passages, best first, with falling scores."""
    found = []
    for rank, passage_id in enumerate(ids):
        passage = PASSAGES[passage_id]
        score = 1.0 - rank / 20
        found.append(Hit(passage, score, score, 0.5, (sentence,) * len(passage.sentences)))
    return found


def ids(found: list[Hit]) -> list[str]:
    return [h.passage.id for h in found]


def test_the_subtitle_and_standfirst_are_passages_of_their_own():
    numbers = [p.number for p in build_passages([REPORT])]
    assert numbers == [SUBTITLE, STANDFIRST, 1, 2, 3, 4, 5, 6]
    assert PASSAGES["report#standfirst"].text == REPORT.standfirst
    assert REPORT.text(STANDFIRST) == REPORT.standfirst and REPORT.text(7) is None


def test_a_passage_saying_who_did_what_is_asked_comes_first_and_need_not_be_close(evidence):
    query = analyse("Who led the probe?")
    found, stated = rerank(query, hits("report#p2", "report#p1", "report#p3", sentence=0.1))
    assert ids(found)[0] == "report#p3" and stated == {"report#p3"}
    assert [h.score for h in found] == sorted((h.score for h in found), reverse=True)
    verdict = judge(query, found, evidence, stated=stated)
    assert verdict.outcome == ANSWERED and [h.passage.id for h in verdict.answering] == ["report#p3"]


def test_a_standfirst_naming_who_published_the_report_answers(evidence):
    query = analyse("Which bodies published the 2021 report?")
    found, stated = rerank(query, hits("report#p6", "report#p1", "report#standfirst", sentence=0.1))
    assert ids(found)[0] == "report#standfirst" and "report#standfirst" in stated
    verdict = judge(query, found, evidence, stated=stated)
    answer = compose(query, found, verdict, ARTICLES, k=3, evidence=evidence)
    assert answer.found and answer.citations[0].locator == "standfirst"
    assert answer.answer.startswith("Report by HMICFRS, the College of Policing and the IOPC")
    assert answer.citations[0].matched == ("2021", "a name")  # 2021: the article's date


def test_who_said_it_is_who_did_it():
    found, stated = rerank(analyse("Who said the findings would be studied?"), hits("report#p1", "report#p6"))
    assert ids(found)[0] == "report#p6" and stated == {
        "report#p6"
    }  # "The Home Office said it would study the findings"


def test_other_questions_keep_their_order():
    for question in ("What did the Home Office say?", "Why was the probe started?"):
        found, stated = rerank(analyse(question), hits("report#p6", "report#p1", "report#p3"))
        assert ids(found) == ["report#p6", "report#p1", "report#p3"] and not stated


def test_the_opening_paragraph_no_longer_outranks_the_one_holding_the_figure_asked_for():
    query = analyse("How long did Kelly Holmes take to win the race in Glasgow?")
    found, _ = rerank(query, hits("match#p1", "report#p6", "match#p2", "match#p3"))
    assert ids(found) == ["match#p2", "report#p6", "match#p1", "match#p3"]
    assert [h.score for h in found] == sorted((h.score for h in found), reverse=True)
    # An opening paragraph that holds what is asked keeps its place.
    query = analyse("Where did Kelly Holmes win?")
    assert ids(rerank(query, hits("match#p1", "match#p2"))[0]) == ["match#p1", "match#p2"]


def test_a_subtitle_or_standfirst_comes_after_the_body_paragraphs_shown_with_it():
    found, _ = rerank(analyse("What did the inspectors warn?"), hits("report#subtitle", "match#p3", "report#p1"))
    assert ids(found) == ["match#p3", "report#p1", "report#subtitle"]
    alone, _ = rerank(analyse("What did the inspectors warn?"), hits("report#subtitle", "match#p3"))
    assert ids(alone) == ["report#subtitle", "match#p3"]  # no paragraph of its body found: it stays


def test_a_question_naming_an_articles_author_or_outlet_finds_that_article(evidence):
    for question in ("What did May Bulman report about victims?", "What did The Independent report?"):
        assert evidence.named_articles(analyse(question)) == {"report"}, question
    assert evidence.named_articles(analyse("What did Kelly Holmes say?")) == set()
    assert evidence.named_articles(analyse("What did the Independent Office for Police Conduct find?")) == set()


def test_a_quotation_answered_in_two_halves_cites_both(evidence):
    query = analyse("What did Wendy Williams say about basic practice?")
    found = hits("report#p4", "report#p6")
    answer = compose(query, found, Verdict(ANSWERED, "", (found[0],)), ARTICLES, k=2, evidence=evidence)
    assert [c.paragraph for c in answer.used] == [3, 4, 5]  # what it goes on from, it, and its second half
    assert answer.answer.endswith("“As a result, victims were left unprotected.” [3]")
    assert [c.paragraph for c in answer.citations] == [4, 3, 6, 5]  # the second half after those found
    second = next(c for c in answer.citations if c.paragraph == 5)
    assert second.text[second.quote_start : second.quote_end] == second.quote and second.matched


def test_a_closed_quotation_is_not_carried_into_the_next_paragraph(evidence):
    query = analyse("Who led the probe?")
    found = hits("report#p3")
    answer = compose(query, found, Verdict(ANSWERED, "", (found[0],)), ARTICLES, k=1, evidence=evidence)
    assert [c.paragraph for c in answer.used] == [3]


def test_a_standfirst_is_cited_by_name_in_every_style():
    standfirst = REPORT.standfirst or ""
    cited = Citation(1, REPORT, STANDFIRST, standfirst, standfirst[:45], 0, 1.0)
    assert cite(cited, "plain").endswith(
        "“Slavery victims criminalised, watchdogs find”, May Bulman, 26 May 2021, standfirst"
    )
    assert "(Bulman, 2021, standfirst)." in cite(cited, "apa")
    assert source(REPORT, STANDFIRST, "apa").endswith("(standfirst)")
    assert "para." not in cite(cited, "markdown") and "standfirst" in cite(cited, "markdown")
    assert render.place(STANDFIRST) == "standfirst" and render.place(3) == "paragraph 3"


def test_a_short_sentence_going_on_about_the_same_subject_finishes_the_quote():
    from citeqa import Passage
    from citeqa.answers.quotes import quote_span
    from citeqa.articles.sentences import split_sentences

    text = "- There was also recognition for James Clarke, chairman of the London Marathon. He becomes an OBE."
    passage = Passage("honours#p4", "honours", 4, text, split_sentences(text))
    hit = Hit(passage, 1.0, 1.0, 0.5, (0.7, 0.1))
    start, end = quote_span(hit, analyse("What honour did the London Marathon chairman receive?"))
    assert text[start:end].endswith("He becomes an OBE.")
    longer = text.replace("He becomes an OBE.", "He has run the race since its first year and plans to retire soon.")
    passage = Passage("honours#p4", "honours", 4, longer, split_sentences(longer))
    start, end = quote_span(Hit(passage, 1.0, 1.0, 0.5, (0.7, 0.1)), analyse("Who chairs the London Marathon?"))
    assert longer[start:end].endswith("London Marathon.")  # a long one says something else
