"""Open the engine on a corpus and change one article, in a process of its own that a test may kill.

    python tests/change_driver.py start
    python tests/change_driver.py add NAME SOURCE
    python tests/change_driver.py replace NAME SOURCE
    python tests/change_driver.py remove NAME
    python tests/change_driver.py churn NAME SOURCE_A SOURCE_B

The corpus and index are CITEQA_CORPUS and CITEQA_INDEX; the real model embeds. Once the engine is
open, one JSON line says what its start reported and which articles it serves (file name and SHA-256
of the bytes it read); the change follows, then "done". ``churn`` replaces NAME with SOURCE_A and
SOURCE_B in turn, printing "replaced" after each, until it is killed. CITEQA_TEST_KILL_AT=<point>
kills the process at that step of a change (citeqa.workbench.changes.checkpoint). DRIVER_KILL_AFTER_SET_ASIDE=1
kills it right after the first file is moved to a hidden ``.previous`` name, whatever version of
citeqa runs (it wraps ``os.replace``), so that older builds can be put to the same test.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import signal
import sys
from pathlib import Path

from citeqa import Config, Engine


def _kill_after_set_aside() -> None:
    real = os.replace

    def replace(source, target, **kwargs):
        real(source, target, **kwargs)
        if str(target).endswith(".previous"):
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace


def main(op: str, *args: str) -> int:
    if os.environ.get("DRIVER_KILL_AFTER_SET_ASIDE"):
        _kill_after_set_aside()
    engine, report = Engine.open(Config.from_env())
    served = {a.path: a.sha256 for a in engine.articles}
    print(json.dumps({"messages": list(report.messages), "articles": served}), flush=True)
    if op == "add":
        engine.add_article(args[0], Path(args[1]).read_bytes(), timeout=300)
    elif op == "replace":
        engine.add_article(args[0], Path(args[1]).read_bytes(), replacing=True, timeout=300)
    elif op == "remove":
        engine.remove_article(next(a.id for a in engine.articles if a.path == args[0]))
    elif op == "churn":
        versions = [Path(source).read_bytes() for source in args[1:3]]
        if hashlib.sha256(versions[0]).hexdigest() == served.get(args[0]):
            versions.reverse()  # always a change: the other version first
        for turn in itertools.count():
            engine.add_article(args[0], versions[turn % 2], replacing=True, timeout=300)
            print("replaced", flush=True)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
