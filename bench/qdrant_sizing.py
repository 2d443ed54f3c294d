"""What a passage costs in Qdrant, and how fast each backend answers, on a saved index.

Loads a saved (FAISS) build, writes it into Qdrant's local mode, and measures from the very points
citeqa writes: vector floats, sparse entries and payload bytes per passage, which the sizing table of
docs/scale.md multiplies out. Then times the search step of both backends on the same questions
beside the model's own encode of each question, in the same run.

    python bench/qdrant_sizing.py --index DIR [--out bench/qdrant-sizing-results.json]

Figures: docs/scale.md ("Sizing", and the local mode's speed under "Beyond one machine").
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path

from citeqa import Config
from citeqa.answers.query import analyse
from citeqa.answers.search import search
from citeqa.index.embed import ModelEmbedder
from citeqa.index.stores.folder.store import load
from citeqa.index.stores.qdrant import points as qdrant_points
from citeqa.index.stores.qdrant.store import QdrantStore

log = logging.getLogger("bench.qdrant_sizing")

QUESTIONS = [
    "What did the chancellor say about economic growth?",
    "How many jobs will be cut?",
    "Who won the award for best film?",
    "What did the report say about broadband prices?",
    "Why did the shares fall?",
    "When will the new console go on sale?",
    "What did the coach say after the match?",
    "How much did the company pay for the deal?",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("bench/qdrant-sizing-results.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    data = load(args.index)
    points = list(qdrant_points.points(data, qdrant_points.average_length(data)))
    floats = sum(
        len(p.vector["passage"]) + len(p.vector["context"]) + sum(map(len, p.vector["sentence"])) for p in points
    )
    sparse = sum(len(p.vector["keywords"].indices) for p in points)
    payload = sum(len(json.dumps(p.payload, ensure_ascii=False).encode()) for p in points)
    n = len(points)
    sizes = {
        "passages": n,
        "articles": len(data.articles),
        "passages_per_article": round(n / len(data.articles), 2),
        "vector_bytes_per_passage": round(4 * floats / n),
        "sparse_bytes_per_passage": round(8 * sparse / n),  # a u32 index and an f32 weight per term
        "payload_bytes_per_passage": round(payload / n),
    }
    log.info("%s", sizes)
    embedder = ModelEmbedder(data.manifest.model, cache=Config().model_cache)
    with tempfile.TemporaryDirectory() as folder:
        store = QdrantStore(Path(folder))
        started = time.perf_counter()
        in_qdrant = store.save(data)
        upload = time.perf_counter() - started
        timings: dict[str, list[float]] = {"encode": [], "faiss_search": [], "qdrant_local_search": []}
        for _ in range(3):
            for question in QUESTIONS:
                t = time.perf_counter()
                vector = embedder.encode([question])[0]
                timings["encode"].append(time.perf_counter() - t)
                query = analyse(question)
                for name, build in (("faiss_search", data), ("qdrant_local_search", in_qdrant)):
                    t = time.perf_counter()
                    search(build, vector, query, k=5)
                    timings[name].append(time.perf_counter() - t)
    medians = {name: round(1000 * statistics.median(values), 1) for name, values in timings.items()}
    result = {"sizes": sizes, "qdrant_local_upload_s": round(upload, 1), "median_ms": medians}
    log.info("%s", result)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
