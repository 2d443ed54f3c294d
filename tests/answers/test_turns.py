"""The model's turns: questions go before background indexing, and indexing is never starved."""

from __future__ import annotations

import threading

from citeqa.index.embed import Turns


def test_a_waiting_question_goes_before_waiting_background_work():
    turns = Turns(patience=60)
    order: list[str] = []
    holding = threading.Event()
    release = threading.Event()

    def hold():
        with turns.turn(background=False):
            holding.set()
            release.wait(10)

    def take(name: str, background: bool):
        with turns.turn(background=background):
            order.append(name)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    background = threading.Thread(target=take, args=("index", True))
    background.start()
    while not turns._free._waiters:  # the background request is queued
        pass
    question = threading.Thread(target=take, args=("question", False))
    question.start()
    while turns._questions_waiting == 0:
        pass
    release.set()
    for thread in (holder, background, question):
        thread.join(10)
    assert order == ["question", "index"]


def test_a_stream_of_questions_cannot_starve_background_work():
    turns = Turns(patience=0.05)
    stop = threading.Event()

    def ask():
        while not stop.is_set():
            with turns.turn(background=False):
                pass

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for thread in askers:
        thread.start()
    done = threading.Event()

    def index():
        for _ in range(20):
            with turns.turn(background=True):
                pass
        done.set()

    indexer = threading.Thread(target=index)
    indexer.start()
    finished = done.wait(30)
    stop.set()
    for thread in [*askers, indexer]:
        thread.join(10)
    assert finished
