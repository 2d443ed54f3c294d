"""Build a reading-comprehension evaluation set from the SQuAD 2.0 dev set: a corpus and questions.

SQuAD 2.0 (Rajpurkar, Jia and Liang, 2018; CC BY-SA 4.0) asks questions about Wikipedia paragraphs;
about half cannot be answered from the paragraph though they were written to look answerable. The data
is not kept in this repository: this script reads ``dev-v2.0.json`` (default $CITEQA_SQUAD, else
/work/shared/squad/dev-v2.0.json) and writes into DEST

- ``corpus/``: one article per dev article, ``<title>.txt``: the title, then its paragraphs separated
  by blank lines;
- ``questions.jsonl``: ``{"q", "gold": [the first 60 characters of the question's paragraph],
  "answer_any": [accepted answers]}``; ``gold`` is empty for an unanswerable question.

The 35 dev articles are split by their position in the file (0-based). Positions 0-15 are a test set
kept apart and used by neither half (nor by ``--half all``): nothing is ever chosen on them. From
position 16 on, ``--half tune`` takes the even positions (for choosing weights and thresholds) and
``--half test`` the odd ones (only measured).

    python eval/squad/make_set.py /tmp/squad-tune --half tune [--limit 1500]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import sys
from pathlib import Path

log = logging.getLogger("make_set")

DEFAULT_SOURCE = "/work/shared/squad/dev-v2.0.json"
GOLD_CHARS = 60
KEPT_APART = 16  # articles at positions 0-15: a test set that neither half uses


def in_half(position: int, half: str) -> bool:
    """Whether the article at ``position`` (0-based) belongs to ``half`` ("tune", "test" or "all")."""
    if position < KEPT_APART:
        return False
    return half == "all" or position % 2 == (0 if half == "tune" else 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest", type=Path, help="folder to write corpus/ and questions.jsonl into")
    parser.add_argument("--source", type=Path, default=Path(os.environ.get("CITEQA_SQUAD", DEFAULT_SOURCE)))
    parser.add_argument("--half", choices=("tune", "test", "all"), default="all")
    parser.add_argument("--limit", type=int, default=0, help="keep this many questions, sampled evenly (0: all)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        data = json.loads(args.source.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError) as exc:
        log.error("cannot read the SQuAD 2.0 dev set at %s: %s", args.source, exc)
        return 2
    corpus = args.dest / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    questions = []
    for position, article in enumerate(data):
        if not in_half(position, args.half):
            continue
        title = article["title"].replace("_", " ")
        contexts = [p["context"].strip() for p in article["paragraphs"]]
        name = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-") + ".txt"
        _write(corpus / name, title + "\n\n" + "\n\n".join(" ".join(c.split()) for c in contexts) + "\n")
        for paragraph in article["paragraphs"]:
            gold = " ".join(paragraph["context"].split())[:GOLD_CHARS]
            for qa in paragraph["qas"]:
                answers = sorted({a["text"] for a in qa["answers"]})
                questions.append(
                    {"q": qa["question"].strip(), "gold": [] if qa["is_impossible"] else [gold], "answer_any": answers}
                )
    if args.limit and args.limit < len(questions):
        questions = random.Random(2018).sample(questions, args.limit)
    _write(args.dest / "questions.jsonl", "".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions))
    unanswerable = sum(not q["gold"] for q in questions)
    articles = len(list(corpus.iterdir()))
    print(f"{articles} articles, {len(questions)} questions ({unanswerable} unanswerable) in {args.dest}")
    return 0


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
