"""Search the answer path's weights and thresholds on the evaluation sets.

    python eval/tune.py --grid policy.answer=0.25,0.3,0.35 --grid policy.coverage=0,0.2 [--sets news,bbc,squad-tune]

Every combination of the values given is tried on every set (asked as ``eval/quality.py`` asks them,
each question's vector computed once). A combination is admissible when, on each set, at most
``--max-unanswered`` of the answerable questions (3.3%, one in thirty; SQuAD's own limit is 5%) are
not presented as answered. Admissible combinations are ranked by the mean share of unanswerable
questions not presented as answered, then by mean recall@1. Choose from a flat region of the top,
not its single peak, and confirm on the sets left out (heldout, squad-test).

Figures: docs/answers.md ("Quality": the values chosen and the rule they were chosen under).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import CachingEmbedder, Collections, eval_sets, run  # noqa: E402

from citeqa import Config
from citeqa.answers.tuning import Tuning
from citeqa.index.embed import ModelEmbedder

log = logging.getLogger("tune")
LIMITS = {"squad-tune": 0.05, "squad-test": 0.05}  # SQuAD's target allows one in twenty


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("CITEQA_EVAL_WORK", "/tmp/citeqa-eval")))
    parser.add_argument("--sets", default="news,bbc,squad-tune")
    parser.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...")
    parser.add_argument("--max-unanswered", type=float, default=1 / 30)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("faiss", "sentence_transformers", "bm25s", "transformers", "citeqa"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    grid = {}
    for item in args.grid:
        name, _, values = item.partition("=")
        grid[name] = values.split(",")
    names = set(args.sets.split(","))
    if "blind" in names:
        parser.error("the blind set is only measured (eval/quality.py), never tuned on")
    sets = [s for s in eval_sets(args.work) if s.name in names]
    collections = Collections(args.work, CachingEmbedder(ModelEmbedder(cache=Config().model_cache)))
    rows = []
    for values in itertools.product(*grid.values()):
        settings = dict(zip(grid, values, strict=True))
        tuning = Tuning().with_settings(settings)
        reports = {s.name: r for s, _, r in run(sets, collections, tuning)}
        admissible = all(
            r.false_refusals <= LIMITS.get(n, args.max_unanswered) * r.answerable for n, r in reports.items()
        )
        caught = sum(r.refused / max(r.unanswerable, 1) for r in reports.values()) / len(reports)
        recall = sum(r.recall[1] for r in reports.values()) / len(reports)
        rows.append((admissible, caught, recall, settings, reports))
        log.info("%s %s caught %.3f recall@1 %.3f", "ok " if admissible else "-- ", settings, caught, recall)
    rows.sort(key=lambda r: (r[0], r[1], r[2]), reverse=True)
    print("\nbest combinations (admissible first):")
    for admissible, caught, recall, settings, reports in rows[: args.top]:
        detail = "  ".join(
            f"{n}: unanswerable caught {r.refused}/{r.unanswerable}, answerable missed {r.false_refusals}/"
            f"{r.answerable}, r@1 {r.recall[1]:.3f}, answer holds it {r.answer_hit_when_first:.3f}"
            for n, r in reports.items()
        )
        print(f"{'ok' if admissible else '--'} caught {caught:.3f} r@1 {recall:.3f} {settings}\n    {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
