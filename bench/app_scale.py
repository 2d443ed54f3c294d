"""The app on a large collection: server time of a rerun, start-up until the chat box is usable, and a
first build answering early.

    CITEQA_CORPUS=DIR CITEQA_INDEX=DIR python bench/app_scale.py [--first-build] [--runs 10]
        [--out bench/app-scale-results.json]

With ``--first-build`` the index folder must hold no build yet: the app is started on it in Chromium,
and the bench times the first question answered (from the articles indexed so far) and the whole
build, saved. Without it the index must be built already (`citeqa index`).

Server time is the script run as AppTest runs it in this process (the page's own work, plus AppTest's
reading of what it sent: an upper bound): a rerun that changes nothing, changing the citation style,
turning a page of the collection, finding articles by a word of their text (and sorting them by date,
and choosing a section), and asking a question. Start-up is from launching `streamlit run app.py` to
the chat box accepting text in Chromium. Beside them, in the same run, the model's own encode of the
question. The catalog (the articles made findable by their words, and their near-duplicate stories)
is timed part by part on the collection, the detection of near-duplicates against the whole build.

Figures: docs/speed.md ("A large collection") and docs/scale.md ("A first build").
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import numpy as np  # noqa: E402
from browser import launch_chromium, streamlit_server  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from reference import OwnModel  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from citeqa import Config, Engine  # noqa: E402
from citeqa.answers.evidence import Evidence  # noqa: E402
from citeqa.articles import duplicates  # noqa: E402
from citeqa.articles.catalog import Catalog  # noqa: E402
from citeqa.articles.finder import Finder, words_of  # noqa: E402
from citeqa.index import build  # noqa: E402
from citeqa.index.embed import ModelEmbedder  # noqa: E402
from citeqa.index.stores.folder.store import current_build  # noqa: E402

log = logging.getLogger("app_scale")
QUESTION = "What did the minister say about the budget?"


def timed(action, runs: int) -> dict:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return {"p50_ms": round(1000 * statistics.median(seconds)), "max_ms": round(1000 * max(seconds))}


def server_times(runs: int) -> dict:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.run()  # loads the engine (not timed)
    assert not app.exception, app.exception
    styles = iter(["apa", "mla", "plain", "markdown"] * runs)
    words = iter(["election", "market", "film", "match", "phone"] * runs)
    body_words = iter(["Greenspan", "oil", "broadband", "striker", "pension"] * runs)  # mostly not in headlines
    sorts = iter(["newest", "oldest", "headline", "relevance"] * runs)
    sections = iter([["business"], ["sport"], ["tech"], []] * runs)
    results = {
        "rerun": timed(app.run, runs),
        "change the citation style": timed(lambda: app.selectbox(key="style").set_value(next(styles)).run(), runs),
        "next page of the collection": timed(lambda: app.button(key="collection-next").click().run(), runs),
        "find articles by a word": timed(lambda: app.text_input(key="find-words").input(next(words)).run(), runs),
        "find articles by a word of their text": timed(
            lambda: app.text_input(key="find-words").input(next(body_words)).run(), runs
        ),
        "sort the articles found": timed(lambda: app.selectbox(key="find-sort").set_value(next(sorts)).run(), runs),
        "choose a section": timed(lambda: app.multiselect(key="find-sections").set_value(next(sections)).run(), runs),
        "ask a question": timed(lambda: app.chat_input[0].set_value(QUESTION).run(), runs),
    }
    people = iter(["minister", "chief executive", "blair", "coach", "spokesman"] * runs)
    app.text_input(key="find-words").input("").run()
    # The page now holds the answers asked above: the list's own cost is against this rerun, not the first.
    results["people quoted: rerun with the list closed, the same page"] = timed(app.run, runs)
    results["people quoted: open the list"] = open_people(app, runs)
    results["people quoted: rerun with the list open"] = timed(app.run, runs)
    results["people quoted: next page"] = timed(lambda: app.button(key="people-next").click().run(), runs)
    results["people quoted: find by a word"] = timed(
        lambda: app.text_input(key="people-words").input(next(people)).run(), runs
    )
    assert not app.exception, app.exception
    return results


def open_people(app: AppTest, runs: int) -> dict:
    """The rerun that opens the "People quoted" panel (as a click on it does), from closed: it counts
    every speaker's quotations in the articles chosen and draws the first page."""
    seconds = []
    for _ in range(runs):
        app.session_state["people"] = False
        app.run()
        app.session_state["people"] = True
        start = time.perf_counter()
        app.run()
        seconds.append(time.perf_counter() - start)
    return {"p50_ms": round(1000 * statistics.median(seconds)), "max_ms": round(1000 * max(seconds))}


def engine_latency(config: Config, model: ModelEmbedder, own: OwnModel) -> dict:
    """Answer latency on the saved index (questions of eval/bbc/, whatever the collection), beside
    the model's own encode of the same questions (and citeqa's, on ONNX Runtime)."""
    questions = [json.loads(line)["q"] for line in (ROOT / "eval" / "bbc" / "answerable.jsonl").open()][:40]
    engine, _ = Engine.open(config, embedder=model)
    for question in questions[:3]:
        engine.ask(question)  # warm
    ask, encode, ours = [], [], []
    for question in questions:
        start = time.perf_counter()
        engine.ask(question)
        ask.append(time.perf_counter() - start)
        start = time.perf_counter()
        own.encode([question])
        encode.append(time.perf_counter() - start)
        start = time.perf_counter()
        model.encode([question])
        ours.append(time.perf_counter() - start)
    p50 = statistics.median(ask), statistics.median(encode), statistics.median(ours)
    return {
        "passages": engine.passage_count,
        "ask_p50_ms": round(1000 * p50[0], 1),
        "encode_p50_ms": round(1000 * p50[1], 1),
        "citeqa_encode_p50_ms": round(1000 * p50[2], 1),
        "ratio": round(p50[0] / p50[1], 2),
    }


def catalog_times(engine: Engine, build_seconds: float | None) -> dict:
    """The catalog of the collection, made afresh, part by part; the near-duplicates found, and their
    detection's share of a whole build."""
    articles = engine.articles
    start = time.perf_counter()
    words = words_of(articles)
    tokenized = time.perf_counter()
    Finder(words)
    indexed = time.perf_counter()
    sketches = duplicates.sketches(words)
    sketched = time.perf_counter()
    found = duplicates.detect(articles, sketches)
    detected = time.perf_counter()
    whole = timed(lambda: Catalog(articles), 3)
    detection = detected - indexed
    result = {
        "articles": len(articles),
        "words_s": round(tokenized - start, 2),
        "keyword_index_s": round(indexed - tokenized, 2),
        "sketches_s": round(sketched - indexed, 2),
        "lsh_and_check_s": round(detected - sketched, 2),
        "catalog_p50_s": round(whole["p50_ms"] / 1000, 2),
        "pairs": len(found.pairs),
        "articles_in_pairs": len(found.groups),
        "pair_list": [[p.first, p.second, p.jaccard, p.contained] for p in found.pairs],
    }
    if build_seconds:
        result["detection_share_of_build"] = round(detection / build_seconds, 4)
        result["detection_with_words_share_of_build"] = round((detection + tokenized - start) / build_seconds, 4)
    return result


def early_builds(engine: Engine) -> dict:
    """What a first build spends making its early builds searchable: at each window's end (build.py),
    the articles whose texts all lie before it, assembled and judged on (Evidence), as the collection
    does; their catalogs apart (made on a thread of their own)."""
    data = engine._state.data
    articles = data.articles
    texts = np.cumsum([len(a.paragraphs) + 1 + bool(a.standfirst or a.subtitle) for a in articles])
    rows: dict[str, list[int]] = {}
    for row, passage in enumerate(data.passages):
        rows.setdefault(passage.article_id, []).append(row)
    matrices = {kind: data.searcher.vectors(kind) for kind in ("passage", "context", "sentence")}
    starts = data.sentence_start
    made, catalogs, evidence, catalog = [], [], None, None
    for _, end in build._windows(int(texts[-1])):
        if end >= texts[-1]:
            break
        done = articles[: int(np.searchsorted(texts, end, side="right"))]
        passage_rows = [r for a in done for r in rows[a.id]]
        sentence_rows = [s for r in passage_rows for s in range(starts[r], starts[r + 1])]
        part = {
            kind: matrix[sentence_rows if kind == "sentence" else passage_rows] for kind, matrix in matrices.items()
        }
        start = time.perf_counter()
        early = build.assemble(
            build._manifest(done, engine.embedder, part),
            done,
            tuple(data.passages[r] for r in passage_rows),
            matrices=part,
        )
        evidence = Evidence(early, {a.id: a for a in done}, evidence)
        assembled = time.perf_counter()
        catalog = Catalog(done, catalog)
        made.append(assembled - start)
        catalogs.append(time.perf_counter() - assembled)
    return {"early_builds": len(made), "assembled_s": round(sum(made), 1), "catalogs_s": round(sum(catalogs), 1)}


def first_build(corpus: Path, index: Path, question: str) -> dict:
    """From `streamlit run` on a collection never indexed: the first question answered in Chromium
    (from the articles indexed so far), and the whole build saved."""
    if current_build(index) is not None:
        raise SystemExit(f"{index} holds a build already: --first-build needs an index folder without one")
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        start = time.perf_counter()
        with streamlit_server(corpus, index, log=Path(work) / "streamlit.log") as server:
            page = browser.new_page()
            page.goto(server.url)
            box = page.get_by_role("textbox", name="Ask a question about the articles")
            box.wait_for(timeout=1_800_000)
            usable = time.perf_counter() - start
            box.fill(question)
            box.press("Enter")
            page.locator(".st-key-turn-0 [data-testid='stChatMessage']").nth(1).wait_for(timeout=300_000)
            page.locator("[data-test-script-state='notRunning']").wait_for(timeout=300_000)
            answered = time.perf_counter() - start
            note = page.locator(".st-key-turn-0").inner_text()
            searched = next((line for line in note.splitlines() if line.startswith("Searched ")), None)
            while current_build(index) is None:
                if server.process.poll() is not None:
                    raise SystemExit(f"the app stopped during the build (see {work}/streamlit.log)")
                time.sleep(1)
            whole = time.perf_counter() - start
        browser.close()
    return {
        "chat_usable_s": round(usable, 1),
        "first_answer_s": round(answered, 1),
        "first_answer_note": searched,
        "whole_build_saved_s": round(whole, 1),
    }


def start_up(corpus: Path, index: Path) -> float:
    """Seconds from `streamlit run` to a chat box that takes text, with the index saved already."""
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        start = time.perf_counter()
        with streamlit_server(corpus, index, log=Path(work) / "streamlit.log") as server:
            page = browser.new_page()
            page.goto(server.url)
            page.get_by_role("textbox", name="Ask a question about the articles").wait_for(timeout=300_000)
            seconds = time.perf_counter() - start
        browser.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--first-build", action="store_true", help="time a first build in the app (empty index)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "app-scale-results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = Config.from_env()
    model, own = ModelEmbedder(cache=Config().model_cache), OwnModel()
    encode = timed(lambda: own.encode([QUESTION]), 20)
    os.environ.setdefault("CITEQA_CONVERSATIONS", str(Path(tempfile.mkdtemp()) / "conversations.sqlite3"))
    results: dict = {"corpus": str(config.corpus)}
    if args.first_build:
        results["first_build"] = first_build(config.corpus, config.index, QUESTION)
        log.info("%s", results["first_build"])
    elif args.out.is_file():  # kept from the last run that timed a first build (it takes many minutes)
        earlier = json.loads(args.out.read_text(encoding="utf-8"))
        if "first_build" in earlier:
            results["first_build"] = earlier["first_build"] | {"from_an_earlier_run": True}
    engine, _ = Engine.open(config, embedder=model)
    results["articles"] = len(engine.articles)
    results["skipped"] = len(engine.problems)
    whole = results.get("first_build", {}).get("whole_build_saved_s")
    results["catalog"] = catalog_times(engine, whole)
    results["first_build_early_builds"] = early_builds(engine)
    results["model_encode"] = encode
    results["engine"] = engine_latency(config, model, own)
    results["server"] = server_times(args.runs)
    results["start_up_s"] = round(start_up(config.corpus, config.index), 1)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log.info("%s", json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
