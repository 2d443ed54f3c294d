"""How long extracting quotations and speakers takes over a whole collection, on one core, and what share
of a whole index build it is.

    python bench/quotations.py [BBC_ROOT] [--repeat 3] [--index] [--keep DIR] [--out bench/quotations-results.json]

The BBC collection (BBC_ROOT, else $CITEQA_BBC, else /work/shared/bbc) is flattened into a temporary
folder and read with ``citeqa.articles.corpus.load_corpus``, as an index build reads it (files repeating another
file's text are left out, as the build leaves them out). ``citeqa.quotations.extract`` then runs on every
article, ``--repeat`` times, each pass with cold caches; the fastest pass is reported, in wall and CPU
seconds (on a shared machine the CPU time is the fair figure), with the counts of quotations by type and
kind and of distinct speakers.

With ``--index``, the collection is then indexed from nothing with the real model, as `citeqa index` does
(``Engine.open``), and the build's own clock gives the share of its time spent finding quotations
(``BuildReport.quoting``; the 10% budget is on that share). ``--keep DIR`` keeps the flattened corpus and
the index in DIR (for bench/app_scale.py).
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


def index_build(corpus: Path, index: Path) -> dict:
    """Index ``corpus`` from nothing with the real model; the build's seconds and those of its quotations."""
    import shutil as _shutil

    from citeqa import Engine
    from citeqa.index import build as builds
    from citeqa.index.embed import ModelEmbedder

    _shutil.rmtree(index, ignore_errors=True)
    names.parse_phrase.cache_clear()
    subjects.parse_subject.cache_clear()
    reports = []
    original = builds.build

    def recording(*args, **kwargs):
        data, report = original(*args, **kwargs)
        reports.append(report)
        return data, report

    builds.build = recording  # the build's own report, which Engine.open does not return whole
    try:
        config = Config(corpus=corpus, index=index)
        wall, started = time.perf_counter(), time.process_time()
        engine, _ = Engine.open(config, embedder=ModelEmbedder(cache=config.model_cache))
        seconds, cpu = time.perf_counter() - wall, time.process_time() - started
    finally:
        builds.build = original
    report = reports[-1]
    return {
        "articles": len(engine.articles),
        "passages": engine.passage_count,
        "quotations": len(engine._state.data.quotations),
        "open_seconds": round(seconds, 1),
        "open_cpu_seconds": round(cpu, 1),
        "build_seconds": round(report.seconds, 1),
        "quotation_seconds": round(report.quoting, 2),
        "quotation_share_of_build": round(report.quoting / report.seconds, 4),
        "quotation_share_of_cpu": round(report.quoting / cpu, 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, nargs="?", default=Path(os.environ.get("CITEQA_BBC", "/work/shared/bbc")))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "quotations-results.json")
    parser.add_argument("--index", action="store_true", help="also build the index and give extraction's share")
    parser.add_argument("--keep", type=Path, help="keep the flattened corpus (and index) in this folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="citeqa-quotations-") as scratch:
        folder = args.keep / "corpus" if args.keep else Path(scratch) / "corpus"
        folder.mkdir(parents=True, exist_ok=True)
        files = flattened(args.root, folder)
        corpus = load_corpus(folder, limits=Config().limits)
        build = index_build(folder, folder.parent / "index") if args.index else None
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
    if build is not None:
        results["index_build"] = build
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    log.info(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
