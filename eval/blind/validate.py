"""Validate this folder's set: JSONL parses, fields present, gold exact and within one paragraph,
answers verbatim, no duplicate questions, articles listed. Usage: python3 validate.py [DIR] [BBC_ROOT]"""

import json
import os
import re
import sys

D = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
ROOT = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("CITEQA_BBC", "/work/shared/bbc")
errors = []
with open(os.path.join(D, "articles.txt"), encoding="utf-8") as listed:
    arts = [line.strip() for line in listed if line.strip()]
if len(arts) != len(set(arts)):
    errors.append("articles.txt has duplicates")


def paragraphs(text):
    body = text.split("\n", 1)[1] if "\n" in text else ""
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


seen = {}
used = set()
stats = {}
for name, need in (
    ("answerable.jsonl", ("q", "gold", "answer", "article")),
    ("unanswerable.jsonl", ("q", "gold", "article", "why")),
):
    n = lede = 0
    with open(os.path.join(D, name), encoding="utf-8") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines, 1):
        where = f"{name}:{i}"
        try:
            r = json.loads(line)
        except Exception as e:
            errors.append(f"{where}: bad JSON {e}")
            continue
        n += 1
        miss = [k for k in need if k not in r]
        if miss:
            errors.append(f"{where}: missing {miss}")
            continue
        q = r["q"].strip()
        key = re.sub(r"\W+", " ", q.lower()).strip()
        if key in seen:
            errors.append(f"{where}: duplicate question of {seen[key]}")
        seen[key] = where
        art = r["article"]
        used.add(art)
        if art not in arts:
            errors.append(f"{where}: {art} not in articles.txt")
        path = os.path.join(ROOT, art)
        if not os.path.isfile(path):
            errors.append(f"{where}: no file {art}")
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if name == "answerable.jsonl":
            if not (isinstance(r["gold"], list) and r["gold"]):
                errors.append(f"{where}: gold must be a non-empty list")
                continue
            if not (isinstance(r["answer"], list) and r["answer"]):
                errors.append(f"{where}: answer must be a non-empty list")
            paras = paragraphs(text)
            for g in r["gold"]:
                if g not in text:
                    errors.append(f"{where}: gold not in {art}: {g!r}")
                    continue
                idx = [j for j, p in enumerate(paras) if g in p]
                if not idx:
                    errors.append(f"{where}: gold spans paragraphs: {g!r}")
                elif idx[0] == 0:
                    lede += 1
                if not 20 <= len(g) <= 60:
                    errors.append(f"{where}: gold length {len(g)}")
            for a in r["answer"]:
                if a not in text:
                    errors.append(f"{where}: answer not verbatim in {art}: {a!r}")
        else:
            if r["gold"] != []:
                errors.append(f"{where}: gold must be []")
            if not r["why"].strip():
                errors.append(f"{where}: empty why")
    stats[name] = (n, lede)
unused = [a for a in arts if a not in used]
if unused:
    errors.append(f"articles.txt lists unused {unused}")
na, lede = stats["answerable.jsonl"]
unanswerable = stats["unanswerable.jsonl"][0]
print(f"answerable: {na} ({na - lede} outside the first paragraph, {lede} in it); unanswerable: {unanswerable}")
print(f"articles: {len(arts)}")
print("\n".join(errors) if errors else "OK: no errors")
sys.exit(1 if errors else 0)
