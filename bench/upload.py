"""What one upload costs the server, and what another session's questions see meanwhile.

    python bench/upload.py [--out bench/upload-results.json]

In one process, as the app runs them (the engine shared by every session): a "reader" thread asks the
dev questions one after another, all the time; meanwhile

1. a 1 MB file of short paragraphs ("Note N says the number N bus was late on Monday.") is uploaded:
   over the paragraph limit, so it must be refused, and quickly;
2. the largest upload the limits accept (1,000 such paragraphs) is queued, and right after it a
   200-byte article from "another user": how long each takes to be added.

Reported beside the reader's latency with no upload running, and the model's own encode of a question
(the floor), all in the same run: the machine is shared, so only the ratios hold.

Figures: docs/speed.md ("Uploads").
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from reference import OwnModel  # bench/, the script's folder

from citeqa import ArticleError, Config, Engine
from citeqa.answers.evaluate import read_questions
from citeqa.index.embed import ModelEmbedder

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("bench.upload")

SMALL = b"""Harbour town bans jet skis

The town council voted on Monday to ban jet skis from the old port from next summer.
"""


def notes(count: int) -> bytes:
    return (
        "Bus notes\n\n" + "\n\n".join(f"Note {n} says the number {n} bus was late on Monday." for n in range(count))
    ).encode()


class Reader:
    """Asks the dev questions in a loop on its own thread, recording each answer's latency."""

    def __init__(self, engine: Engine, questions: list[str]) -> None:
        self.engine, self.questions = engine, questions
        self.latencies: list[tuple[float, float]] = []  # (finished at, seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def __enter__(self) -> Reader:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        i = 0
        while not self._stop.is_set():
            started = time.perf_counter()
            self.engine.ask(self.questions[i % len(self.questions)])
            self.latencies.append((time.perf_counter(), time.perf_counter() - started))
            i += 1

    def between(self, start: float, end: float) -> list[float]:
        return [seconds * 1000 for at, seconds in self.latencies if start <= at <= end]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "upload-results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("faiss", "sentence_transformers", "bm25s", "transformers", "citeqa"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    questions = [q.q for q in read_questions(ROOT / "eval" / "dev-questions.jsonl") if q.gold]
    model = ModelEmbedder(cache=Config().model_cache)
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        engine, _ = Engine.open(Config(corpus=corpus, index=Path(tmp) / "index"), embedder=model)
        floor, own = [], OwnModel()
        for question in questions * 3:
            started = time.perf_counter()
            own.encode([question])
            floor.append((time.perf_counter() - started) * 1000)
        results["encode_floor_ms"] = _stats(floor)

        with Reader(engine, questions) as reader:
            time.sleep(5)
            quiet_end = time.perf_counter()
            results["answers_without_upload_ms"] = _stats(reader.between(0, quiet_end))

            big_file = notes(20_000)
            started = time.perf_counter()
            try:
                engine.submit_article("bus-notes.txt", big_file)
            except ArticleError as exc:
                refusal = str(exc)
            else:
                raise SystemExit("the 1 MB file of 20,000 paragraphs was accepted; the limits do not hold")
            refused_s = time.perf_counter() - started
            log.info("1 MB upload refused in %.2f s: %s", refused_s, refusal)
            results["one_mb_upload"] = {"bytes": len(big_file), "refused_s": round(refused_s, 3), "message": refusal}

            largest = notes(1_000)
            started = time.perf_counter()
            big = engine.submit_article("bus-notes.txt", largest)
            small = engine.submit_article("harbour.txt", SMALL)
            small_status = engine._uploads.wait(small.id, timeout=600)
            small_s = time.perf_counter() - started
            big_status = engine._uploads.wait(big.id, timeout=3600)
            big_s = time.perf_counter() - started
            assert small_status.state == big_status.state == "added", (small_status, big_status)
            results["largest_accepted_upload"] = {
                "bytes": len(largest),
                "paragraphs": 1_000,
                "texts_embedded": big.total,
                "added_after_s": round(big_s, 1),
            }
            results["small_upload_behind_it"] = {"bytes": len(SMALL), "added_after_s": round(small_s, 2)}
            results["answers_during_upload_ms"] = _stats(reader.between(started, started + big_s))
    ratio = results["answers_during_upload_ms"]["p95"] / results["answers_without_upload_ms"]["p95"]
    results["p95_during_over_without"] = round(ratio, 2)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    log.info("%s", json.dumps(results, indent=1))
    log.info("written to %s", args.out)


def _stats(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"n": len(values), "p50": round(values[0], 1) if values else 0.0, "p95": 0.0}
    quantiles = statistics.quantiles(values, n=20, method="inclusive")
    return {"n": len(values), "p50": round(statistics.median(values), 1), "p95": round(quantiles[18], 1)}


if __name__ == "__main__":
    sys.exit(main())
