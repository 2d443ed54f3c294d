"""Start-up progress: what is being done, how far it has come, and the time left."""

from __future__ import annotations

import time

from citeqa.errors import CiteqaError
from citeqa.loader import EngineLoader, LoadState


def test_time_left_is_told_from_the_rate_after_the_warm_up():
    state = LoadState("Embedding the articles' texts", done=3_000, total=12_000, since=100.0, since_done=1_000)
    # 2,000 texts in 60 s: the 9,000 left take 270 s.
    assert state.seconds_left(now=160.0) == 270.0
    assert state.describe(now=160.0) == "Embedding the articles' texts: 3,000 of 12,000 · about 4 min left"
    assert "about 45 s left" in LoadState("x", done=10, total=20, since=1.0, since_done=5).describe(now=23.5)
    assert "about 1.5 h left" in LoadState("x", done=1, total=100, since=1.0, since_done=0).describe(now=56.0)


def test_no_estimate_before_there_is_a_rate():
    assert LoadState("Reading the articles").describe() == "Reading the articles…"
    started = LoadState("Embedding the articles' texts", done=0, total=500)
    assert started.seconds_left() is None
    assert started.describe().endswith("estimating the time left")


def _loader() -> EngineLoader:
    def no_config():
        raise CiteqaError("not needed here")

    loader = EngineLoader(no_config)
    assert loader.wait(10)
    return loader


def test_progress_keeps_the_work_described_and_counts_from_after_the_warm_up():
    loader = _loader()
    loader._progress("Indexing 2,091 articles, 9,998 paragraphs, 11,870 texts to embed", 0, 0)
    loader._progress("embedding", 0, 11_870)
    first = loader.state
    assert first.detail.startswith("Indexing 2,091 articles")
    assert first.since == 0.0  # the warm-up is not counted
    loader._progress("embedding", 320, 11_870)
    counted = loader.state
    assert counted.since > 0 and counted.since_done == 320
    time.sleep(0.01)
    loader._progress("embedding", 640, 11_870)
    assert (loader.state.since, loader.state.since_done) == (counted.since, 320)
    assert loader.state.seconds_left() is not None
    assert loader.state.detail == first.detail
