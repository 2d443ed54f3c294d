"""Whether the passages found answer a question: answered, closest passages, or not in the articles.

A sentence-embedding model tells how close a passage is to a question, not whether it answers it, so
closeness is one signal among several that are checked on the passage and what surrounds it:

- the question's focus (names, quoted phrases, figures) must be mentioned somewhere in the articles
  searched ("the articles never mention 2020"): otherwise only closest passages, or none;
- each part of the question must be matched by the passage read with what surrounds it (matching.py:
  names around it, years and periods by its own paragraph, those beside it and its article's date),
  and the kind of answer expected must be in the quote the passage gives ("How many ..." wants a
  figure, "What is the name ..." a name the question does not give); for "What did X say" X must be
  who speaks;
- optionally (``Policy.coverage``, off by default: paraphrased questions fail it as often as
  unanswerable ones) enough of the question's weight must be found around the passage;
- and the closest sentence must be close enough.

A passage may answer while leaving unmatched a part it cannot rule on (a year an undated article does
not name near it): the answer then says so. A passage that fails only the later checks is shown as a
closest passage, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from citeqa.answers.evidence import Evidence
from citeqa.answers.lexicon import acronyms, words
from citeqa.answers.matching import Match, listing, match
from citeqa.answers.query import KIND_NAMES, STATEMENT, Query
from citeqa.answers.quotes import Quoting, quote_span
from citeqa.articles import keywords
from citeqa.articles.passages import continues
from citeqa.records import ANSWERED, CLOSEST, NOT_FOUND, Hit

__all__ = ["Policy", "Verdict", "judge", "matches_of"]


@dataclass(frozen=True)
class Policy:
    """The thresholds of the checks, in the order they are applied."""

    floor: float = 0.2  # closest sentence cosine below which nothing is even close: not in the articles
    unmentioned_closest: float = 0.45  # with a focus the articles never mention, closest passages need this
    coverage: float = 0.0  # share of the question's weight that must be found around the passage (0: off) ...
    strong: float = 0.6  # ... unless its closest sentence is this close
    answer: float = 0.3  # closest sentence cosine an answer needs
    judged: int = 3  # how many of the best passages may be judged, best first
    judged_margin: float = 0.8  # ... if they score this share of the best


@dataclass(frozen=True)
class Verdict:
    outcome: str  # ANSWERED, CLOSEST or NOT_FOUND
    reason: str  # why it is not an answer; empty when it is
    answering: tuple[Hit, ...] = ()  # when answered: the passages that pass every check, the answer's first
    matches: Mapping[str, Match] = field(default_factory=dict)  # by passage id: what of the question each holds

    @property
    def hit(self) -> Hit | None:
        """The passage that answers, when one does."""
        return self.answering[0] if self.answering else None


def judge(
    query: Query,
    hits: list[Hit],
    evidence: Evidence,
    *,
    searched: list[str] | None = None,
    policy: Policy = Policy(),
    quoting: Quoting = Quoting(),
    stated: frozenset[str] = frozenset(),
) -> Verdict:
    """The outcome for ``query`` given its ``hits`` (best first), over the articles ``searched`` (None: all).

    Args:
        stated: ids of passages that say in so many words who did what the question asks about
            (rerank.py): they need not be close to the question in the model's reading.
    """
    if not hits:
        return Verdict(NOT_FOUND, "nothing in the articles matches the question")
    matched = matches_of(query, hits, evidence, quoting)
    vocabulary, acronym_set = evidence.lexicon.scope(searched)
    unmentioned = [f for f in query.focus if not evidence.lexicon.mentions(f, vocabulary, acronym_set)]
    best = hits[0]
    where = "the articles searched" if searched is not None else "the articles"
    if unmentioned:
        reason = f"{where} never mention {listing(unmentioned)}"
        return Verdict(CLOSEST if best.sentence_score >= policy.unmentioned_closest else NOT_FOUND, reason, (), matched)
    if best.sentence_score < policy.floor and best.passage.id not in stated:
        return Verdict(NOT_FOUND, f"nothing in {where} comes close to the question", (), matched)
    failures = [_failure(query, hit, matched[hit.passage.id], evidence, policy, stated) for hit in hits]
    passing = [hit for hit, failure in zip(hits, failures, strict=True) if failure is None]
    # The answer is the best passage that passes, if it is among the first few and close to the best.
    for i, hit in enumerate(hits[: policy.judged]):
        if hit.score < policy.judged_margin * best.score:
            break
        if failures[i] is None:
            if hit.passage.id in stated:  # who did it is said in so many words: only such passages are quoted
                passing = [h for h in passing if h.passage.id in stated]
            return Verdict(ANSWERED, "", (hit, *[h for h in passing if h is not hit]), matched)
    return Verdict(CLOSEST, failures[0] or next((f for f in failures if f), ""), (), matched)


def matches_of(query: Query, hits: list[Hit], evidence: Evidence, quoting: Quoting = Quoting()) -> dict[str, Match]:
    """What of ``query`` each hit holds, by passage id (its quote as ``quote_span`` chooses it). For "What
    did X say", someone's words count only where X is who speaks."""
    found = {}
    for hit in hits:
        start, end = quote_span(hit, query, quoting)
        passage = hit.passage
        article = evidence.articles[passage.article_id]
        held = match(query, article, passage.number, passage.text, passage.text[start:end], evidence)
        words_of = KIND_NAMES[STATEMENT]
        if (
            query.expects == STATEMENT
            and query.focus
            and words_of in held.matched
            and not _speaker_named(query, hit, evidence)
        ):
            held = Match(
                tuple(m for m in held.matched if m != words_of),
                (*held.unmatched, words_of),
                held.failure or f"the passages found quote nobody named {listing(list(query.focus))}",
            )
        found[passage.id] = held
    return found


def _failure(
    query: Query, hit: Hit, matched: Match, evidence: Evidence, policy: Policy, stated: frozenset[str]
) -> str | None:
    """Why ``hit`` does not answer ``query``, or None if it does."""
    if matched.failure:
        return matched.failure
    if policy.coverage > 0 and hit.sentence_score < policy.strong:
        covered, missing = evidence.coverage(query, hit.passage.article_id, hit.passage.number)
        if covered < policy.coverage:
            found = _surface(query.question, missing)
            return f"the passages found do not mention {listing(found)}" if found else "the passages miss the point"
    # "What else did he say?" asks for the rest of what was said, not for words close to the question's.
    if hit.sentence_score < policy.answer and not query.exclude and hit.passage.id not in stated:
        return "the passages found are only loosely related to the question"
    return None


def _speaker_named(query: Query, hit: Hit, evidence: Evidence) -> bool:
    """For "What did X say ...?": whether X is who speaks in the passage: named before its first verb
    of saying ("A Home Office spokesperson said: “... Hestia ...”" is the Home Office speaking, not
    Hestia), or in the paragraph it goes on from ("... he added."). A name that is the article's own
    outlet or author ("in the Independent article") is where, not who, and is not asked of."""
    article = evidence.articles[hit.passage.article_id]
    byline = frozenset(words(f"{article.outlet or ''} {article.author or ''}"))
    speakers = [f for f in query.focus if not evidence.lexicon.mentions(f, byline)]
    if not speakers:
        return True
    text = hit.passage.text
    said = _SAID.search(text)
    before = text[: said.start()] if said else text
    if continues(article, hit.passage.number):
        before = article.paragraphs[hit.passage.number - 2] + "\n" + before
    vocabulary = frozenset(words(before))
    return any(evidence.lexicon.mentions(f, vocabulary, frozenset(acronyms(before))) for f in speakers)


# A verb of saying: what comes before the first one in a paragraph names who speaks.
_SAID = re.compile(
    r"\b(?:said|says|told|tells|added|adds|warned|warns|claimed|claims|argued|argues|announced|stated|insisted|"
    r"explained|urged|admitted|described|called|according to)\b|[“\"]",
    re.IGNORECASE,
)


def _surface(question: str, stems: list[str]) -> list[str]:
    """The words of ``question`` whose stems are ``stems``, as the question writes them."""
    wanted = set(stems)
    shown = []
    for word in dict.fromkeys(w for w in question.replace("?", " ").split()):
        token = word.strip(".,;:!?“”\"'()")
        if token and set(keywords.terms(token)) & wanted:
            shown.append(token)
    return shown[:4]
