"""Measuring answers against questions with known answers: retrieval recall, MRR, refusals."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from citeqa.errors import CiteqaError
from citeqa.records import Answer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Question:
    q: str
    gold: tuple[str, ...]  # substrings a correct citation's paragraph contains; empty: not answerable


@dataclass(frozen=True)
class Outcome:
    question: Question
    rank: int | None  # 1-based rank of the first correct citation, None if none is correct
    found: bool
    answer_hit: bool  # the answer text itself contains a gold substring


@dataclass(frozen=True)
class Report:
    answerable: int
    unanswerable: int
    recall: dict[int, float]  # k -> share of answerable questions with a correct citation in the top k
    mrr: float
    answer_hit_rate: float
    refused: int  # unanswerable questions refused (found: false)
    false_refusals: int  # answerable questions refused
    misses: tuple[Outcome, ...]  # answerable questions without a correct first citation, or wrongly handled

    def as_dict(self) -> dict:
        return {
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            **{f"recall@{k}": round(v, 4) for k, v in self.recall.items()},
            "mrr": round(self.mrr, 4),
            "answer_hit_rate": round(self.answer_hit_rate, 4),
            "refused_unanswerable": self.refused,
            "false_refusals": self.false_refusals,
        }


def read_questions(path: Path) -> list[Question]:
    """Read ``{"q": ..., "gold": [...]}`` lines. Raises CiteqaError naming the bad line."""
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
            questions.append(Question(q=str(item["q"]), gold=tuple(str(g) for g in item.get("gold", []))))
        except (ValueError, KeyError, TypeError) as exc:
            raise CiteqaError(f'{path}:{number}: expected {{"q": "...", "gold": [...]}} ({exc})') from None
    return questions


def matches(gold: Iterable[str], text: str) -> bool:
    """Whether ``text`` contains a gold substring, curly and straight quotes counted the same."""
    text = _plain_quotes(text)
    return any(_plain_quotes(g) in text for g in gold)


def judge(question: Question, answer: Answer) -> Outcome:
    rank = (
        next(
            (c.n for c in answer.citations if matches(question.gold, c.text)),
            None,
        )
        if question.gold
        else None
    )
    return Outcome(question, rank, answer.found, bool(question.gold) and matches(question.gold, answer.answer))


def evaluate(questions: list[Question], ask: Callable[[str], Answer], *, ks: tuple[int, ...] = (1, 3, 5)) -> Report:
    """Ask every question independently (no conversation) and score the answers."""
    outcomes = [judge(q, ask(q.q)) for q in questions]
    answerable = [o for o in outcomes if o.question.gold]
    unanswerable = [o for o in outcomes if not o.question.gold]
    n = max(len(answerable), 1)
    return Report(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        recall={k: sum(o.rank is not None and o.rank <= k for o in answerable) / n for k in ks},
        mrr=sum(1 / o.rank for o in answerable if o.rank) / n,
        answer_hit_rate=sum(o.answer_hit for o in answerable) / n,
        refused=sum(not o.found for o in unanswerable),
        false_refusals=sum(not o.found for o in answerable),
        misses=tuple(o for o in outcomes if (o.question.gold and o.rank != 1) or (not o.question.gold and o.found)),
    )


def _plain_quotes(text: str) -> str:
    return text.translate(str.maketrans("“”‘’", "\"\"''"))
