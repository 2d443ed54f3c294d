"""Start the app and get its first answer in a real browser, all on this host's loopback.

Run by test_offline.py inside a network namespace that has nothing but loopback: if any part of
the app reached for the network, this would fail. Prints the answer's text and exits 0.

    python tests/offline_app.py CORPUS INDEX
"""

from __future__ import annotations

import sys
from pathlib import Path

from browser import launch_chromium, streamlit_server
from playwright.sync_api import sync_playwright


def main(corpus: str, index: str) -> int:
    with streamlit_server(Path(corpus), Path(index)) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.goto(server.url)
        page.wait_for_selector("[data-test-script-state='notRunning']", timeout=180_000)
        page.get_by_role("textbox", name="Ask a question about the articles").fill(
            "Who submitted the super-complaint that prompted the investigation?"
        )
        page.keyboard.press("Enter")
        answer = page.get_by_test_id("stChatMessage").nth(1)
        answer.wait_for(timeout=120_000)
        page.wait_for_selector("[data-test-script-state='notRunning']", timeout=120_000)
        print(answer.inner_text())
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
