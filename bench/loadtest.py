"""Many people asking at once: concurrent Streamlit sessions against one `streamlit run app.py`.

    python bench/loadtest.py [--sessions 1 10 50] [--questions 4] [--think 2] [--out bench/load-results.json]

Starts one server on a free loopback port, then for each N opens N sessions the way a browser does
(a websocket to /_stcore/stream speaking Streamlit's own protobuf messages) and has each ask
--questions questions from eval/dev-questions.jsonl, pausing about --think seconds between an
answer and its next question, as a person reading would. Latency is from sending a question to the
end of the script run that answers it. Every answer must cite the same paragraphs as a lone session
asking the same questions in the same order gets (a later question may be read as a follow-up), or it
counts as wrong. Everything is bounded: per question 60 s, per N --timeout s.

Figures: docs/speed.md ("Many users").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
QUESTION_TIMEOUT = 60.0
_ANCHOR = re.compile(r'id="t(\d+)(c?)-source-(\d+)"')
_PARAGRAPH = re.compile(r"· paragraph (\d+)\b")
log = logging.getLogger("loadtest")


@dataclass
class Run:
    """What one script run sent: the chat input's widget id and the sources of the latest answer."""

    chat_input_id: str | None = None
    sources: list[tuple[int, str, int]] = field(default_factory=list)  # (turn, kind, n) from anchors
    paragraphs: list[int] = field(default_factory=list)
    exception: str | None = None
    finished: bool = False

    def latest_answer(self) -> tuple[str, tuple[int, ...]]:
        """("answered" or "refused", the paragraph numbers of its sources in order)."""
        if not self.sources:
            return ("none", ())
        turn = max(t for t, _, _ in self.sources)
        rows = [(kind, p) for (t, kind, _), p in zip(self.sources, self.paragraphs, strict=True) if t == turn]
        return ("refused" if rows[0][0] == "c" else "answered", tuple(p for _, p in rows))


class Session:
    """One browser-like Streamlit session over its own websocket."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.socket: ClientConnection | None = None
        self.chat_input_id: str | None = None

    async def open(self) -> None:
        self.socket = await connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=30)
        # The first page load reruns itself while the engine loads; wait until the chat input appears.
        deadline = time.monotonic() + 300
        run = await self._run(BackMsg())
        while run.chat_input_id is None:
            if time.monotonic() > deadline:
                raise TimeoutError("the app never showed its chat input")
            run = await self._receive_run()
        self.chat_input_id = run.chat_input_id

    async def ask(self, question: str) -> Run:
        message = BackMsg()
        state = message.rerun_script.widget_states.widgets.add()
        state.id = self.chat_input_id
        state.chat_input_value.data = question
        return await asyncio.wait_for(self._run(message), QUESTION_TIMEOUT)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def _run(self, message: BackMsg) -> Run:
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = ""
        await self.socket.send(message.SerializeToString())
        return await self._receive_run()

    async def _receive_run(self) -> Run:
        """Read messages up to the end of a script run (a run ended early for a rerun included)."""
        run = Run()
        while not run.finished:
            message = ForwardMsg()
            message.ParseFromString(await self.socket.recv())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                _read_element(message.delta.new_element, run)
            elif kind == "script_finished":
                run.finished = True
        return run


def _read_element(element, run: Run) -> None:
    which = element.WhichOneof("type")
    if which == "chat_input":
        run.chat_input_id = element.chat_input.id
    elif which == "html":
        anchor = _ANCHOR.search(element.html.body)
        if anchor:
            run.sources.append((int(anchor.group(1)), anchor.group(2), int(anchor.group(3))))
    elif which == "markdown" and len(run.paragraphs) < len(run.sources):
        paragraph = _PARAGRAPH.search(element.markdown.body)
        if paragraph:
            run.paragraphs.append(int(paragraph.group(1)))
    elif which == "exception":
        run.exception = element.exception.message


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


async def session_loop(url: str, plan: tuple[str, ...], expected: list[tuple], think: float, outcome: Outcome) -> None:
    """Ask the questions of ``plan`` in order; ``expected`` holds a lone session's answers to them."""
    session = Session(url)
    try:
        await session.open()
        for number, question in enumerate(plan):
            if number:
                await asyncio.sleep(think * random.uniform(0.5, 1.5))
            started = time.perf_counter()
            try:
                run = await session.ask(question)
            except (TimeoutError, OSError) as exc:
                outcome.failed.append(f"{question!r}: {type(exc).__name__}")
                continue
            if run.exception:
                outcome.failed.append(f"{question!r}: {run.exception}")
                continue
            outcome.latencies.append(time.perf_counter() - started)
            if run.latest_answer() != expected[number]:
                outcome.wrong.append(f"{question!r}: {run.latest_answer()} != {expected[number]}")
    except (TimeoutError, OSError) as exc:
        outcome.failed.append(f"session: {type(exc).__name__}: {exc}")
    finally:
        await session.close()


async def lone_answers(url: str, plan: tuple[str, ...]) -> list[tuple]:
    """What one session alone gets for the questions of ``plan`` asked in order."""
    session = Session(url)
    await session.open()
    try:
        return [(await session.ask(question)).latest_answer() for question in plan]
    finally:
        await session.close()


def plans(questions: list[str], sessions: int, per_session: int) -> list[tuple[str, ...]]:
    """Each session's questions: consecutive dev questions from a different starting point."""
    return [tuple(questions[(s * 3 + i) % len(questions)] for i in range(per_session)) for s in range(sessions)]


async def measure(
    url: str, n: int, questions: list[str], per_session: int, think: float, expected: dict, pid: int, timeout: float
) -> dict:
    outcome = Outcome()
    peak = 0.0

    async def watch_memory() -> None:
        nonlocal peak
        while True:
            peak = max(peak, _rss_mb(pid))
            await asyncio.sleep(0.2)

    watcher = asyncio.create_task(watch_memory())
    started = time.perf_counter()
    tasks = [
        asyncio.create_task(session_loop(url, plan, expected[plan], think, outcome))
        for plan in plans(questions, n, per_session)
    ]
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
        outcome.failed.append("session cut off by the time limit")
    wall = time.perf_counter() - started
    watcher.cancel()
    latencies = sorted(outcome.latencies)
    result = {
        "sessions": n,
        "asked": n * per_session,
        "answered": len(latencies),
        "failed": len(outcome.failed),
        "wrong": len(outcome.wrong),
        "latency_s": {
            "p50": round(statistics.median(latencies), 3) if latencies else None,
            "p95": round(_p95(latencies), 3) if latencies else None,
            "max": round(latencies[-1], 3) if latencies else None,
        },
        "wall_s": round(wall, 1),
        "server_peak_rss_mb": round(peak, 1),
        "problems": (outcome.failed + outcome.wrong)[:10],
    }
    log.info("%s", json.dumps(result))
    return result


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) >= 2 else values[0]


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def start_server(index: Path) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conversations = index.with_name(index.name + "-conversations.sqlite3")
    env = {
        **os.environ,
        "CITEQA_CORPUS": str(ROOT / "corpus"),
        "CITEQA_INDEX": str(index),
        "CITEQA_CONVERSATIONS": str(conversations),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return server, port
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("streamlit did not start within 120 s")


async def main_async(args: argparse.Namespace) -> list[dict]:
    questions = [json.loads(line)["q"] for line in (ROOT / "eval" / "dev-questions.jsonl").read_text().splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        server, port = start_server(Path(tmp) / "index")
        url = f"ws://127.0.0.1:{port}/_stcore/stream"
        try:
            distinct = sorted({plan for n in args.sessions for plan in plans(questions, n, args.questions)})
            expected = {plan: await lone_answers(url, plan) for plan in distinct}
            log.info("reference answers from lone sessions: %d question sequences", len(expected))
            return [
                await measure(url, n, questions, args.questions, args.think, expected, server.pid, args.timeout)
                for n in args.sessions
            ]
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--questions", type=int, default=4, help="questions per session")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between an answer and the next question")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for each N")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "load-results.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    random.seed(0)
    results = asyncio.run(main_async(args))
    args.out.write_text(json.dumps({"think_s": args.think, "runs": results}, indent=1) + "\n", encoding="utf-8")
    log.info("written to %s", args.out)


if __name__ == "__main__":
    main()
