"""Whether a long conversation slows the page down: asking in a conversation of N earlier turns.

    python bench/long_conversation.py [--turns 1 50 200] [--asks 3] [--out bench/long-conversation-results.json]

Saves conversations of N turns (real answers to the dev questions, asked in turn) in a fresh store,
starts one `streamlit run app.py` on them, and for each opens the conversation's address in Chromium
as its owner, then asks --asks questions. Measured per question: the time from pressing Enter to a
settled page (the script idle and the new answer drawn), the page's element count, and the time to
open the conversation's address (loading it from the store and drawing it). Beside them, in
the same run, the model's own encode of a question, the floor any answer costs.

Figures: docs/speed.md ("Long conversations").
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import launch_chromium, streamlit_server  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from citeqa import Config, Engine, Turn  # noqa: E402
from citeqa.answers.evaluate import read_questions  # noqa: E402
from citeqa.index.embed import ModelEmbedder  # noqa: E402
from citeqa.workbench.saved.store import ConversationStore  # noqa: E402

log = logging.getLogger("long_conversation")
OWNER = "bench-owner-" + "x" * 20
ASK = "What did Shaun Sawyer say?"


def saved_conversation(engine: Engine, store: ConversationStore, turns: int) -> str:
    questions = [q.q for q in read_questions(ROOT / "eval" / "dev-questions.jsonl")]
    history: list[Turn] = []
    conversation_id = None
    for n in range(turns):
        answer = engine.ask(questions[n % len(questions)], history=history[-3:])
        history.append(Turn(answer.question, answer))
        if conversation_id is None:
            conversation_id = store.start(OWNER, answer)
        else:
            store.add_turn(conversation_id, OWNER, answer)
    return conversation_id


def measure(page, url: str, asks: int) -> dict:
    start = time.perf_counter()
    page.goto(url)
    page.get_by_test_id("stChatMessage").first.wait_for(timeout=180_000)
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=180_000)
    opened = time.perf_counter() - start
    settled = []
    for number in range(asks):
        question = f"{ASK} ({number + 1})"
        page.get_by_role("textbox", name="Ask a question about the articles").fill(question)
        start = time.perf_counter()
        page.keyboard.press("Enter")
        # Settled: the new question's answer drawn below it and the script idle.
        page.get_by_test_id("stChatMessage").filter(has_text=question).locator(
            "xpath=following::*[@data-testid='stChatMessage'][1]"
        ).wait_for(timeout=120_000)
        page.wait_for_selector("[data-test-script-state='notRunning']", timeout=120_000)
        settled.append(time.perf_counter() - start)
    elements = page.evaluate("document.querySelectorAll('*').length")
    return {
        "open_s": round(opened, 3),
        "settled_s_median": round(statistics.median(settled), 3),
        "settled_s_max": round(max(settled), 3),
        "page_elements": elements,
        "drawn_chat_messages": page.get_by_test_id("stChatMessage").count(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, nargs="+", default=[1, 50, 200])
    parser.add_argument("--asks", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "long-conversation-results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    work = Path(tempfile.mkdtemp(prefix="citeqa-long-"))
    try:
        shutil.copytree(ROOT / "corpus", work / "corpus")
        model = ModelEmbedder(cache=Config().model_cache)
        engine, _ = Engine.open(Config(corpus=work / "corpus", index=work / "index"), embedder=model)
        store = ConversationStore(work / "index-conversations.sqlite3")  # where the test server looks
        conversations = {n: saved_conversation(engine, store, n) for n in args.turns}
        encode = []
        for _ in range(20):
            start = time.perf_counter()
            model.encode([ASK])
            encode.append(time.perf_counter() - start)
        results = {"model_encode_ms_median": round(1000 * statistics.median(encode), 1), "conversations": {}}
        with (
            streamlit_server(work / "corpus", work / "index", log=work / "streamlit.log") as server,
            sync_playwright() as playwright,
        ):
            browser = launch_chromium(playwright)
            context = browser.new_context(viewport={"width": 1280, "height": 1100})
            context.add_cookies([{"name": "citeqa_owner", "value": OWNER, "url": server.url}])
            page = context.new_page()
            page.goto(server.url)  # the server loads its engine once, before anything is timed
            page.wait_for_selector("[data-test-script-state='notRunning']", timeout=300_000)
            for n, conversation_id in conversations.items():
                figures = measure(page, f"{server.url}/?c={conversation_id}", args.asks)
                results["conversations"][str(n)] = figures
                log.info("%4d earlier turns: %s", n, figures)
            browser.close()
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        log.info("model encode %.1f ms; written to %s", results["model_encode_ms_median"], args.out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
