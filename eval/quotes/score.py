"""Score citeqa's quotation extractor against the hand-annotated gold sets (quotes*.jsonl).

Usage: python score.py [--sets first,quotes2-dev,...] [--out results.json] [--errors]

Each gold article is read through citeqa's ``read_article`` exactly as ``validate.py`` reads it (BBC root
from $CITEQA_BBC, else /work/shared/bbc) and ``citeqa.quotations.extract`` is run on it. Figures are given
for each file: the first set (quotes.jsonl) whole, on its development articles and on its held-out ones
(``HELD_OUT``); the second set's files; the third and fourth; and, only when named, the fifth set's
file (quotes5-heldout.jsonl), kept for a final measurement. Within each, by gold kind and type.

Matching a prediction and a gold line: same body paragraph, and spans that overlap by at least half of
the shorter span (offsets of the gold quote are found in the paragraph; if it occurs more than once, any
occurrence may match). Gold lines on the subtitle or standfirst are left out: the extractor reads body
paragraphs only (their number is reported). Matching is not one-to-one: a reported clause that holds a
quoted phrase may match both gold lines.

- recall: share of gold lines with a speaker (kind != unknown) that a prediction matches with the same
  speaker. By gold kind and type.
- precision: share of predictions with a speaker that match a gold line whose speaker is the same
  person. By the kind and type the extractor gives. A prediction matching only gold lines without a
  speaker, or with another speaker, is wrong.
- false quotations: predictions (with or without a speaker) that overlap no gold line at all.

"Same person": both names are compared case- and accent-insensitively (HTML entities decoded), with
possessive "'s" and punctuation other than hyphens and apostrophes inside words removed, honorifics
(Mr, Mrs, Ms, Dr, Sir, Dame, Lord, Lady, Prof), letters after a name of two words or more ("Ben Emmerson
QC": the sets differ on whether they are part of it) and leading articles (a, an, the) dropped.

- Names (a form whose words are all capitalised in the text, like "Jose Leibovich" or "Mr Leibovich")
  match if their last words (surnames) agree and every remaining word of the shorter form appears in the
  longer ("Leibovich" = "Jose Leibovich"; "Sara Thornton" = "Dame Sara Thornton").
- Bodies and descriptions ("A Home Office spokesperson", "the report") match if their word sequences
  are equal or one contains the other as a run of words ("report" = "HMICFRS report").
- Two or more speakers joined by " and " match as a set: each part of one matches a different part of
  the other, by the rules above. A joined form is first tried whole (some bodies contain "and").
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from citeqa.articles.corpus import read_article
from citeqa.config import Config
from citeqa.quotations import Quotation, extract

HERE = Path(__file__).resolve().parent
ROOTS = {"corpus": HERE.parent.parent / "corpus", "bbc": Path(os.environ.get("CITEQA_BBC", "/work/shared/bbc"))}
HELD_OUT = frozenset(
    """bbc/business/065.txt bbc/business/269.txt bbc/business/441.txt bbc/entertainment/045.txt
    bbc/entertainment/143.txt bbc/entertainment/294.txt bbc/politics/045.txt bbc/politics/303.txt
    bbc/politics/412.txt bbc/sport/035.txt bbc/sport/106.txt bbc/sport/265.txt bbc/sport/360.txt
    bbc/tech/079.txt bbc/tech/253.txt bbc/tech/333.txt""".split()
)
KINDS = ("named", "pronoun", "continuation")
TYPES = ("direct", "reported")
HONORIFICS = frozenset("mr mrs ms dr sir dame lord lady prof".split())
POST_NOMINALS = frozenset("qc mp mep".split())
ARTICLES = frozenset("a an the".split())


# ---------------------------------------------------------------------------------------------- names


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", html.unescape(name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("’", "'")
    text = re.sub(r"'s\b", "", text)
    words = re.findall(r"[\w][\w'\-]*", text)
    while words and words[0] in ARTICLES | HONORIFICS:
        words = words[1:]
    words = [w for w in words if w not in HONORIFICS]
    while len(words) > 2 and words[-1] in POST_NOMINALS:
        words.pop()
    return words


def _is_name(name: str) -> bool:
    """A proper name: every word capitalised (or a short particle such as de, van, dal, O')."""
    tokens = [t for t in re.findall(r"[^\s]+", html.unescape(name)) if t.lower() not in ARTICLES]
    return bool(tokens) and all(
        t[0].isupper() or t.lower() in {"de", "van", "von", "dal", "da", "di", "le"} for t in tokens
    )


def _contains(longer: list[str], shorter: list[str]) -> bool:
    """``shorter`` is a run of words of ``longer``, and not one side of an "and" (a body is not a pair)."""
    n = len(shorter)
    for i in range(len(longer) - n + 1):
        before = longer[i - 1] if i else ""
        after = longer[i + n] if i + n < len(longer) else ""
        if longer[i : i + n] == shorter and "and" not in (before, after):
            return True
    return False


def _same_one(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if wa == wb:
        return True
    if _is_name(a) and _is_name(b):
        short, long_ = sorted((wa, wb), key=len)
        return short[-1] == long_[-1] and all(w in long_ for w in short[:-1])
    short, long_ = sorted((wa, wb), key=len)
    return _contains(long_, short)


def same_person(a: str | None, b: str | None) -> bool:
    """True when two speaker strings name the same speaker (rules in the module docstring)."""
    if a is None or b is None:
        return False
    if _same_one(a, b):
        return True
    pa = [p for p in re.split(r"\s+and\s+", a) if p.strip()]
    pb = [p for p in re.split(r"\s+and\s+", b) if p.strip()]
    if len(pa) < 2 and len(pb) < 2:
        return False
    if len(pa) != len(pb):
        return False
    used: set[int] = set()
    for x in pa:
        match = next((j for j, y in enumerate(pb) if j not in used and _same_one(x, y)), None)
        if match is None:
            return False
        used.add(match)
    return True


# -------------------------------------------------------------------------------------------- scoring


@dataclass
class Gold:
    article: str
    paragraph: int
    spans: list[tuple[int, int]]
    quote: str
    type: str
    speaker: str | None
    kind: str


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return shorter > 0 and shared * 2 >= shorter


def load_article(key: str, cache: dict):
    if key not in cache:
        root, _, rest = key.partition("/")
        path = ROOTS[root] / rest
        cache[key] = read_article(path.name, path.read_bytes(), limits=Config().limits)
    return cache[key]


def read_gold(path: Path, split: str, cache: dict) -> tuple[list[Gold], int]:
    golds: list[Gold] = []
    left_out = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        held = rec["article"] in HELD_OUT
        if (split == "dev" and held) or (split == "heldout" and not held):
            continue
        if not isinstance(rec["paragraph"], int):
            left_out += 1
            continue
        text = load_article(rec["article"], cache).paragraphs[rec["paragraph"] - 1]
        spans = [(m.start(), m.start() + len(rec["quote"])) for m in re.finditer(re.escape(rec["quote"]), text)]
        golds.append(
            Gold(rec["article"], rec["paragraph"], spans, rec["quote"], rec["type"], rec["speaker"], rec["kind"])
        )
    return golds, left_out


def _ratio(hit: int, total: int) -> dict:
    return {"n": total, "hit": hit, "value": round(hit / total, 4) if total else None}


def score(golds: list[Gold], predictions: dict[str, tuple[Quotation, ...]], articles: list[str]) -> dict:
    """Recall, precision and false quotations over ``articles``."""
    chosen = set(articles)
    by_para: dict[tuple[str, int], list[Gold]] = defaultdict(list)
    for g in golds:
        if g.article in chosen:
            by_para[(g.article, g.paragraph)].append(g)
    recall_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[dict] = []
    for (article, para), items in by_para.items():
        preds = [q for q in predictions[article] if q.paragraph == para]
        for g in items:
            if g.kind == "unknown":
                continue
            ok = any(
                overlaps((q.start, q.end), s) and same_person(q.speaker, g.speaker) for q in preds for s in g.spans
            )
            for key in ("all", f"kind:{g.kind}", f"type:{g.type}", f"{g.type}/{g.kind}"):
                recall_hits[key][0] += ok
                recall_hits[key][1] += 1
            if not ok:
                found = [(q.speaker, q.kind) for q in preds if any(overlaps((q.start, q.end), s) for s in g.spans)]
                misses.append(
                    {
                        "article": article,
                        "paragraph": para,
                        "gold": g.speaker,
                        "kind": g.kind,
                        "type": g.type,
                        "quote": g.quote[:90],
                        "predicted": found,
                    }
                )
    precision_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    false_quotes = 0
    predicted = 0
    wrong: list[dict] = []
    for article in articles:
        for q in predictions[article]:
            predicted += 1
            items = by_para.get((article, q.paragraph), [])
            touching = [g for g in items if any(overlaps((q.start, q.end), s) for s in g.spans)]
            if not touching:
                false_quotes += 1
            if q.speaker is None:
                continue
            ok = any(same_person(q.speaker, g.speaker) for g in touching)
            for key in ("all", f"kind:{q.kind}", f"type:{q.type}", f"{q.type}/{q.kind}"):
                precision_hits[key][0] += ok
                precision_hits[key][1] += 1
            if not ok:
                wrong.append(
                    {
                        "article": article,
                        "paragraph": q.paragraph,
                        "speaker": q.speaker,
                        "kind": q.kind,
                        "type": q.type,
                        "gold": [g.speaker for g in touching],
                        "quote": "",
                        "span": (q.start, q.end),
                    }
                )
    return {
        "articles": len(articles),
        "gold_lines": sum(len(v) for v in by_para.values()),
        "predictions": predicted,
        "recall": {k: _ratio(*v) for k, v in sorted(recall_hits.items())},
        "precision": {k: _ratio(*v) for k, v in sorted(precision_hits.items())},
        "false_quotations": false_quotes,
        "_misses": misses,
        "_wrong": wrong,
    }


def _line(name: str, part: dict) -> str:
    def fmt(table: dict, key: str) -> str:
        r = table.get(key)
        return f"{r['value']:.3f} ({r['hit']}/{r['n']})" if r and r["n"] else "-"

    rows = [
        f"{name}: {part['articles']} articles, {part['gold_lines']} gold lines, {part['predictions']} predictions, "
        f"{part['false_quotations']} false quotations"
    ]
    for key in ("all", "kind:named", "kind:pronoun", "kind:continuation", "type:direct", "type:reported"):
        rows.append(f"  {key:20} recall {fmt(part['recall'], key):22} precision {fmt(part['precision'], key)}")
    return "\n".join(rows)


# The gold sets: each file, and the parts it is scored in.
GOLD = {
    "first": HERE / "quotes.jsonl",  # scored as "first-dev" and "first-heldout" (HELD_OUT)
    "quotes2-dev": HERE / "quotes2-dev.jsonl",
    "quotes2-heldout": HERE / "quotes2-heldout.jsonl",  # measured once, then used in development
    "quotes3-heldout": HERE / "quotes3-heldout.jsonl",  # measured once, then used in development
    "quotes4-heldout": HERE / "quotes4-heldout.jsonl",  # measured once, then used in development
    "quotes5-heldout": HERE / "quotes5-heldout.jsonl",  # the final measurement: only when asked for
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sets",
        default="first,quotes2-dev",
        help=f"comma-separated gold sets: {', '.join(GOLD)} (default: first,quotes2-dev)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--errors", action="store_true", help="list missed gold lines and wrong speakers")
    args = parser.parse_args()
    wanted = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in GOLD]
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}; the sets are {', '.join(GOLD)}")
    cache: dict = {}
    results: dict[str, dict] = {}
    left_out: dict[str, int] = {}
    for name in wanted:
        golds, left_out[name] = read_gold(GOLD[name], "all", cache)
        names = sorted({g.article for g in golds})
        predictions = {article: extract(load_article(article, cache)) for article in names}
        for article in predictions:  # every span must be exact by construction
            paragraphs = load_article(article, cache).paragraphs
            for q in predictions[article]:
                assert 0 <= q.start < q.end <= len(paragraphs[q.paragraph - 1]), (article, q)
        if name == "first":
            parts = {
                "first-all": names,
                "first-dev": [n for n in names if n not in HELD_OUT],
                "first-heldout": [n for n in names if n in HELD_OUT],
            }
        else:
            parts = {name: names}
        for part, articles in parts.items():
            results[part] = score(golds, predictions, articles)
            print(_line(part, results[part]))
            if args.errors and part != "first-all":
                for m in results[part]["_misses"]:
                    print("   MISS", m)
                for w in results[part]["_wrong"]:
                    article = load_article(w["article"], cache)
                    s, e = w["span"]
                    w["quote"] = article.paragraphs[w["paragraph"] - 1][s:e][:90]
                    print("   WRONG", w)
    out = {
        "sets": wanted,
        "left_out_subtitle_standfirst": left_out,
        **{name: {k: v for k, v in part.items() if not k.startswith("_")} for name, part in results.items()},
    }
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
