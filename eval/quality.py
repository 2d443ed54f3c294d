"""Answer quality on every evaluation set: ranking, the three outcomes, the quotes.

    python eval/quality.py [--sets news,bbc,...] [--set policy.coverage=0.4 ...] [--out eval/results.json]

The sets, each asked of its own collection:

| set | collection | written |
| --- | --- | --- |
| dev | corpus/ | given with the project |
| paraphrased, reworded | corpus/ | hard rewordings, used to tune the first ranking weights |
| heldout | corpus/ | written apart from those, only measured |
| news | corpus/ | eval/news-paraphrased.jsonl and eval/news-unanswerable.jsonl, written before tuning answerability |
| bbc | 300 BBC News articles (eval/bbc/) | eval/bbc/*.jsonl, written before tuning |
| blind | every BBC News article (about 2,091 once copies are dropped) | eval/blind/: only measured, never tuned on |
| squad-tune, squad-test | SQuAD 2.0 dev articles in halves | public; -tune to tune on, -test only measured |

The BBC and SQuAD collections are not in the repository; they are built in the work folder from
$CITEQA_BBC (default /work/shared/bbc) and $CITEQA_SQUAD (default /work/shared/squad/dev-v2.0.json),
and a set whose data is missing is skipped with a message. Indexes are kept in the work folder
between runs, and questions' vectors in memory within one, so that ``eval/tune.py`` can ask every
set many times.

Figures: docs/answers.md ("Quality").
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from citeqa import Config, Engine
from citeqa.answers.evaluate import Question, Report, evaluate, read_questions
from citeqa.answers.tuning import Tuning
from citeqa.index.embed import ModelEmbedder

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
log = logging.getLogger("quality")


@dataclass(frozen=True)
class EvalSet:
    name: str
    collection: str  # "default", "bbc", "bbc-all", "squad-tune" or "squad-test"
    files: tuple[Path, ...]


def eval_sets(work: Path) -> list[EvalSet]:
    default = [
        EvalSet("dev", "default", (HERE / "dev-questions.jsonl",)),
        EvalSet("paraphrased", "default", (HERE / "paraphrased.jsonl",)),
        EvalSet("reworded", "default", (HERE / "reworded.jsonl",)),
        EvalSet("heldout", "default", (HERE / "heldout.jsonl",)),
        EvalSet("news", "default", (HERE / "news-paraphrased.jsonl", HERE / "news-unanswerable.jsonl")),
        EvalSet("bbc", "bbc", (HERE / "bbc" / "answerable.jsonl", HERE / "bbc" / "unanswerable.jsonl")),
        # Blind: measured after a change, never tuned on (eval/tune.py refuses it).
        EvalSet("blind", "bbc-all", (HERE / "blind" / "answerable.jsonl", HERE / "blind" / "unanswerable.jsonl")),
    ]
    squad = [EvalSet(f"squad-{h}", f"squad-{h}", (work / f"squad-{h}" / "questions.jsonl",)) for h in ("tune", "test")]
    return default + squad


class CachingEmbedder:
    """The model, remembering the vectors of questions: a set asked again costs no model calls."""

    def __init__(self, model: ModelEmbedder) -> None:
        self.model = model
        self.name, self.dim, self.max_tokens = model.name, model.dim, model.max_tokens
        self._vectors: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], *, batch_size: int = 32, background: bool = False) -> np.ndarray:
        if background:
            return self.model.encode(texts, batch_size=batch_size, background=True)
        missing = [t for t in texts if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.model.encode(missing), strict=True))
        return np.stack([self._vectors[t] for t in texts])

    def encode_spans(self, texts, spans, *, background: bool = False):
        return self.model.encode_spans(texts, spans, background=background)

    def truncate(self, text: str) -> tuple[str, bool]:
        return self.model.truncate(text)


class Collections:
    """One engine per collection, opened when first needed."""

    def __init__(self, work: Path, embedder: CachingEmbedder | None) -> None:
        self.work, self.embedder = work, embedder
        self._engines: dict[str, Engine] = {}

    def engine(self, collection: str) -> Engine | None:
        if collection not in self._engines:
            corpus = self.corpus(collection)
            if corpus is None:
                return None
            config = Config(corpus=corpus, index=self.work / "index" / collection)
            self._engines[collection], _ = Engine.open(config, embedder=self.embedder)
        return self._engines[collection]

    def corpus(self, collection: str) -> Path | None:
        """The folder of a collection's articles, built in the work folder the first time."""
        if collection == "default":
            return ROOT / "corpus"
        folder = self.work / collection
        if collection in ("bbc", "bbc-all"):
            folder = folder / "corpus"
            command = [sys.executable, str(HERE / "bbc" / "make_corpus.py"), str(folder)]
            command += ["--all"] if collection == "bbc-all" else []
        else:
            half = collection.removeprefix("squad-")
            command = [
                sys.executable,
                str(HERE / "squad" / "make_set.py"),
                str(folder),
                "--half",
                half,
                "--limit",
                "1500",
            ]
            folder = folder / "corpus"
        if not folder.is_dir():
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                log.warning("skipping %s: %s", collection, (result.stderr or result.stdout).strip().splitlines()[-1:])
                return None
        return folder


def run(
    sets: list[EvalSet], collections: Collections, tuning: Tuning, *, k: int = 5
) -> Iterator[tuple[EvalSet, list[Question], Report]]:
    for eval_set in sets:
        engine = collections.engine(eval_set.collection)
        if engine is None or not all(f.is_file() for f in eval_set.files):
            continue
        questions = [q for f in eval_set.files for q in read_questions(f)]
        yield eval_set, questions, evaluate(questions, lambda q, e=engine: e.ask(q, k=k, tuning=tuning))


def table(results: dict[str, dict]) -> str:
    """The README's quality table."""
    lines = [
        "| set | questions | recall@1 | recall@3 | MRR | answered (answerable) | not answered (unanswerable) "
        "| answer holds it, when first |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, r in results.items():
        peer = r.get("peer", {})

        def beside(key: str, r: dict = r, peer: dict = peer) -> str:
            return f"{r[key]:.3f}" + (f" ({peer[key]:.3f})" if key in peer else "")

        answered = r["answerable_outcomes"]["answered"]
        refused = r["unanswerable_not_answered"]
        lines.append(
            f"| {name} | {r['answerable']} + {r['unanswerable']} | {beside('recall@1')} | {beside('recall@3')} "
            f"| {beside('mrr')} | {answered} of {r['answerable']} | {refused} of {r['unanswerable']} "
            f"| {r['answer_hit_when_first']:.3f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("CITEQA_EVAL_WORK", "/tmp/citeqa-eval")))
    parser.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a tuning setting")
    parser.add_argument("--out", type=Path, help="write the results as JSON here (e.g. eval/results.json)")
    parser.add_argument("--peer", type=Path, help="JSON of the peer's figures to put beside ours")
    parser.add_argument("--misses", action="store_true", help="list the questions each set gets wrong")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("faiss", "sentence_transformers", "bm25s", "transformers", "citeqa"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    tuning = Tuning().with_settings(dict(s.split("=", 1) for s in args.set))
    wanted = set(filter(None, args.sets.split(",")))
    sets = [s for s in eval_sets(args.work) if not wanted or s.name in wanted]
    collections = Collections(args.work, CachingEmbedder(ModelEmbedder(cache=Config().model_cache)))
    peer = json.loads(args.peer.read_text()) if args.peer else {}
    results = {}
    for eval_set, _, report in run(sets, collections, tuning):
        results[eval_set.name] = report.as_dict() | ({"peer": peer[eval_set.name]} if eval_set.name in peer else {})
        log.info("%s: %s", eval_set.name, json.dumps(report.as_dict()))
        if args.misses and eval_set.name != "blind":  # the blind set's questions are not read to design rules
            for miss in report.misses:
                log.info("  miss [%s, rank %s]: %s", miss.outcome, miss.rank, miss.question.q)
    print(table(results))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
