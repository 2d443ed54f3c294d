"""How often an article survives a process killed at a random moment while it replaces the article.

    python bench/kill_changes.py --label after [--trials 20] [--out bench/kill-changes-results.json]

A corpus of the two shipped articles and harbour.txt is indexed once. Then, ``--trials`` times, a
process (tests/change_driver.py churn, the real model) opens the engine and replaces harbour.txt with
one version and the other in turn until it is killed (SIGKILL) at a random moment 0.2 to 2.5 s after
it is ready. The next process's start reports what it found: the article whole and served as it is
on disk ("kept"), or missing from the folder or the index ("lost"), and any hidden file left behind.
A lost article is written back so that the trials go on. With ``--targeted`` each process is killed
instead right after it moves the old version aside (the moment that lost articles). Run it under an
older build (PYTHONPATH) with another label to compare.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DRIVER = ROOT / "tests" / "change_driver.py"
OLD = (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8").split('SMALL_ARTICLE = """', 1)[1].split('"""', 1)[0]
NEW = OLD.replace("cruise ships", "ferries")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--targeted", action="store_true", help="kill right after the old version is set aside")
    parser.add_argument("--out", type=Path, default=HERE / "kill-changes-results.json")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = root / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        (corpus / "harbour.txt").write_text(OLD, encoding="utf-8")
        (root / "old.txt").write_text(OLD, encoding="utf-8")
        (root / "new.txt").write_text(NEW, encoding="utf-8")
        env = {**os.environ, "CITEQA_CORPUS": str(corpus), "CITEQA_INDEX": str(root / "index")}
        env.pop("CITEQA_TEST_KILL_AT", None)
        if args.targeted:
            env["DRIVER_KILL_AFTER_SET_ASIDE"] = "1"
        command = [sys.executable, str(DRIVER), "churn", "harbour.txt", str(root / "old.txt"), str(root / "new.txt")]
        versions = {sha(OLD.encode()), sha(NEW.encode())}
        outcomes = {"kept": 0, "lost": 0, "told_at_start": 0, "hidden_files_left": 0}
        replacements = 0
        kills, after_kill = 0, False
        while True:
            process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            state = json.loads(process.stdout.readline())
            if after_kill:  # what this start found, the last process having been killed
                on_disk = corpus / "harbour.txt"
                whole = on_disk.exists() and sha(on_disk.read_bytes()) in versions
                served = whole and state["articles"].get("harbour.txt") == sha(on_disk.read_bytes())
                outcomes["kept" if served else "lost"] += 1
                outcomes["told_at_start"] += any("interrupted" in m for m in state["messages"])
                leftovers = (".previous", ".upload", ".intent")
                outcomes["hidden_files_left"] += any(p.name.endswith(leftovers) for p in corpus.iterdir())
                if not served:
                    print(f"kill {kills}: harbour.txt lost", flush=True)
                    process.kill()
                    process.wait()
                    on_disk.write_text(OLD, encoding="utf-8")  # so that the next trials have it to replace
                    after_kill = False  # the next start follows this repair, not a kill
                    if kills == args.trials:
                        break
                    continue
            if kills == args.trials:
                process.kill()
                process.wait()
                break
            if args.targeted:  # it kills itself right after its first set-aside
                out, _ = process.communicate(timeout=300)
            else:  # a moment to replace in (each replacement takes some 0.1 to 0.5 s), then the kill
                time.sleep(rng.uniform(0.2, 2.5))
                process.send_signal(signal.SIGKILL)
                out, _ = process.communicate(timeout=60)
            replacements += out.count("replaced")
            kills, after_kill = kills + 1, True
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    kind = "killed right after the set-aside" if args.targeted else "killed at random"
    results[args.label] = {"trials": args.trials, "kills": kind, "replacements_done": replacements, **outcomes}
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(args.label, results[args.label])


if __name__ == "__main__":
    main()
