"""Search the answer path's weights and thresholds on the tuning sets, cross-validated by article.

    python eval/tune.py --grid policy.answer=0.25,0.3,0.35 --grid policy.coverage=0,0.2 [--sets news,bbc] [--folds 5]

Every combination of the values given is tried on every set (asked as ``eval/quality.py`` asks them,
each question's vector computed once). A combination is admissible when, on each set, at most
``--max-unanswered`` of the answerable questions (3.3%, one in thirty; SQuAD's own limit is 5%) are
not presented as answered. Admissible combinations are ranked by the mean share of unanswerable
questions not presented as answered, then by mean recall@1.

Choosing on the questions a choice is then measured on flatters it: a setting that suits a few
articles' wording looks like a gain. So the questions are split into ``--folds`` folds by the article
they are about (a BBC question's ``article``; otherwise the article whose paragraph holds its gold
text; an unanswerable question without one goes to the folds in turn), and for each fold the best
combination is chosen on the other folds alone and measured on it. The figures of those held-out
folds, put together, are what the way of choosing is worth; a combination whose own figures stand well
above them fits its sets. Keep a change only if it also holds on the blind set (eval/quality.py
--sets blind), which is never tuned on: this script refuses it.

The tuning sets by default: dev, paraphrased, reworded, heldout, news, bbc (and squad-tune, when its
data is on the machine). Figures: docs/answers.md ("Quality").
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import CachingEmbedder, Collections, eval_sets  # noqa: E402

from citeqa import Config
from citeqa.answers.evaluate import Outcome, judge, matches, read_questions
from citeqa.answers.tuning import Tuning
from citeqa.index.embed import ModelEmbedder
from citeqa.records import ANSWERED

log = logging.getLogger("tune")
LIMITS = {"squad-tune": 0.05, "squad-test": 0.05}  # SQuAD's target allows one in twenty
TUNING_SETS = "dev,paraphrased,reworded,heldout,news,bbc,squad-tune"


@dataclass(frozen=True)
class Asked:
    """One question of a set, the article it is about (its fold's key) and how it was answered."""

    set: str
    article: str
    outcome: Outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("CITEQA_EVAL_WORK", "/tmp/citeqa-eval")))
    parser.add_argument("--sets", default=TUNING_SETS)
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...")
    parser.add_argument("--max-unanswered", type=float, default=1 / 30)
    parser.add_argument("--folds", type=int, default=5, help="folds by article for cross-validation (default 5)")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("faiss", "sentence_transformers", "bm25s", "transformers", "citeqa"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    names = set(args.sets.split(","))
    if "blind" in names:
        parser.error("the blind set is only measured (eval/quality.py), never tuned on")
    if args.folds < 2:
        parser.error(f"--folds {args.folds}: cross-validation needs at least 2 folds")
    grid = {}
    for item in args.grid:
        name, _, values = item.partition("=")
        grid[name] = values.split(",")
    sets = [s for s in eval_sets(args.work) if s.name in names]
    collections = Collections(args.work, CachingEmbedder(ModelEmbedder(cache=Config().model_cache)))
    combos = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    asked: list[list[Asked]] = []
    for settings in combos:
        tuning = Tuning().with_settings(settings)
        asked.append(list(ask_all(sets, collections, tuning)))
        row = score(asked[-1], args.max_unanswered)
        log.info("%s %s caught %.3f recall@1 %.3f", "ok " if row[0] else "-- ", settings, row[1], row[2])
    if not asked or not asked[0]:
        parser.error("no tuning set could be asked (is its collection's data on this machine?)")
    fold_of = folds({a.article for a in asked[0]}, args.folds)
    print("\nall questions, best first (admissible first):")
    ranked = sorted(range(len(combos)), key=lambda i: score(asked[i], args.max_unanswered), reverse=True)
    for i in ranked[: args.top]:
        admissible, caught, recall = score(asked[i], args.max_unanswered)
        print(f"{'ok' if admissible else '--'} caught {caught:.3f} r@1 {recall:.3f} {combos[i]}")
    held_out: list[Asked] = []
    chosen: Counter[str] = Counter()
    for fold in range(args.folds):
        train = [[a for a in rows if fold_of[a.article] != fold] for rows in asked]
        best = max(range(len(combos)), key=lambda i: score(train[i], args.max_unanswered))
        chosen[json.dumps(combos[best])] += 1
        held_out += [a for a in asked[best] if fold_of[a.article] == fold]
    admissible, caught, recall = score(held_out, args.max_unanswered)
    print(f"\ncross-validated by article ({args.folds} folds): chosen on the other folds, measured on each:")
    print(f"  caught {caught:.3f} r@1 {recall:.3f}, within the refusal limit: {'yes' if admissible else 'no'}")
    for combo, times in chosen.most_common():
        print(f"  chosen in {times} of {args.folds} folds: {combo}")
    best = ranked[0]
    in_sample = score(asked[best], args.max_unanswered)
    print(f"  the best on all questions, {combos[best]}: caught {in_sample[1]:.3f} r@1 {in_sample[2]:.3f}")
    return 0


def ask_all(sets, collections: Collections, tuning: Tuning):
    """Every question of ``sets``, asked with ``tuning``, with the article it is about."""
    for eval_set in sets:
        engine = collections.engine(eval_set.collection)
        if engine is None or not all(f.is_file() for f in eval_set.files):
            continue
        lines = [
            json.loads(line) for f in eval_set.files for line in f.read_text(encoding="utf-8").splitlines() if line
        ]
        questions = [q for f in eval_set.files for q in read_questions(f)]
        for n, (line, question) in enumerate(zip(lines, questions, strict=True)):
            outcome = judge(question, engine.ask(question.q, k=5, tuning=tuning))
            yield Asked(eval_set.name, article_of(line, question, engine, n), outcome)


def article_of(line: dict, question, engine, n: int) -> str:
    """The article a question is about: as its line says, else the one whose paragraph holds its gold
    text, else (an unanswerable question) one of a few stand-ins taken in turn, to spread them."""
    if line.get("article"):
        return str(line["article"]).removesuffix(".txt")
    for article in engine.articles:
        if question.gold and any(matches(question.gold, p) for p in article.paragraphs):
            return article.id
    return f"(none {n % 10})"


def folds(articles: set[str], k: int) -> dict[str, int]:
    """Each article's fold: sorted, then dealt out in turn."""
    return {article: i % k for i, article in enumerate(sorted(articles))}


def score(rows: list[Asked], max_unanswered: float) -> tuple[bool, float, float]:
    """(admissible, mean share of unanswerable questions refused, mean recall@1), over the sets."""
    by_set: dict[str, list[Outcome]] = defaultdict(list)
    for row in rows:
        by_set[row.set].append(row.outcome)
    admissible, caught, recall = True, [], []
    for name, outcomes in by_set.items():
        answerable = [o for o in outcomes if o.question.answerable]
        unanswerable = [o for o in outcomes if not o.question.answerable]
        refused = sum(o.outcome != ANSWERED for o in answerable)
        admissible &= refused <= LIMITS.get(name, max_unanswered) * len(answerable)
        if unanswerable:
            caught.append(sum(o.outcome != ANSWERED for o in unanswerable) / len(unanswerable))
        if answerable:
            recall.append(sum(o.rank == 1 for o in answerable) / len(answerable))
    mean = lambda values: sum(values) / len(values) if values else 0.0  # noqa: E731
    return admissible, mean(caught), mean(recall)


if __name__ == "__main__":
    sys.exit(main())
