"""Check quotes.jsonl against the articles as citeqa reads them.

Every line must parse, have exactly the expected fields and allowed values, and its quote must be an exact
slice of the paragraph it names (paragraphs numbered from 1 by citeqa's ``read_article``; "subtitle" and
"standfirst" name the article's subtitle and standfirst). No line may repeat another. Prints counts by kind,
type, article and speaker; exits 1 on any failure.

Usage: python validate.py [quotes.jsonl]
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


def main(path: Path, expected: set[str] | None = None) -> int:
    """Check one file; ``expected``: the articles it must cover, each with at least one line."""
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

    if expected is not None:
        got = {r["article"] for r in records}
        problems += [f"article {a} has no lines" for a in sorted(expected - got)]
        problems += [f"article {a} is not in the {path.name} list" for a in sorted(got - expected)]

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
        print(f"\nFAILED: {len(problems)} problem(s)")
        for p in problems:
            print("  " + p)
        return 1
    print("\nOK: every line parses and every quote is an exact slice of its paragraph; no duplicates")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("quotes.jsonl")))
