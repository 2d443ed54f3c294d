"""Check quotes2-dev.jsonl and quotes2-heldout.jsonl against the articles as citeqa reads them.

Every line must parse, have exactly the expected fields and allowed values, and its quote must be an exact
slice of the paragraph it names (paragraphs numbered from 1 by citeqa's ``read_article``; "subtitle" and
"standfirst" name the article's subtitle and standfirst). No line may repeat another, speaker is null exactly
when kind is "unknown", and each file covers exactly its own list of articles (the two lists are disjoint).
Prints counts by kind, type, article and speaker for each file; exits 1 on any failure.

Adapted from eval/quotes/validate.py, whose per-file checks are unchanged.

Usage: python validate2.py           # both files
       python validate2.py FILE...   # the named files (article-list check only for the two quotes2 files)
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from citeqa.articles.corpus import read_article
from citeqa.config import Config

ROOTS = {
    "corpus": Path(__file__).resolve().parent.parent.parent / "corpus",
    "bbc": Path(os.environ.get("CITEQA_BBC", "/work/shared/bbc")),
}
FIELDS = {"article", "paragraph", "quote", "type", "speaker", "role", "kind"}
TYPES = {"direct", "reported"}
KINDS = {"named", "pronoun", "continuation", "unknown"}
NAMED_PARTS = {"subtitle", "standfirst"}

# The articles each file must cover (every one has at least one line).
EXPECTED = {
    "quotes2-dev.jsonl": """
        business/009 business/041 business/107 business/128 business/352 business/426
        entertainment/021 entertainment/036 entertainment/078 entertainment/080 entertainment/087 entertainment/366
        politics/016 politics/066 politics/083 politics/143 politics/292 politics/375
        sport/179 sport/216 sport/282 sport/306 sport/330 sport/478
        tech/026 tech/030 tech/084 tech/267 tech/279 tech/338
    """,
    "quotes2-heldout.jsonl": """
        business/127 business/199 business/479
        entertainment/137 entertainment/253 entertainment/298
        politics/139 politics/236 politics/283
        sport/181 sport/188 sport/345
        tech/065 tech/091 tech/163
    """,
}
EXPECTED = {name: {f"bbc/{a}.txt" for a in text.split()} for name, text in EXPECTED.items()}


def load_article(key: str, cache: dict):
    """Read the article named by ``corpus/<file>`` or ``bbc/<folder>/<file>`` once, through citeqa."""
    if key not in cache:
        root, _, rest = key.partition("/")
        if root not in ROOTS or not rest:
            raise ValueError(f"article {key!r} must start with 'corpus/' or 'bbc/'")
        path = ROOTS[root] / rest
        cache[key] = read_article(path.name, path.read_bytes(), limits=Config().limits)
    return cache[key]


def check_line(number: int, line: str, cache: dict) -> tuple[dict | None, list[str]]:
    """Return the parsed record and the problems found in one line."""
    problems: list[str] = []
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, [f"line {number}: not JSON ({exc})"]
    if not isinstance(rec, dict) or set(rec) != FIELDS:
        got = sorted(rec) if isinstance(rec, dict) else type(rec).__name__
        return None, [f"line {number}: fields {got}, expected {sorted(FIELDS)}"]
    if rec["type"] not in TYPES:
        problems.append(f"line {number}: type {rec['type']!r} not in {sorted(TYPES)}")
    if rec["kind"] not in KINDS:
        problems.append(f"line {number}: kind {rec['kind']!r} not in {sorted(KINDS)}")
    for field in ("speaker", "role"):
        if rec[field] is not None and (not isinstance(rec[field], str) or not rec[field].strip()):
            problems.append(f"line {number}: {field} must be a non-empty string or null")
    if (rec["speaker"] is None) != (rec["kind"] == "unknown"):
        problems.append(f"line {number}: speaker is null exactly when kind is 'unknown'")
    quote = rec["quote"]
    if not isinstance(quote, str) or not quote.strip() or quote != quote.strip():
        problems.append(f"line {number}: quote must be non-empty, without leading or trailing spaces")
        return rec, problems
    try:
        article = load_article(rec["article"], cache)
    except (OSError, ValueError) as exc:
        return rec, problems + [f"line {number}: cannot read article {rec['article']!r}: {exc}"]
    para = rec["paragraph"]
    if isinstance(para, bool) or not (isinstance(para, int) or para in NAMED_PARTS):
        return rec, problems + [f"line {number}: paragraph {para!r} must be an int or one of {sorted(NAMED_PARTS)}"]
    if isinstance(para, int):
        if not 1 <= para <= len(article.paragraphs):
            return rec, problems + [f"line {number}: paragraph {para} out of range 1..{len(article.paragraphs)}"]
        text = article.paragraphs[para - 1]
    else:
        text = getattr(article, para) or ""
    if quote not in text:
        problems.append(f"line {number}: quote not found in {rec['article']} paragraph {para}: {quote[:60]!r}")
    return rec, problems


def main(path: Path) -> int:
    cache: dict = {}
    problems: list[str] = []
    records: list[dict] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            problems.append(f"line {number}: blank line")
            continue
        rec, found = check_line(number, line, cache)
        problems += found
        if rec is None:
            continue
        key = json.dumps(rec, sort_keys=True, ensure_ascii=False)
        if key in seen:
            problems.append(f"line {number}: duplicate of line {seen[key]}")
        seen.setdefault(key, number)
        records.append(rec)

    expected = EXPECTED.get(path.name)
    if expected is not None:
        got = {r["article"] for r in records}
        for a in sorted(expected - got):
            problems.append(f"article {a} has no lines")
        for a in sorted(got - expected):
            problems.append(f"article {a} is not in the {path.name} list")

    print(f"== {path.name}")
    print(f"lines: {len(records)}  articles: {len({r['article'] for r in records})}")
    for field in ("kind", "type"):
        print(f"by {field}: " + ", ".join(f"{k} {n}" for k, n in sorted(Counter(r[field] for r in records).items())))
    pairs = Counter((r["type"], r["kind"]) for r in records)
    print("by type x kind: " + ", ".join(f"{t}/{k} {n}" for (t, k), n in sorted(pairs.items())))
    folders = Counter(r["article"].rsplit("/", 1)[0] for r in records)
    print("by folder: " + ", ".join(f"{f} {n}" for f, n in sorted(folders.items())))
    speakers = Counter((r["article"], r["speaker"]) for r in records if r["speaker"] is not None)
    print(
        f"distinct speakers (per article): {len(speakers)}; null speaker: {sum(r['speaker'] is None for r in records)}"
    )
    if problems:
        print(f"FAILED: {len(problems)} problem(s)")
        for p in problems:
            print("  " + p)
        return 1
    print("OK: every line parses and every quote is an exact slice of its paragraph; no duplicates")
    return 0


if __name__ == "__main__":
    here = Path(__file__).parent
    paths = [Path(a) for a in sys.argv[1:]] or [here / "quotes2-dev.jsonl", here / "quotes2-heldout.jsonl"]
    failed = 0
    for number, p in enumerate(paths):
        if number:
            print()
        failed += main(p)
    a, b = (EXPECTED[n] for n in ("quotes2-dev.jsonl", "quotes2-heldout.jsonl"))
    if a & b:
        print(f"\nFAILED: articles in both lists: {sorted(a & b)}")
        failed += 1
    sys.exit(1 if failed else 0)
