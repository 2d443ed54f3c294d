"""Rules that reorder the passages found, where the words of the question settle what closeness cannot.

- A story's subtitle or standfirst sums up what its body says: it comes after the paragraphs of its body
  shown with it, the primary source of the words (it still answers where the body is not found).
- A passage that says who did what the question asks about ("Who led the probe?": "Wendy Williams, who
  led the probe, ..."; "Which bodies published the report?": "Report by HMICFRS, the College of
  Policing and the IOPC ...") comes first.
- A story's opening paragraph sums the story up, so a question about the story is close to it even when
  it asks for a detail further down. It no longer comes before a later paragraph of the same story that
  holds the detail asked for (a figure, an amount, a date, a length of time, a name the question does
  not give itself) when it does not.

Each rule moves passages among the first ``window`` found, and gives a passage moved up the score of
the one it passes, so that scores still fall down the list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache

from citeqa.answers.query import AMOUNT, DATE, DURATION, NAME, NUMBER, Query, has_kind
from citeqa.articles import keywords
from citeqa.records import Article, Hit

# "Who led ...", "Which bodies published ...", "Which company made ...": the action and what it was done to.
_AGENT_QUESTION = re.compile(
    r"^\s*(?:who|which\s+(?:\w+\s+){0,2}?(?:person|people|man|woman|company|companies|firm|firms|body|bodies|"
    r"organisations?|organizations?|group|groups|team|agency|agencies|charity|charities|watchdogs?|"
    r"inspectorates?|department|ministry|newspaper|university|researchers?|scientists?|economists?))\s+"
    r"(?:(?:has|have|had|did|was|were)\s+)?(?P<verb>[a-z]+(?:\s+(?:out|up))?)\s+"
    r"(?:the|a|an|its|their|his|her|[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*[’']s)\s+"
    r"(?:[\w’'-]+\s+){0,3}?(?P<object>[a-z][\w-]+)"
    r"(?=\s*(?:[?,]|$|\s(?:that|which|who|whose|called|named|known|suggesting|showing|saying|about|on|in|of|for|"
    r"into|over|to|at|with|"
    r"from|by|and|before|after|during|when|where|would|will|could|should|might|must|was|were|is|are|had|has|have)\b))",
    re.IGNORECASE,
)
# The forms of verbs that do not end as the stemmer expects.
_IRREGULAR = {
    "led": "lead", "wrote": "write", "written": "write", "made": "make", "ran": "run", "won": "win",
    "held": "hold", "built": "build", "bought": "buy", "sold": "sell", "took": "take", "taken": "take",
    "gave": "give", "given": "give", "found": "find", "began": "begin", "begun": "begin", "chose": "choose",
    "chosen": "choose", "drew": "draw", "drawn": "draw", "brought": "bring", "set": "set", "put": "put",
}  # fmt: skip
_NAME = r"(?:[A-Z][\w’'-]+|[A-Z]{2,})"
# The kinds of answer a story's opening paragraph seldom gives: the figure, date or name of a detail.
_DETAILS = (NUMBER, AMOUNT, DATE, DURATION, NAME)


def rerank(
    query: Query,
    hits: list[Hit],
    *,
    window: int = 30,
    shown: int = 5,
    articles: Mapping[str, Article] | None = None,
) -> tuple[list[Hit], frozenset[str]]:
    """``hits`` (best first) with the rules of the module applied among the first ``window`` (of which
    the first ``shown`` are shown), and the
    ids of the passages that say who did what the question asks about: they answer it by their words,
    however loosely a model relates them to the question (judge.py does not ask them to be close)."""
    top, rest = list(hits[:window]), list(hits[window:])
    top = _summaries_after_body(top, shown)
    top, stated = _agents_first(query, top, articles or {})
    top = _details_before_openings(query, top)
    return top + rest, stated


def _summaries_after_body(hits: list[Hit], shown: int) -> list[Hit]:
    """Each subtitle or standfirst after the body paragraphs of its article among the first ``shown``
    (or, if none is, after the best found), with the score of the last it passes; what it passes moves
    up one place."""
    out = list(hits)
    for hit in [h for h in hits if h.passage.number < 1]:
        at = next(i for i, h in enumerate(out) if h is hit)
        body = [
            i
            for i in range(at + 1, len(out))
            if out[i].passage.article_id == hit.passage.article_id and out[i].passage.number >= 1
        ]
        if body:
            last = max([i for i in body if i < shown] or body[:1])
            out[at : last + 1] = [*out[at + 1 : last + 1], replace(hit, score=out[last].score)]
    return out


def _agents_first(query: Query, hits: list[Hit], articles: Mapping[str, Article]) -> tuple[list[Hit], frozenset[str]]:
    """Passages that name who did what the question asks about, first (in the order found)."""
    asked = _AGENT_QUESTION.match(query.question)
    if not asked or not hits:
        return hits, frozenset()
    verb = _stem(asked["verb"].split()[0])
    particle = asked["verb"].split()[1:]
    thing = _stem(asked["object"])
    stating = [h for h in hits if _states_agent(_about(h, articles), _sentences(h), verb, particle, thing)]
    stated = frozenset(h.passage.id for h in stating)
    if not stating or stating[0] is hits[0]:
        return hits, stated
    best = hits[0].score
    moved = [replace(h, score=max(h.score, best)) for h in stating]
    return moved + [h for h in hits if not any(h is s for s in stating)], stated


def _about(hit: Hit, articles: Mapping[str, Article]) -> str:
    """What a passage is about: its text, and the paragraph before when it opens on a pronoun standing
    for something named there ("It was carried out by ...")."""
    passage = hit.passage
    article = articles.get(passage.article_id)
    if article is not None and passage.number > 1 and _PRONOUN_OPENING.match(passage.text):
        return f"{article.paragraphs[passage.number - 2]}\n{passage.text}"
    return passage.text


_PRONOUN_OPENING = re.compile(r"(?:It|This|They|These)\b")


def _sentences(hit: Hit) -> list[str]:
    return [hit.passage.sentence(i) for i in range(len(hit.passage.sentences))]


def _states_agent(text: str, sentences: list[str], verb: str, particle: list[str], thing: str) -> bool:
    """Whether a paragraph (``sentences``; ``text``, what it is about) says who did ``verb`` to ``thing``,
    in one of its sentences: "<thing> (…) by <Name>", "<verb>ed by <Name>" in a paragraph about the thing,
    "<Name>, who <verb>ed the <thing>"."""
    if thing not in keywords.term_set(text) and thing not in {_stem(t) for t in _WORD.findall(text)}:
        return False  # most passages found do not name the thing: told from the terms they are indexed by
    for sentence in sentences:
        tokens = _WORD.findall(sentence)
        stems = [_stem(t) for t in tokens]
        for i, token in enumerate(tokens):
            if token.lower() == "by" and _named(tokens[i + 1 : i + 7]):
                before = stems[max(0, i - 4) : i]
                if thing in before or verb in before:
                    return True  # "Report by HMICFRS", "carried out by husband and wife team Jim and Margaret"
            if stems[i] == verb and thing in stems[i + 1 : i + 6]:
                if particle and [t.lower() for t in tokens[i + 1 : i + 1 + len(particle)]] != particle:
                    continue
                if _named([t for t in tokens[max(0, i - 4) : i] if t.lower() not in ("the", "a", "who", "which")]):
                    return True  # "Wendy Williams, who led the probe"
    return False


_WORD = re.compile(r"[\w’'-]+|[,.;:]")


def _named(tokens: list[str]) -> bool:
    """Whether ``tokens`` hold a name before any punctuation."""
    for token in tokens:
        if token in ",.;:":
            return False
        if re.fullmatch(_NAME, token):
            return True
    return False


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    word = word.lower()
    word = _IRREGULAR.get(word, word)
    stems = keywords.terms(word) if len(word) > 2 else []
    return stems[0] if stems else word


def _details_before_openings(query: Query, hits: list[Hit]) -> list[Hit]:
    """An opening paragraph that lacks what the question asks for after the first later paragraph of
    its story that holds it; the two change places (and scores)."""
    if query.expects not in _DETAILS:
        return hits
    hits = list(hits)
    moved: set[str] = set()
    for i, hit in enumerate(hits):
        opening = hit.passage
        if opening.number != 1 or opening.id in moved or has_kind(opening.text, query.expects, query.text):
            continue
        for j in range(i + 1, len(hits)):
            later = hits[j].passage
            same_story = later.article_id == opening.article_id and later.number > 1
            if same_story and has_kind(later.text, query.expects, query.text):
                hits[i], hits[j] = replace(hits[j], score=hit.score), replace(hit, score=hits[j].score)
                moved.add(opening.id)
                break
    return hits
