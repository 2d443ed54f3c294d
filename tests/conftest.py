"""Shared fixtures: the real model (loaded once), a fake embedder for fast logic tests, small corpora."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from citeqa import Config, Engine
from citeqa.index.embed import ModelEmbedder

TESTS = Path(__file__).resolve().parent  # the tests' own helpers (browser.py, ...) are imported from here
ROOT = TESTS.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEV_QUESTIONS = ROOT / "eval" / "dev-questions.jsonl"
# The installed console script beside this interpreter: what `citeqa` on a user's PATH runs.
CITEQA = str(Path(sys.executable).with_name("citeqa"))


# Tests that load the real model, start servers, subprocesses or browsers: `pytest -m "not slow"` leaves
# them out for a fast run of the logic alone. A test is slow if it uses one of these fixtures or is in
# one of these modules, or says so itself with @pytest.mark.slow.
SLOW_FIXTURES = {"model", "engine", "at", "app_env", "app", "env", "server", "page", "isolated"}
SLOW_MODULES = {"test_browser", "test_offline", "test_cli", "test_app"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__ if item.module else ""
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or module in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
    # Tests of a Qdrant server are left out, not skipped, unless CITEQA_QDRANT_URL names one.
    if not os.environ.get("CITEQA_QDRANT_URL"):
        server = [item for item in items if item.get_closest_marker("qdrant_server")]
        if server:
            config.hook.pytest_deselected(items=server)
            items[:] = [item for item in items if item not in server]


def citeqa_environment(corpus: Path, index: Path) -> dict[str, str]:
    """Where an app under test keeps everything: its corpus, its index, and beside the index its saved
    conversations (never the user's)."""
    conversations = index.with_name(index.name + "-conversations.sqlite3")
    return {"CITEQA_CORPUS": str(corpus), "CITEQA_INDEX": str(index), "CITEQA_CONVERSATIONS": str(conversations)}


@contextmanager
def app_environment(corpus: Path, index: Path) -> Iterator[None]:
    """The app's settings (citeqa_environment) under AppTest. Its engine is cached per process, so
    the cache is emptied on the way in and out."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in citeqa_environment(corpus, index).items():
            patch.setenv(name, value)
        st.cache_resource.clear()
        try:
            yield
        finally:
            st.cache_resource.clear()


@pytest.fixture(scope="module")
def app_env(tmp_path_factory):
    """One copy of the shipped corpus and one index for a module's app tests."""
    root = tmp_path_factory.mktemp("app")
    shutil.copytree(CORPUS, root / "corpus")
    with app_environment(root / "corpus", root / "index"):
        yield root


def run_app(**query: str) -> AppTest:
    """The app after its first run (which loads the model: hence the long timeout)."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, app.exception
    return app


def finish_uploads(at: AppTest, timeout: float = 120) -> AppTest:
    """Rerun the app until the uploads it was given are indexed (or refused) in the background."""
    deadline = time.monotonic() + timeout
    while not (at.sidebar.success or at.sidebar.error):
        if time.monotonic() > deadline:
            raise AssertionError(f"uploads not finished after {timeout} s")
        time.sleep(0.2)
        at.run()
        assert not at.exception, at.exception
    return at


def mount_namespace(script: str, *, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run a shell script in a mount namespace of its own (root only, as here and in CI), where it can
    mount a tiny or read-only file system without touching the machine's."""
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-m", "true"], capture_output=True).returncode != 0:
        pytest.fail("`unshare -m` is not available: run the tests as root on Linux with util-linux installed")
    return subprocess.run([unshare, "-m", "sh", "-c", script], capture_output=True, text=True, timeout=timeout)


class FakeEmbedder:
    """Deterministic bag-of-words vectors: texts sharing words are similar. Counts what it embeds."""

    name = "fake-bag-of-words"
    dim = 64
    max_tokens = 256

    def __init__(self) -> None:
        self.embedded = 0

    def encode(self, texts: list[str], *, batch_size: int = 32, background: bool = False) -> np.ndarray:
        self.embedded += len(texts)
        return self._vectors(texts)

    def encode_spans(self, texts, spans, *, batch_size: int = 32, background: bool = False):
        """One run per text, as with the real model; a span's vector is that of its words."""
        return self.encode(texts), [
            self._vectors([text[a:b] for a, b in s]) for text, s in zip(texts, spans, strict=True)
        ]

    def _vectors(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
            out[row] /= max(np.linalg.norm(out[row]), 1e-9)
        return out

    def truncate(self, text: str) -> tuple[str, bool]:
        words = text.split()
        return (" ".join(words[: self.max_tokens]), True) if len(words) > self.max_tokens else (text, False)


@pytest.fixture(scope="session")
def model() -> ModelEmbedder:
    """The real all-MiniLM-L6-v2, loaded once per test session."""
    return ModelEmbedder(cache=Config().model_cache)


@pytest.fixture(scope="session")
def engine(model, tmp_path_factory) -> Engine:
    """The real engine over the shipped corpus, with its index in a temporary folder."""
    config = Config(corpus=CORPUS, index=tmp_path_factory.mktemp("index"))
    engine, _ = Engine.open(config, embedder=model)
    return engine


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright, one per test module; a test that cannot have it fails."""
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = launch_chromium(playwright)
        except RuntimeError as exc:
            pytest.fail(str(exc))
        yield chromium
        chromium.close()


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the shipped corpus."""
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


SMALL_ARTICLE = """Harbour town bans cruise ships from its old port

Ana Ruiz
Harbour Correspondent
Tuesday 4 March 2025 10:12 GMT

The town council voted on Monday to ban cruise ships from the old port from next summer.

The mayor, Luis Ortega, said the vote was “a victory for residents” after years of complaints about crowds.

Local shop owners warned that the ban would cost them about 2 million euros a year in lost sales.

Ships carrying more than 500 passengers will instead dock at the new terminal, five kilometres away.

– Advertisement –
"""


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """One four-paragraph article whose right answers can be checked by hand."""
    folder = tmp_path / "small"
    folder.mkdir()
    (folder / "harbour.txt").write_text(SMALL_ARTICLE, encoding="utf-8")
    return folder
