"""Composing an answer from ranked passages: verbatim quotes (see quotes.py), each followed by its
citation marker. A paragraph that goes on from the one before ("Instead they ...") is quoted after the
sentence it continues, and a quotation that goes on into the next paragraph (“... practice. / “As a
result, ...”) is quoted with its second half, each cited to its own paragraph. The markers are numbered
in reading order ([1] first, then [2], ...), and the passages found but not quoted follow. When nothing
answers, the answer says which of the other two outcomes it is and why, and lists the passages found
apart from any answer. Every source says what of the question it matches and what it does not
(matching.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from citeqa.answers.evidence import Evidence
from citeqa.answers.judge import Verdict
from citeqa.answers.matching import Match, match
from citeqa.answers.query import Query
from citeqa.answers.quotes import Quoting, balance, quote_span, unmatched
from citeqa.articles.duplicates import Duplicates, same_passage
from citeqa.articles.passages import continues
from citeqa.articles.sentences import split_sentences
from citeqa.records import ANSWERED, CLOSEST, NOT_FOUND, Answer, Article, Citation, Hit


@dataclass(frozen=True)
class Composition:
    """How an answer is put together."""

    sentences: int = 3  # at most this many quotes in the answer text, the sentences continuations go on from included
    keep: float = 0.9  # a further passage's quote joins if it scores this share of the best
    other_article: float = 0.8  # the best passage of another article joins at this share


def compose(
    query: Query,
    hits: list[Hit],
    verdict: Verdict,
    articles: dict[str, Article],
    *,
    k: int,
    notes: tuple[str, ...] = (),
    how: Composition = Composition(),
    quoting: Quoting = Quoting(),
    evidence: Evidence | None = None,
) -> Answer:
    """The answer to ``query`` from ``hits`` (best first), as ``verdict`` judged them.

    Args:
        evidence: what the passages are matched against, for a source the verdict did not match (the
            paragraph a quote goes on from); without it, such a source lists nothing matched.
    """
    held = _Held(query, verdict, evidence)
    if verdict.outcome != ANSWERED:
        closest = _numbered([held.judged(_citation(hit, articles, query, quoting)) for hit in hits[:k]])
        lead = "Not in these articles" if verdict.outcome == NOT_FOUND else "These passages may not answer it"
        text = f"{lead}: {verdict.reason}." if verdict.reason else f"{lead}."
        return Answer(query.question, verdict.outcome, text, (), tuple(closest), verdict.reason, notes, query.text)
    assert verdict.hit is not None
    # Only passages that pass the checks are quoted; the others found are listed as further sources.
    answering = list(verdict.answering)
    place = {id(h): i for i, h in enumerate(answering)}
    picked = [answering[i] for i in _picked(answering, how) if _quotable(answering[i], query, quoting)]
    if not picked:  # "What else?": the next passage that passes and has something not yet quoted
        picked = [h for h in answering if _quotable(h, query, quoting)][:1]
    if not picked:
        reason = "what the articles say on it was quoted earlier in this conversation"
        again = Verdict(CLOSEST, reason, (), verdict.matches)
        return compose(query, hits, again, articles, k=k, notes=notes, quoting=quoting, evidence=evidence)
    # The passage that answers comes first; the rest keep the order they were found in.
    first = min(picked, key=lambda h: place[id(h)])
    shown = ([first] + [h for h in hits if h is not first])[:k]
    # The answering passage is always quoted; the others picked join in the order found while the answer
    # stays within ``how.sentences`` quotes, the sentences that continuations go on from counted.
    quoted = [first]
    others = sorted((h for h in picked if h is not first and any(h is s for s in shown)), key=lambda h: place[id(h)])
    for hit in others:
        if len(_assemble(shown, [*quoted, hit], articles, query, quoting, held)[1]) <= how.sentences:
            quoted.append(hit)
    citations, used = _assemble(shown, quoted, articles, query, quoting, held)
    # Numbered in reading order: the quotes as the answer gives them, then the passages not quoted. They
    # are listed in the order of relevance: the passage that answers first (what ``evaluate`` ranks).
    order = used + [p for p in citations if p not in used]
    numbered = {p: replace(citations[p], n=n) for n, p in enumerate(order, start=1)}
    text = " ".join(f"{numbered[p].quote} [{numbered[p].n}]" for p in used)
    return Answer(
        query.question,
        ANSWERED,
        text,
        tuple(numbered[p] for p in citations),
        notes=notes,
        search_query=query.text,
        quoted=tuple(numbered[p].n for p in used),
    )


def _assemble(
    shown: list[Hit], quoted: list[Hit], articles: dict[str, Article], query: Query, quoting: Quoting, held: _Held
) -> tuple[dict[str, Citation], list[str]]:
    """The citations of the passages ``shown`` (by passage id), and the ids of those whose quotes make
    the answer, in the order it gives them: the ``quoted`` hits in the order shown, each after the
    sentence it continues (cited to its own paragraph)."""
    citations: dict[str, Citation] = {}
    used: list[str] = []
    # The second halves of quotations are listed after the passages found: they are what the answer's
    # quote goes on to, not what was found for the question.
    after: dict[str, Citation] = {}
    for hit in shown:
        if hit.passage.id not in citations:
            citations[hit.passage.id] = held.judged(_citation(hit, articles, query, quoting))
        if any(hit is q for q in quoted):
            lead_in = _lead_in(hit, articles)
            if lead_in is not None and lead_in.passage_id not in used and not _given(lead_in, query):
                citations.setdefault(lead_in.passage_id, held.fresh(lead_in))
                used.append(lead_in.passage_id)
            if hit.passage.id not in used:
                used.append(hit.passage.id)
            lead_out = _lead_out(citations[hit.passage.id], articles)
            if lead_out is not None and lead_out.passage_id not in used and not _given(lead_out, query):
                after.setdefault(lead_out.passage_id, held.fresh(lead_out))
                used.append(lead_out.passage_id)
    for passage_id, citation in after.items():
        citations.setdefault(passage_id, citation)
    return citations, used


def _picked(hits: list[Hit], how: Composition) -> list[int]:
    """The indices of the hits whose quotes may make up the answer, by priority: the best; the best of
    each other article that comes close (a person quoted in both is cited from both); then close
    seconds; at most ``how.sentences``."""
    best = hits[0].score
    chosen = [0]
    articles = {hits[0].passage.article_id}
    for i, hit in enumerate(hits):
        if hit.passage.article_id not in articles and hit.score >= how.other_article * best:
            chosen.append(i)
            articles.add(hit.passage.article_id)
    for i, hit in enumerate(hits):
        if i not in chosen and hit.score >= how.keep * best:
            chosen.append(i)
    return chosen[: how.sentences]


def _quotable(hit: Hit, query: Query, quoting: Quoting) -> bool:
    """Whether the quote a hit would give was not given before in the conversation ("what else")."""
    start, end = quote_span(hit, query, quoting)
    return not any(p == hit.passage.id and s < end and start < e for p, s, e in query.exclude)


def _given(citation: Citation, query: Query) -> bool:
    """Whether the citation's quote overlaps one given before in the conversation."""
    return any(
        p == citation.passage_id and s < citation.quote_end and citation.quote_start < e for p, s, e in query.exclude
    )


def _lead_in(hit: Hit, articles: dict[str, Article]) -> Citation | None:
    """For a paragraph that continues the one before, that paragraph's last sentence, cited to it."""
    article = articles[hit.passage.article_id]
    number = hit.passage.number
    if not continues(article, number):
        return None
    text = article.paragraphs[number - 2]
    spans = split_sentences(text)
    start, end = balance(text, spans, len(spans) - 1, len(spans) - 1)
    return Citation(
        n=0, article=article, paragraph=number - 1, text=text, quote=text[start:end], quote_start=start, score=0.0
    )


def _lead_out(citation: Citation, articles: dict[str, Article]) -> Citation | None:
    """For a quote that ends in a quotation the paragraph leaves open, the next paragraph's first
    sentence when it carries the quotation on (news style opens each paragraph of a long quotation
    and closes only the last), cited to it."""
    article = citation.article
    number = citation.paragraph
    if not 1 <= number < len(article.paragraphs) or citation.quote_end < len(citation.text.rstrip()):
        return None
    opened, _ = unmatched(citation.text)
    text = article.paragraphs[number]
    if not opened or not text.startswith(("“", '"')):
        return None
    spans = split_sentences(text)
    start, end = balance(text, spans, 0, 0)
    return Citation(
        n=0, article=article, paragraph=number + 1, text=text, quote=text[start:end], quote_start=start, score=0.0
    )


class _Held:
    """Sources with what of the question each matches: the verdict's for a passage it judged, else (a
    paragraph a quote goes on from, with a quote of its own) worked out here when there is ``evidence``."""

    def __init__(self, query: Query, verdict: Verdict, evidence: Evidence | None) -> None:
        self.query, self.verdict, self.evidence = query, verdict, evidence

    def judged(self, citation: Citation) -> Citation:
        """A source of a passage found, quoted as the verdict matched it."""
        found = self.verdict.matches.get(citation.passage_id)
        return self.fresh(citation) if found is None else _with(citation, found)

    def fresh(self, citation: Citation) -> Citation:
        """A source matched on its own quote."""
        if self.evidence is None or citation.article.id not in self.evidence.articles:
            return citation
        article = citation.article
        return _with(
            citation, match(self.query, article, citation.paragraph, citation.text, citation.quote, self.evidence)
        )


def _with(citation: Citation, found: Match) -> Citation:
    return replace(citation, matched=found.matched, unmatched=found.unmatched)


def _citation(hit: Hit, articles: dict[str, Article], query: Query, quoting: Quoting) -> Citation:
    start, end = quote_span(hit, query, quoting)
    passage = hit.passage
    return Citation(
        n=0,
        article=articles[passage.article_id],
        paragraph=passage.number,
        text=passage.text,
        quote=passage.text[start:end],
        quote_start=start,
        score=round(hit.score, 4),
    )


def _numbered(citations: list[Citation]) -> list[Citation]:
    return [replace(c, n=i) for i, c in enumerate(citations, start=1)]


def one_per_story(hits: list[Hit], duplicates: Duplicates | None) -> list[Hit]:
    """``hits`` without the passages of a near-duplicate story that repeat a passage already among them
    (the better placed is kept), so that one story is quoted once."""
    if duplicates is None or not duplicates.groups:
        return hits
    kept: list[Hit] = []
    for hit in hits:
        others = duplicates.others(hit.passage.article_id)
        if not any(k.passage.article_id in others and same_passage(hit.passage.text, k.passage.text) for k in kept):
            kept.append(hit)
    return kept


def with_also_in(answer: Answer, duplicates: Duplicates | None, articles: dict[str, Article]) -> Answer:
    """``answer`` with each citation naming the near-duplicate stories that hold its paragraph too."""
    if duplicates is None or not duplicates.groups:
        return answer

    def named(citation: Citation) -> Citation:
        also = duplicates.also_in(citation.article.id, citation.text, articles)
        return replace(citation, also_in=also) if also else citation

    return replace(answer, citations=tuple(map(named, answer.citations)), closest=tuple(map(named, answer.closest)))
