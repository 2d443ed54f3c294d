"""Composing an answer from ranked passages: verbatim sentences, each followed by its citation marker."""

from __future__ import annotations

from dataclasses import dataclass

from citeqa import keywords
from citeqa.records import Answer, Article, Citation, Hit

NOT_FOUND = "The articles do not answer this question."


@dataclass(frozen=True)
class Policy:
    """When a passage counts as answering, and how many sentences an answer takes."""

    min_sentence: float = 0.15  # cosine of the best sentence below which nothing answers
    min_covered: float = 0.25  # share of the question's terms the corpus must contain ...
    min_sentence_uncovered: float = 0.4  # ... unless the best sentence is this close
    min_sentence_unnamed: float = 0.35  # needed when the question names something the corpus never does
    sentences: int = 3  # at most this many sentences in the answer text
    keep: float = 0.9  # a further sentence joins the answer if its passage scores this share of the best
    other_article: float = 0.8  # the best passage of another article joins at this share


def compose(
    question: str,
    hits: list[Hit],
    articles: dict[str, Article],
    *,
    k: int,
    terms: list[str],
    covered: float,
    missing: tuple[str, ...] = (),
    policy: Policy = Policy(),
    notes: tuple[str, ...] = (),
    search_query: str = "",
) -> Answer:
    """An answer from ``hits`` (best first), or a refusal when the best of them does not answer.

    Args:
        covered: share of the question's terms found anywhere in the corpus (1.0 if it has none).
        missing: names and numbers in the question that the corpus never uses ("Scotland", "2018").
    """
    if missing:
        notes += (f"The articles never mention {_listing(missing)}.",)
    if not hits or not answers(hits[0], covered, missing, policy):
        closest = tuple(_citation(i, hit, articles, terms) for i, hit in enumerate(hits[:3], start=1))
        return Answer(question, False, NOT_FOUND, (), closest, notes, search_query)
    citations = tuple(_citation(i, hit, articles, terms) for i, hit in enumerate(hits[:k], start=1))
    chosen = _answer_citations(hits[:k], policy)
    text = " ".join(f"{citations[i].quote} [{citations[i].n}]" for i in chosen)
    return Answer(question, True, text, citations, (), notes, search_query, tuple(citations[i].n for i in chosen))


def answers(hit: Hit, covered: float, missing: tuple[str, ...] = (), policy: Policy = Policy()) -> bool:
    """Whether the best passage answers the question, rather than merely being the nearest one.

    A question whose words the articles hardly use, or that names a place, person or year they never
    mention, needs a closer sentence to count as answered.
    """
    closeness = hit.sentence_score
    if closeness < policy.min_sentence or (missing and closeness < policy.min_sentence_unnamed):
        return False
    return covered >= policy.min_covered or closeness >= policy.min_sentence_uncovered


def _listing(names: tuple[str, ...]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _answer_citations(hits: list[Hit], policy: Policy) -> list[int]:
    """Which hits' quotes make up the answer: the best; the best of each other article that comes close
    (a person quoted in both is cited from both); then close seconds, up to ``policy.sentences``."""
    best = hits[0].score
    chosen = [0]
    articles = {hits[0].passage.article_id}
    for i, hit in enumerate(hits):
        if hit.passage.article_id not in articles and hit.score >= policy.other_article * best:
            chosen.append(i)
            articles.add(hit.passage.article_id)
    for i, hit in enumerate(hits):
        if i not in chosen and hit.score >= policy.keep * best:
            chosen.append(i)
    return sorted(chosen[: policy.sentences])


def _citation(n: int, hit: Hit, articles: dict[str, Article], terms: list[str]) -> Citation:
    start, end = quote_span(hit, terms)
    passage = hit.passage
    return Citation(
        n=n,
        article=articles[passage.article_id],
        paragraph=passage.number,
        text=passage.text,
        quote=passage.text[start:end],
        quote_start=start,
        score=round(hit.score, 4),
    )


def quote_span(hit: Hit, terms: list[str]) -> tuple[int, int]:
    """The [start, end) of the quote in the passage: its best sentence, with the next one if it is
    only a lead-in ("She said:") or too short to stand alone."""
    passage = hit.passage
    wanted = set(terms)

    def score(i: int) -> float:
        words = set(keywords.terms(passage.sentence(i)))
        overlap = len(wanted & words) / len(wanted) if wanted else 0.0
        return hit.sentence_scores[i] + 0.1 * overlap

    best = max(range(len(passage.sentences)), key=score)
    start, end = passage.sentences[best]
    if best + 1 < len(passage.sentences) and (end - start < 60 or passage.text[start:end].endswith(":")):
        end = passage.sentences[best + 1][1]
    return start, end
