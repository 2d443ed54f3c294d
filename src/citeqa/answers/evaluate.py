"""Measuring answers against questions with known answers: ranking, the three outcomes, the quotes.

A question file has one JSON object a line: ``{"q": "...", "gold": [...]}``, where ``gold`` holds
substrings a correct citation's paragraph contains (empty: the articles do not answer it), and
optionally ``"answer": [...]`` (substrings the answer text must all contain) or ``"answer_any": [...]``
(one of which it must contain). Without either, the answer text is judged by ``gold``.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from citeqa.answers.quotes import unmatched
from citeqa.errors import CiteqaError
from citeqa.records import ANSWERED, OUTCOMES, Answer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Question:
    q: str
    gold: tuple[str, ...]  # substrings a correct citation's paragraph contains; empty: not answerable
    answer: tuple[str, ...] = ()  # substrings the answer text must all contain
    answer_any: tuple[str, ...] = ()  # substrings of which the answer text must contain one

    @property
    def answerable(self) -> bool:
        return bool(self.gold)


@dataclass(frozen=True)
class Outcome:
    question: Question
    outcome: str  # ANSWERED, CLOSEST or NOT_FOUND
    rank: int | None  # 1-based rank of the first correct source (cited, or closest), None if none is
    answer_hit: bool  # the text given (the answer, or the first closest quote) contains the answer
    bad_quotes: tuple[str, ...]  # quotes that are not exact slices of their paragraph, or unbalanced


@dataclass(frozen=True)
class Report:
    answerable: int
    unanswerable: int
    recall: dict[int, float]  # k -> share of answerable questions with a correct source in the top k
    mrr: float
    outcomes: dict[str, dict[str, int]]  # "answerable"/"unanswerable" -> outcome -> count
    answer_hit_rate: float  # over answerable questions
    answer_hit_when_first: float  # over answerable questions whose first source is correct
    bad_quotes: int
    misses: tuple[Outcome, ...]  # answerable without a correct first source, or the wrong outcome

    @property
    def false_refusals(self) -> int:
        """Answerable questions not presented as answered."""
        return self.answerable - self.outcomes["answerable"][ANSWERED]

    @property
    def refused(self) -> int:
        """Unanswerable questions not presented as answered."""
        return self.unanswerable - self.outcomes["unanswerable"][ANSWERED]

    def as_dict(self) -> dict:
        return {
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            **{f"recall@{k}": round(v, 4) for k, v in self.recall.items()},
            "mrr": round(self.mrr, 4),
            "answerable_outcomes": self.outcomes["answerable"],
            "unanswerable_outcomes": self.outcomes["unanswerable"],
            "answerable_not_answered": self.false_refusals,
            "unanswerable_not_answered": self.refused,
            "answer_hit_rate": round(self.answer_hit_rate, 4),
            "answer_hit_when_first": round(self.answer_hit_when_first, 4),
            "bad_quotes": self.bad_quotes,
        }


def read_questions(path: Path) -> list[Question]:
    """Read the questions of a JSONL file. Raises CiteqaError naming the bad line."""
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CiteqaError(f"cannot read {path}: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            questions.append(
                Question(
                    q=str(item["q"]),
                    gold=_strings(item.get("gold", [])),
                    answer=_strings(item.get("answer", [])),
                    answer_any=_strings(item.get("answer_any", [])),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CiteqaError(f'{path}:{number}: expected {{"q": "...", "gold": [...]}} ({exc})') from None
    return questions


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list of strings, not {value!r}")
    return tuple(str(v) for v in value)


def matches(gold: Iterable[str], text: str) -> bool:
    """Whether ``text`` contains a gold substring, curly and straight quotes counted the same."""
    text = _plain_quotes(text)
    return any(_plain_quotes(g) in text for g in gold)


def contains_answer(question: Question, text: str) -> bool:
    """Whether ``text`` holds the answer to ``question`` (see the module's docstring)."""
    if question.answer:
        return all(matches([a], text) for a in question.answer)
    if question.answer_any:
        return matches(question.answer_any, text) or matches([a.lower() for a in question.answer_any], text.lower())
    return matches(question.gold, text)


def judge(question: Question, answer: Answer) -> Outcome:
    sources = answer.citations if answer.found else answer.closest
    # Ranked in the order the sources are listed, which is their relevance (their markers [n] are
    # numbered in reading order instead: a sentence a quote goes on from is read, and numbered, first).
    found = (rank for rank, c in enumerate(sources, start=1) if matches(question.gold, c.text))
    rank = next(found, None) if question.gold else None
    given = answer.answer if answer.found else (answer.closest[0].quote if answer.closest else "")
    hit = question.answerable and contains_answer(question, given)
    bad = tuple(
        c.quote
        for c in answer.citations + answer.closest
        if c.text[c.quote_start : c.quote_end] != c.quote or any(unmatched(c.quote))
    )
    return Outcome(question, answer.outcome, rank, hit, bad)


def evaluate(questions: list[Question], ask: Callable[[str], Answer], *, ks: tuple[int, ...] = (1, 3, 5)) -> Report:
    """Ask every question independently (no conversation) and score the answers."""
    outcomes = [judge(q, ask(q.q)) for q in questions]
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    n = max(len(answerable), 1)
    first = [o for o in answerable if o.rank == 1]
    counts = {
        "answerable": {kind: Counter(o.outcome for o in answerable)[kind] for kind in OUTCOMES},
        "unanswerable": {kind: Counter(o.outcome for o in unanswerable)[kind] for kind in OUTCOMES},
    }
    return Report(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        recall={k: sum(o.rank is not None and o.rank <= k for o in answerable) / n for k in ks},
        mrr=sum(1 / o.rank for o in answerable if o.rank) / n,
        outcomes=counts,
        answer_hit_rate=sum(o.answer_hit for o in answerable) / n,
        answer_hit_when_first=sum(o.answer_hit for o in first) / max(len(first), 1),
        bad_quotes=sum(len(o.bad_quotes) for o in outcomes),
        misses=tuple(
            o
            for o in outcomes
            if (o.question.answerable and (o.rank != 1 or o.outcome != ANSWERED))
            or (not o.question.answerable and o.outcome == ANSWERED)
        ),
    )


def _plain_quotes(text: str) -> str:
    return text.translate(str.maketrans("“”‘’", "\"\"''"))
