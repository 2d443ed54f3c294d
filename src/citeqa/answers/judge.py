"""Whether the passages found answer a question: answered, closest passages, or not in the articles.

A sentence-embedding model tells how close a passage is to a question, not whether it answers it, so
closeness is one signal among several that are checked on the passage and what surrounds it:

- the question's focus (names, quoted phrases, figures) must be mentioned somewhere in the articles
  searched ("the articles never mention 2020"): otherwise only closest passages, or none;
- it must be mentioned around the passage: the paragraph, the two before it and the one after, the
  article's opening paragraph and its headline and byline (a story names its subject once, then
  says "he"); a year is not held against an undated article, whose year is unknown;
- the kind of answer the question expects must be in the quote the passage gives ("How many ..."
  wants a figure, "What is the name ..." a name the question does not give), and for "What did X
  say" X must be who speaks;
- optionally (``Policy.coverage``, off by default: paraphrased questions fail it as often as
  unanswerable ones) enough of the question's weight must be found around the passage;
- and the closest sentence must be close enough.

A passage that fails only the later checks is shown as a closest passage, with the reason.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass

from citeqa.answers.lexicon import Lexicon, acronyms, article_text, words
from citeqa.answers.query import KIND_NAMES, STATEMENT, Query, has_kind
from citeqa.answers.quotes import Quoting, quote_span
from citeqa.articles import keywords
from citeqa.articles.passages import continues
from citeqa.index.base import IndexData
from citeqa.records import ANSWERED, CLOSEST, NOT_FOUND, Article, Hit


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

    @property
    def hit(self) -> Hit | None:
        """The passage that answers, when one does."""
        return self.answering[0] if self.answering else None


class Evidence:
    """What the checks look at, for one index: the articles' words, and the words around a passage.

    Shared by every question on that index; the words around a passage are worked out once each.
    """

    _CACHE = 4096

    def __init__(self, data: IndexData, articles: dict[str, Article], previous: Evidence | None = None) -> None:
        """``previous``: the evidence of the index this one replaces, whose unchanged articles are reused."""
        self.articles = articles
        self.lexicon = Lexicon.of(data.articles, previous.lexicon if previous is not None else None)
        documents = max(data.terms.documents, 1)
        self._idf = {term: _idf(documents, count) for term, count in data.terms.frequency.items()}
        self._unknown_idf = _idf(documents, 0)
        self._around: OrderedDict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = OrderedDict()

    def idf(self, term: str) -> float:
        return self._idf.get(term, self._unknown_idf)

    def around(self, hit: Hit) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """Folded words, acronyms and stemmed terms around a passage (see the module's docstring)."""
        key = hit.passage.id
        if key in self._around:
            self._around.move_to_end(key)
            return self._around[key]
        article = self.articles[hit.passage.article_id]
        n = hit.passage.number
        numbers = {1, *range(max(1, n - 2), min(len(article.paragraphs), n + 1) + 1)}
        text = article_text(article) + "\n" + "\n".join(article.paragraphs[i - 1] for i in sorted(numbers))
        found = (frozenset(words(text)), frozenset(acronyms(text)), frozenset(keywords.terms(text)))
        self._around[key] = found
        if len(self._around) > self._CACHE:
            self._around.popitem(last=False)
        return found

    def coverage(self, query: Query, hit: Hit) -> tuple[float, list[str]]:
        """Share of the question's weight found around the passage, and the question's terms that are not."""
        if not query.terms:
            return 1.0, []
        _, _, terms = self.around(hit)
        weights = {t: self.idf(t) for t in query.terms}
        missing = [t for t in weights if t not in terms]
        total = sum(weights.values())
        return (1.0 - sum(weights[t] for t in missing) / total if total else 1.0), missing


def judge(
    query: Query,
    hits: list[Hit],
    evidence: Evidence,
    *,
    searched: list[str] | None = None,
    policy: Policy = Policy(),
    quoting: Quoting = Quoting(),
) -> Verdict:
    """The outcome for ``query`` given its ``hits`` (best first), over the articles ``searched`` (None: all)."""
    if not hits:
        return Verdict(NOT_FOUND, "nothing in the articles matches the question")
    vocabulary, acronym_set = evidence.lexicon.scope(searched)
    unmentioned = [f for f in query.focus if not evidence.lexicon.mentions(f, vocabulary, acronym_set)]
    best = hits[0]
    where = "the articles searched" if searched is not None else "the articles"
    if unmentioned:
        reason = f"{where} never mention {_listing(unmentioned)}"
        return Verdict(CLOSEST if best.sentence_score >= policy.unmentioned_closest else NOT_FOUND, reason)
    if best.sentence_score < policy.floor:
        return Verdict(NOT_FOUND, f"nothing in {where} comes close to the question")
    failures = [_failure(query, hit, evidence, policy, quoting) for hit in hits]
    passing = [hit for hit, failure in zip(hits, failures, strict=True) if failure is None]
    # The answer is the best passage that passes, if it is among the first few and close to the best.
    for i, hit in enumerate(hits[: policy.judged]):
        if hit.score < policy.judged_margin * best.score:
            break
        if failures[i] is None:
            return Verdict(ANSWERED, "", (hit, *[h for h in passing if h is not hit]))
    return Verdict(CLOSEST, failures[0] or next((f for f in failures if f), ""))


def _failure(query: Query, hit: Hit, evidence: Evidence, policy: Policy, quoting: Quoting) -> str | None:
    """Why ``hit`` does not answer ``query``, or None if it does."""
    vocabulary, acronym_set, _ = evidence.around(hit)
    undated = evidence.articles[hit.passage.article_id].date is None
    absent = [
        f
        for f in query.focus
        if not evidence.lexicon.mentions(f, vocabulary, acronym_set) and not (undated and _YEAR.fullmatch(f))
    ]
    if absent:
        return f"the passages found do not mention {_listing(absent)}"
    start, end = quote_span(hit, query, quoting)
    # A figure or date must be in the quote itself; someone's words may be the paragraph's quotation.
    given = hit.passage.text if query.expects == STATEMENT else hit.passage.text[start:end]
    if not has_kind(given, query.expects, query.text):
        return f"no passage found gives {KIND_NAMES[query.expects]} in reply"
    if query.expects == STATEMENT and query.focus and not _speaker_named(query, hit, evidence):
        return f"the passages found quote nobody named {_listing(list(query.focus))}"
    if policy.coverage > 0 and hit.sentence_score < policy.strong:
        covered, missing = evidence.coverage(query, hit)
        if covered < policy.coverage:
            words = _surface(query.question, missing)
            return f"the passages found do not mention {_listing(words)}" if words else "the passages miss the point"
    # "What else did he say?" asks for the rest of what was said, not for words close to the question's.
    if hit.sentence_score < policy.answer and not query.exclude:
        return "the passages found are only loosely related to the question"
    return None


# A year: in a question about an undated article it cannot be checked, so it does not count against it.
_YEAR = re.compile(r"(?:1[5-9]|20)\d\ds?")


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


def _listing(names: list[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _idf(documents: int, frequency: int) -> float:
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))
