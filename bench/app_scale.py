"""The app on a large collection: server time of a rerun, and start-up until the chat box is usable.

    CITEQA_CORPUS=DIR CITEQA_INDEX=DIR python bench/app_scale.py [--runs 10] [--out bench/app-scale-results.json]

The index must be built already (`citeqa index`). Server time is the script run as AppTest runs it in
this process (the page's own work, plus AppTest's reading of what it sent: an upper bound): a rerun
that changes nothing, changing the citation style, turning a page of the collection, finding articles
by a word, and asking a question. Start-up is from launching `streamlit run app.py` to the chat box
accepting text in Chromium. Beside them, in the same run, the model's own encode of the question.

Figures: docs/speed.md ("A large collection").
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

from browser import launch_chromium, streamlit_server  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from reference import OwnModel  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from citeqa import Config, Engine  # noqa: E402
from citeqa.index.embed import ModelEmbedder  # noqa: E402

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
    results = {
        "rerun": timed(app.run, runs),
        "change the citation style": timed(lambda: app.selectbox(key="style").set_value(next(styles)).run(), runs),
        "next page of the collection": timed(lambda: app.button(key="collection-next").click().run(), runs),
        "find articles by a word": timed(lambda: app.text_input(key="find-words").input(next(words)).run(), runs),
        "ask a question": timed(lambda: app.chat_input[0].set_value(QUESTION).run(), runs),
    }
    people = iter(["minister", "chief executive", "blair", "coach", "spokesman"] * runs)
    app.text_input(key="find-words").input("").run()
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
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "app-scale-results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    config = Config.from_env()
    model, own = ModelEmbedder(cache=Config().model_cache), OwnModel()
    encode = timed(lambda: own.encode([QUESTION]), 20)
    os.environ.setdefault("CITEQA_CONVERSATIONS", str(Path(tempfile.mkdtemp()) / "conversations.sqlite3"))
    results = {
        "corpus": str(config.corpus),
        "articles": sum(1 for p in config.corpus.iterdir() if p.is_file()),
        "model_encode": encode,
        "engine": engine_latency(config, model, own),
        "server": server_times(args.runs),
        "start_up_s": round(start_up(config.corpus, config.index), 1),
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log.info("%s", json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
