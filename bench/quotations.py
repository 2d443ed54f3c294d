"""How long extracting quotations and speakers takes over a whole collection, on one core.

    python bench/quotations.py [BBC_ROOT] [--repeat 3] [--out bench/quotations-results.json]

The BBC collection (BBC_ROOT, else $CITEQA_BBC, else /work/shared/bbc) is flattened into a temporary
folder and read with ``citeqa.articles.corpus.load_corpus``, as an index build reads it (files repeating another
file's text are left out, as the build leaves them out). ``citeqa.quotations.extract`` then runs on every
article, ``--repeat`` times, each pass with cold caches; the fastest pass is reported, in wall and CPU
seconds (on a shared machine the CPU time is the fair figure), with the counts of quotations by type and
kind and of distinct speakers.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from citeqa.articles.corpus import load_corpus
from citeqa.config import Config
from citeqa.quotations import extract, names, subjects

log = logging.getLogger("bench.quotations")


def flattened(root: Path, into: Path) -> int:
    """Copy every article under ``root``'s folders into ``into`` as folder-name.txt; return how many."""
    count = 0
    for path in sorted(root.glob("*/*.txt")):
        shutil.copyfile(path, into / f"{path.parent.name}-{path.name}")
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, nargs="?", default=Path(os.environ.get("CITEQA_BBC", "/work/shared/bbc")))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "quotations-results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="citeqa-quotations-") as folder:
        files = flattened(args.root, Path(folder))
        corpus = load_corpus(Path(folder), limits=Config().limits)
    articles = corpus.articles
    log.info("%d files, %d articles read (%d left out)", files, len(articles), len(corpus.problems))

    passes: list[float] = []
    cpu: list[float] = []
    found = []
    for _ in range(args.repeat):
        names.parse_phrase.cache_clear()  # every pass starts cold, as a new indexing process does
        subjects.parse_subject.cache_clear()
        wall, started = time.perf_counter(), time.process_time()
        found = [extract(article) for article in articles]
        passes.append(time.perf_counter() - wall)
        cpu.append(time.process_time() - started)

    quotations = [q for article in found for q in article]
    paragraphs = sum(len(a.paragraphs) for a in articles)
    speakers = {(a.id, q.speaker) for a, qs in zip(articles, found, strict=True) for q in qs if q.speaker}
    best = min(passes)
    results = {
        "collection": str(args.root),
        "articles": len(articles),
        "paragraphs": paragraphs,
        "quotations": len(quotations),
        "by_type": dict(Counter(q.type for q in quotations)),
        "by_kind": dict(Counter(q.kind for q in quotations)),
        "with_speaker": sum(q.speaker is not None for q in quotations),
        "distinct_speakers_per_article": len(speakers),
        "distinct_speaker_names": len({name for _, name in speakers}),
        "seconds": round(best, 2),
        "cpu_seconds": round(min(cpu), 2),
        "seconds_per_pass": [round(p, 2) for p in passes],
        "median_seconds": round(statistics.median(passes), 2),
        "ms_per_article": round(1000 * best / len(articles), 2),
        "ms_per_paragraph": round(1000 * best / paragraphs, 3),
        "python": sys.version.split()[0],
    }
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    log.info(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
