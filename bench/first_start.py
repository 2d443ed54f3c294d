"""Seconds from `streamlit run app.py` to the first answer in a browser, on the default corpus.

    python bench/first_start.py [--out bench/first-start-results.json]

First with nothing prepared (the model exported from its weights, the index built), then again with
both kept, as on every later start. The answer is waited for by a word only it holds.

Figures: README.md ("On a fresh machine").
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import launch_chromium, streamlit_server  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

log = logging.getLogger("first_start")
QUESTION, ANSWER_WORD = "Who submitted the super-complaint?", "Hestia"


def first_answer(index: Path) -> float:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        start = time.perf_counter()
        with streamlit_server(ROOT / "corpus", index) as server:
            page = browser.new_page()
            page.goto(server.url)
            box = page.get_by_role("textbox", name="Ask a question about the articles")
            box.wait_for(timeout=300_000)
            box.fill(QUESTION)
            box.press("Enter")
            page.get_by_text(ANSWER_WORD).first.wait_for(timeout=300_000)
            seconds = time.perf_counter() - start
        browser.close()
    return round(seconds, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "first-start-results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    work = Path(tempfile.mkdtemp(prefix="citeqa-first-start-"))
    os.environ["CITEQA_MODEL_CACHE"] = str(work / "model")  # nothing exported yet
    os.environ["CITEQA_CONVERSATIONS"] = str(work / "conversations.sqlite3")
    results = {
        "first_start_s (model exported, index built)": first_answer(work / "index"),
        "later_start_s (both kept)": first_answer(work / "index"),
    }
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    log.info("%s", json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
