"""Check the second to fifth sets (quotes2-dev.jsonl, quotes2-heldout.jsonl, quotes3-heldout.jsonl,
quotes4-heldout.jsonl, quotes5-heldout.jsonl) against the articles as citeqa reads them.

Every line must parse, have exactly the expected fields and allowed values, and its quote must be an exact
slice of the paragraph it names (paragraphs numbered from 1 by citeqa's ``read_article``; "subtitle" and
"standfirst" name the article's subtitle and standfirst). No line may repeat another, speaker is null exactly
when kind is "unknown", and each file covers exactly its own list of articles (the lists are disjoint).
Prints counts by kind, type, article and speaker for each file; exits 1 on any failure.

The checks of each line are validate.py's.

Usage: python validate2.py           # the five files
       python validate2.py FILE...   # the named files (article-list check only for those five)
"""

from __future__ import annotations

import sys
from itertools import combinations
from pathlib import Path

from validate import main

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
    "quotes3-heldout.jsonl": """
        business/399 business/351 business/185 business/131
        entertainment/250 entertainment/235 entertainment/311 entertainment/050
        politics/316 politics/159 politics/247 politics/105
        sport/156 sport/102 sport/289 sport/016
        tech/285 tech/236 tech/286 tech/384
    """,
    "quotes4-heldout.jsonl": """
        business/100 business/232 business/150 business/438 business/019
        entertainment/383 entertainment/322 entertainment/120 entertainment/266 entertainment/219
        politics/193 politics/281 politics/224 politics/030 politics/109
        sport/281 sport/449 sport/447 sport/040 sport/445
        tech/376 tech/383 tech/255 tech/242 tech/044
    """,
    "quotes5-heldout.jsonl": """
        business/460 business/167 business/110 business/178 business/115 business/468
        entertainment/196 entertainment/281 entertainment/347 entertainment/361 entertainment/381 entertainment/225
        politics/064 politics/176 politics/409 politics/098 politics/317 politics/296
        sport/158 sport/151 sport/321 sport/021 sport/168 sport/357
        tech/123 tech/019 tech/057 tech/199 tech/254 tech/360
    """,
}
EXPECTED = {name: {f"bbc/{a}.txt" for a in text.split()} for name, text in EXPECTED.items()}


if __name__ == "__main__":
    here = Path(__file__).parent
    paths = [Path(a) for a in sys.argv[1:]] or [here / name for name in EXPECTED]
    failed = 0
    for number, p in enumerate(paths):
        if number:
            print()
        failed += main(p, EXPECTED.get(p.name))
    for x, y in combinations(EXPECTED, 2):
        if EXPECTED[x] & EXPECTED[y]:
            print(f"\nFAILED: articles in both {x} and {y}: {sorted(EXPECTED[x] & EXPECTED[y])}")
            failed += 1
    sys.exit(1 if failed else 0)
