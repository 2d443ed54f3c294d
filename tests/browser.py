"""A real `streamlit run app.py` on a free loopback port, and Debian's Chromium under Playwright:
shared by the browser tests and the offline check."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from conftest import citeqa_environment

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Headless, as root, and without the background connections a closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen


@contextmanager
def streamlit_server(corpus: Path, index: Path, log: Path | None = None) -> Iterator[Server]:
    """Serve the app on ``corpus`` and ``index``; yields it once /_stcore/health answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    output = log.open("a") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, **citeqa_environment(corpus, index)},
        stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (see {log or 'its output'})")
            time.sleep(0.5)
        yield Server(url, process)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if log:
            output.close()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def launch_chromium(playwright):
    """Debian's Chromium; RuntimeError naming the fix if it is not installed."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium (apt-get install chromium)"
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def choose_option(page, box, option: str) -> None:
    """Open the select box ``box`` and pick ``option``, as a person does. A click that lands while the
    page is still re-running may open the list and have it closed again at once: then it opens again."""
    from playwright.sync_api import TimeoutError

    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        box.click()
        try:
            choice.click(timeout=5_000)
            return
        except TimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
