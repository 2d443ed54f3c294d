"""How long reading a hostile article file takes, and how long it stops every other thread meanwhile.

    python bench/adversarial.py --label after [--timeout 120] [--only NAME ...] [--out FILE]

Each input is read by ``read_article`` (what an upload's check and a corpus scan run) in a process of
its own, killed after ``--timeout`` seconds. Beside it a thread wakes every millisecond: the longest
gap between its wake-ups is the longest time the reading held Python's interpreter lock, that is, froze
every other session of the server (their questions, the health check). Figures are written under
``--label`` in bench/adversarial-results.json, so that a run of an older build ("before") and of this
one ("after") stand side by side. On a busy machine the ticker also waits for a core, so stalls of a
few hundred milliseconds are partly the machine's: the load average is recorded with each figure.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
MB = 1_000_000
SENTENCE = "The council said the harbour would reopen in May after repairs. "


def _sentences(count: int) -> str:
    """``count`` distinct sentences in one paragraph (identical ones would be read as one)."""
    return " ".join(f"The council said harbour {n} would reopen in May after repairs." for n in range(count))


def _html_paragraphs() -> bytes:
    body = "".join(f"<p>{SENTENCE * 3}(Part {n}.)</p>\n" for n in range(9_600_000 // 210))
    return f"<html><head><title>Harbour news</title></head><body><article>{body}</article></body></html>".encode()


# name -> (file name, bytes). Sizes stay under the default 10 MB limit, so that each is really read.
INPUTS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "md_underscore_words_96kb": ("harbour.md", lambda: ("Harbour news\n\n" + "_a " * 32_000).encode()),
    "md_open_links_8mb": ("links.md", lambda: ("Harbour news\n\n" + "[a](" * 2_000_000).encode()),
    "md_nested_brackets_2mb": ("brackets.md", lambda: ("Harbour news\n\n" + "[" * MB + "a" + "]" * MB).encode()),
    "md_star_line_4mb": ("stars.md", lambda: ("Harbour news\n\n" + "*" * 4 * MB).encode()),
    "md_star_words_4mb": ("star-words.md", lambda: ("Harbour news\n\n" + "*a " * 1_300_000).encode()),
    "md_strong_words_4mb": ("strong.md", lambda: ("Harbour news\n\n" + "**a " * 1_000_000).encode()),
    "md_lt_run_4mb": ("lt.md", lambda: ("Harbour news\n\n" + "<" * 4 * MB).encode()),
    "md_heading_hashes_1mb": ("hashes.md", lambda: ("# " + "# " * 500_000 + "x\n\nA sentence.").encode()),
    "md_deep_list_1mb": ("list.md", lambda: ("Harbour news\n\n" + "- " * 500_000 + "item").encode()),
    "md_deep_quote_1mb": ("quote.md", lambda: ("Harbour news\n\n" + "> " * 500_000 + "quoted").encode()),
    "md_indented_list_lines": (
        "nested.md",
        lambda: ("Harbour news\n\n" + "".join("  " * n + "- item\n" for n in range(3_000))).encode(),
    ),
    "md_image_and_code_8mb": ("images.md", lambda: ("Harbour news\n\n" + "![`a" * 2_000_000).encode()),
    "txt_lt_run_9mb": ("lt.txt", lambda: ("Harbour news\n\n" + "<p" * 4_700_000).encode()),
    "txt_one_paragraph_9_7mb": ("one-paragraph.txt", lambda: ("Harbour news\n\n" + _sentences(140_000)).encode()),
    "txt_run_on_9_7mb": (
        "run-on.txt",
        lambda: (
            "Harbour news\n\n" + " ".join(f"the council said harbour {n} would reopen" for n in range(218_000))
        ).encode(),
    ),
    "txt_abbreviations_4mb": ("abbreviations.txt", lambda: ("Harbour news\n\n" + "Mr. A " * 700_000).encode()),
    "txt_no_spaces_9mb": ("blob.txt", lambda: ("Harbour news\n\n" + "a" * 9 * MB).encode()),
    "html_paragraphs_9_6mb": ("page.html", _html_paragraphs),
    "html_nested_divs_2mb": (
        "nested.html",
        lambda: ("<html><body>" + "<div>" * 200_000 + SENTENCE + "</div>" * 200_000 + "</body></html>").encode(),
    ),
    "html_lt_run_9mb": ("lt.html", lambda: ("<html><body><p>" + "<" * 9 * MB + "</p></body></html>").encode()),
    "md_normal_article": ("river.md", lambda: (HERE.parent / "tests" / "fixtures" / "river-cleanup.md").read_bytes()),
}


def _read(name: str, queue: multiprocessing.Queue) -> None:
    """Read one input in this process and put what happened on ``queue``."""
    import threading

    from citeqa import ArticleError, Config
    from citeqa.articles.corpus import read_article

    file_name, make = INPUTS[name]
    data = make()
    longest, stop = [0.0], threading.Event()

    def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            longest[0] = max(longest[0], now - last)
            last = now

    thread = threading.Thread(target=ticker, daemon=True)
    thread.start()
    time.sleep(0.05)
    start = time.perf_counter()
    try:
        article = read_article(file_name, data, limits=Config().limits)
        outcome = {
            "read": True,
            "paragraphs": len(article.paragraphs),
            "longest_paragraph": max(map(len, article.paragraphs)),
        }
    except ArticleError as exc:
        outcome = {"read": False, "refused": str(exc)[:300]}
    seconds = time.perf_counter() - start
    stop.set()
    thread.join()
    queue.put(
        {
            "bytes": len(data),
            "seconds": round(seconds, 3),
            "longest_stall_ms": round(longest[0] * 1000, 1),
            "load_average": round(os.getloadavg()[0], 1),
            **outcome,
        }
    )


def measure(name: str, timeout: float) -> dict:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_read, args=(name, queue))
    start = time.perf_counter()
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return {"finished": False, "seconds": f"over {timeout:g}", "note": f"killed after {timeout:g} s"}
    if queue.empty():
        return {
            "finished": False,
            "note": f"exit code {process.exitcode}",
            "wall": round(time.perf_counter() - start, 1),
        }
    return {"finished": True, **queue.get()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="what is measured, such as before or after")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before an input is given up on")
    parser.add_argument("--only", nargs="*", help="names of the inputs to read (default: all)")
    parser.add_argument("--out", type=Path, default=HERE / "adversarial-results.json")
    args = parser.parse_args()
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    runs = results.setdefault(args.label, {})
    for name in args.only or INPUTS:
        runs[name] = measure(name, args.timeout)
        print(f"{name}: {runs[name]}", flush=True)
        results["machine"] = f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
        args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
