"""Speed and memory of citeqa on this machine.

    python bench/bench.py [--rounds 5] [--synthetic 100000] [--out bench/results.json]

Measures, on the default corpus: cold start to first answer (a new ``citeqa ask`` process, with and
without a saved index), warm latency per question beside the model's own encode of the question (the
floor), index build time, and peak memory. Then the hybrid search over a synthetic collection of
100,000 passages, and FAISS exact search against approximate indexes (HNSW, IVF) on the same vectors.

Figures: docs/speed.md ("One process", "Exact or approximate search").
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np
from reference import OwnModel  # bench/, the script's folder

from citeqa import Config, Engine
from citeqa.answers.evaluate import read_questions
from citeqa.answers.query import analyse
from citeqa.answers.search import search
from citeqa.index.base import IndexData, Manifest
from citeqa.index.build import assemble
from citeqa.index.embed import ModelEmbedder
from citeqa.index.vectors import KINDS
from citeqa.records import Article, Passage

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="times each dev question is asked warm")
    parser.add_argument("--synthetic", type=int, default=100_000, help="passages in the synthetic collection")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("faiss", "sentence_transformers", "bm25s", "transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    results: dict[str, object] = {"machine": _machine()}
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        results["cold_start_no_index_s"] = _cold_start(index_dir)
        results["cold_start_s"] = _cold_start(index_dir)
        results.update(_warm(Path(tmp) / "index2", args.rounds))
    results["synthetic"] = _synthetic(args.synthetic)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    log.info("%s", json.dumps(results, indent=1))
    log.info("written to %s", args.out)


def _machine() -> dict[str, object]:
    return {"cores": os.cpu_count(), "python": sys.version.split()[0], "faiss_threads": faiss.omp_get_max_threads()}


def _cold_start(index_dir: Path) -> float:
    """Seconds from starting a ``citeqa ask`` process to its answer, the index saved or not."""
    env = {**os.environ, "CITEQA_CORPUS": str(ROOT / "corpus"), "CITEQA_INDEX": str(index_dir)}
    saved = "saved" if index_dir.exists() else "no"
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("citeqa")), "ask", "Who submitted the super-complaint?", "--json"],
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    log.info("cold start to first answer (%s index): %.2fs", saved, seconds)
    return round(seconds, 2)


def _warm(index_dir: Path, rounds: int) -> dict[str, object]:
    embedder = ModelEmbedder(cache=Config().model_cache)
    config = Config(corpus=ROOT / "corpus", index=index_dir)
    started = time.perf_counter()
    engine, report = Engine.open(config, embedder=embedder)
    build = time.perf_counter() - started
    texts = report.embedded
    questions = [q.q for q in read_questions(ROOT / "eval" / "dev-questions.jsonl")]
    for q in questions:  # warm up caches and lazy imports
        engine.ask(q)
    own = OwnModel()
    ask_ms, encode_ms, ours_ms = [], [], []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            own.encode([q])
            encode_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            embedder.encode([q])
            ours_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            engine.ask(q)
            ask_ms.append((time.perf_counter() - t) * 1000)
    ask, encode, ours = _percentiles(ask_ms), _percentiles(encode_ms), _percentiles(ours_ms)
    log.info("warm ask p50 %.1f ms, p95 %.1f ms; encode floor p50 %.1f ms, p95 %.1f ms", *ask, *encode)
    return {
        "index_build_s": round(build, 2),
        "passages": engine.passage_count,
        "texts_embedded": texts,
        "passages_per_s": round(engine.passage_count / build, 1),
        "texts_per_s": round(texts / build, 1),
        "warm_ask_ms": {"p50": ask[0], "p95": ask[1], "n": len(ask_ms)},
        "encode_floor_ms": {"p50": encode[0], "p95": encode[1]},
        "citeqa_encode_ms": {"p50": ours[0], "p95": ours[1]},
        "ask_over_floor_p50": round(ask[0] / encode[0], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _synthetic(n: int, dim: int = 384, queries: int = 200) -> dict[str, object]:
    """Hybrid search over ``n`` synthetic passages, and exact against approximate FAISS indexes.

    Passages gather around 2,000 topics, as news paragraphs do; the FAISS comparison is made twice,
    with tight topics (cosine 0.5 between two passages of a topic) and diffuse ones (0.2). Each
    query is a passage moved to cosine 0.7 of where it was, about as far as a question is from the
    paragraph that answers it.
    """
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((2_000, dim)).astype(np.float32)
    topics = rng.integers(0, 2_000, n)
    query_rows = rng.integers(0, n, queries)
    noise = rng.standard_normal((n, dim)).astype(np.float32)
    query_noise = 0.05 * rng.standard_normal((queries, dim)).astype(np.float32)

    def collection(spread: float) -> tuple[np.ndarray, np.ndarray]:
        vectors = _unit(centres[topics] + spread * noise)
        return vectors, _unit(vectors[query_rows] + query_noise)

    vectors, query_vectors = collection(1.0)
    words = [f"w{i}" for i in range(20_000)]
    texts = [" ".join(rng.choice(words, 40)) + "." for _ in range(n)]
    query_texts = [" ".join(texts[r].split()[:6]) for r in query_rows]
    started = time.perf_counter()
    data = _synthetic_index(vectors, texts)
    hybrid_build = time.perf_counter() - started
    rss = _rss_mb()
    ms = []
    for vector, text in zip(query_vectors, query_texts, strict=True):
        query = analyse(text)
        t = time.perf_counter()
        search(data, vector, query, k=5)
        ms.append((time.perf_counter() - t) * 1000)
    hybrid = _percentiles(ms)
    log.info("hybrid search over %d passages: p50 %.1f ms, p95 %.1f ms", n, *hybrid)
    del data
    return {
        "passages": n,
        "hybrid_search_ms": {"p50": hybrid[0], "p95": hybrid[1]},
        "hybrid_index_build_s (BM25 + FAISS, vectors given)": round(hybrid_build, 1),
        "rss_mb_with_hybrid_index": rss,
        "faiss_tight_topics": _compare_faiss(*collection(1.0), rng),
        "faiss_diffuse_topics": _compare_faiss(*collection(2.0), rng),
    }


def _compare_faiss(vectors: np.ndarray, queries: np.ndarray, rng: np.random.Generator) -> list[dict]:
    n, dim = vectors.shape
    flat = faiss.IndexFlatIP(dim)
    flat.add(vectors)
    exact_ids, flat_stats = _faiss_stats("exact (IndexFlatIP)", flat, queries, None, 0.0)
    rows = [flat_stats]
    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 80
    hnsw.add(vectors)
    built = time.perf_counter() - started
    for ef in (64, 256):
        hnsw.hnsw.efSearch = ef
        rows.append(_faiss_stats(f"HNSW32 efSearch={ef}", hnsw, queries, exact_ids, built)[1])
    started = time.perf_counter()
    ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, 1024, faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors[rng.choice(n, min(n, 60_000), replace=False)])
    ivf.add(vectors)
    ivf.nprobe = 16
    rows.append(_faiss_stats("IVF1024 nprobe=16", ivf, queries, exact_ids, time.perf_counter() - started)[1])
    return rows


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _synthetic_index(vectors: np.ndarray, texts: list[str]) -> IndexData:
    """One article of ``texts``, each its own one-sentence passage with ``vectors`` for every kind."""
    article = Article(id="s", path="s.txt", title="Synthetic", paragraphs=tuple(texts), sha256="")
    passages = tuple(
        Passage(id=f"s#p{i + 1}", article_id="s", number=i + 1, text=t, sentences=((0, len(t)),))
        for i, t in enumerate(texts)
    )
    manifest = Manifest(
        format=0, model="synthetic", dim=vectors.shape[1], fingerprint="", created="", counts={}, files={}
    )
    return assemble(manifest, (article,), passages, matrices={kind: vectors for kind in KINDS})


def _faiss_stats(name, index, queries, exact_ids, build_s):
    ms = []
    ids = []
    for q in queries:
        t = time.perf_counter()
        _, found = index.search(q[None, :], 10)
        ms.append((time.perf_counter() - t) * 1000)
        ids.append(found[0])
    recall = (
        1.0
        if exact_ids is None
        else float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact_ids, strict=True)]))
    )
    size = faiss.serialize_index(index).nbytes / 1e6
    p50, p95 = _percentiles(ms)
    log.info(
        "%s: p50 %.2f ms, p95 %.2f ms, recall@10 %.3f, %.0f MB, built in %.1fs", name, p50, p95, recall, size, build_s
    )
    return np.array(ids), {
        "index": name,
        "p50_ms": p50,
        "p95_ms": p95,
        "recall@10_vs_exact": round(recall, 3),
        "size_mb": round(size, 1),
        "build_s": round(build_s, 1),
    }


def _percentiles(values: list[float]) -> tuple[float, float]:
    quantiles = statistics.quantiles(values, n=20, method="inclusive")
    return round(statistics.median(values), 2), round(quantiles[18], 2)


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


if __name__ == "__main__":
    main()
