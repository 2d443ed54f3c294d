"""Markdown reduced to plain text: the same text as the regular expressions it replaces gave, for
ordinary articles and for thousands of random mixes of marks, and hostile files read in bounded time."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT

from citeqa.articles.formats import markdown_to_text

# The reduction as it was written with lazy regular expressions: the reference for what the text must
# be. Quadratic (or worse) in a line's length, so only ever given short lines here.
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_MD_LINE_MARK = re.compile(r"^[ \t]{0,3}(?:>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)")
_MD_RULE = re.compile(r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=[^\s*])(.+?)(?<=[^\s*])\1(?![\w*])")


def reference(text: str) -> tuple[str | None, str]:
    title = None
    lines = []
    for line in text.split("\n"):
        heading = _MD_HEADING.match(line)
        if heading:
            if title is None and len(heading.group(1)) == 1:
                title = heading.group(2).strip()
            lines.append("")
            continue
        if _MD_RULE.match(line):
            lines.append("")
            continue
        line = _MD_LINE_MARK.sub("", line)
        line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))
        line = _MD_EMPHASIS.sub(r"\2", _MD_STRONG.sub(r"\2", line))
        lines.append(line)
    return title, "\n".join(lines)


ARTICLES = [
    (FIXTURES / "river-cleanup.md").read_text(encoding="utf-8"),
    """# Council backs the *new* ferry timetable

By **Ana Ruiz** | _Harbour Times_

The council voted on **Tuesday** to approve the new timetable, which adds *three* sailings a day.
The harbour master said: “It is __long overdue__.”

## Reactions

* Residents welcomed the change.
* The operator, [Island Ferries](https://ferries.example.org/news?id=3&x=(a)), said fares stay as they are.
+ Shops near the pier expect more trade.
1. First point, with a [link to the report](https://example.org/report_(final).pdf).
2) Second point, with snake_case_words and 2*3*4 arithmetic.

> “We waited ten years for this,” said one islander.
> > A nested quote with ![a photo](pier.jpg) inside.

---
***
_ _ _

Some text with \\*escaped\\* marks, a `code span`, <em>inline HTML</em> and an email a_b@example.org.
![Picture of the pier](https://example.org/pier.jpg "The pier")
Closing paragraph with **bold _and italic_ words** and an unclosed *star and [bracket.
#Hashtag lines and ####### seven hashes are not headings.
#   Spaced heading with closing hashes ###
""",
]


@pytest.mark.parametrize("number", range(len(ARTICLES)))
def test_ordinary_markdown_gives_the_text_it_always_gave(number):
    assert markdown_to_text(ARTICLES[number]) == reference(ARTICLES[number])


PIECES = ["*", "**", "_", "__", "[", "]", "(", ")", "](", "![", "!", "#", "# ", " ", "\t", "a", "b", "é", "-", ">"]
PIECES += ["1. ", "- ", "\n", "`", ".", "x_y", "word", "\u00a0", "·", "***", "---", "(a)", "[w](u)", "![i](p)"]


def test_random_mixes_of_marks_give_the_text_the_old_patterns_gave():
    rng = random.Random(20261203)
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 24)))
        assert markdown_to_text(text) == reference(text), repr(text)


READ_ALL = """
import json, sys
from citeqa import ArticleError, Config
from citeqa.articles.corpus import read_article
outcomes = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        data = f.read()
    try:
        article = read_article(path.rsplit("/", 1)[-1], data, limits=Config().limits)
        outcomes[path.rsplit("/", 1)[-1]] = f"read: {len(article.paragraphs)} paragraphs"
    except ArticleError as exc:
        outcomes[path.rsplit("/", 1)[-1]] = f"refused: {exc}"
print(json.dumps(outcomes))
"""

HOSTILE = {
    "harbour.md": "Harbour news\n\n" + "_a " * 32_000,  # 96 KB that froze the server for 43 s
    "links.md": "Harbour news\n\n" + "[a](" * 2_000_000,  # 8 MB that did not finish in 300 s
    "brackets.md": "Harbour news\n\n" + "[" * 150_000 + "a" + "]" * 150_000,
    "stars.md": "Harbour news\n\n" + "*a " * 150_000 + "\n\n" + "**a " * 60_000,
    "hashes.md": "# " + "# " * 500_000 + "x\n\nThe council met on Monday.",
    "list.md": "Harbour news\n\n" + "- " * 500_000 + "item",
    "lt.md": "Harbour news\n\n" + "<" * 4_000_000,
    "abbreviations.txt": "Harbour news\n\n" + "Mr. A " * 300_000,
}


@pytest.mark.slow
def test_hostile_files_are_read_or_refused_and_never_hang(tmp_path):
    paths = []
    for name, text in HOSTILE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / name))
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    # A hang guard, not a timing: each of these took minutes or never finished with the old patterns.
    command = [sys.executable, "-c", READ_ALL, *paths]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    outcomes = json.loads(done.stdout)
    assert outcomes["harbour.md"] == "refused: no article text left after removing the site's boilerplate"
    assert outcomes["links.md"].startswith("refused: it has 2,000,000 Markdown marks ([, * and _), more than the")
    assert outcomes["lt.md"].startswith("refused: it has a run of more than 4,000 characters with no space")
    assert outcomes["hashes.md"] == "read: 1 paragraphs"
    assert all(o.startswith(("read: ", "refused: ")) for o in outcomes.values()), outcomes
