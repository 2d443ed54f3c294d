"""The usual other forms of names: "Britain" for the UK, "Tories" for the Conservatives.

A question and an article often name one thing two ways; the checks must not read that as "never
mentioned". Each group below is one thing; a name matches any form of its group (an acronym and its
expansion are found without the table too, see lexicon.py). Only forms that stand for nothing else in
news text are listed: "Britain" is the UK, but "England" is not. A form in capitals is an acronym, and
matches only where the text writes it in capitals: "US" is not the "us" of "told us".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

GROUPS: tuple[tuple[str, ...], ...] = (
    ("UK", "U.K.", "United Kingdom", "Britain", "Great Britain", "British", "Briton", "Britons"),
    ("US", "U.S.", "USA", "U.S.A.", "United States", "United States of America", "America", "American", "Americans"),
    ("Tory", "Tories", "Conservative", "Conservatives", "Conservative Party", "Tory Party"),
    ("Labour", "Labour Party"),
    ("Lib Dem", "Lib Dems", "Liberal Democrat", "Liberal Democrats"),
    ("EU", "European Union"),
    ("UN", "United Nations"),
    ("NHS", "National Health Service"),
    ("UAE", "United Arab Emirates"),
    ("Russia", "Russian", "Russians"),
    ("China", "Chinese"),
    ("France", "French"),
    ("Germany", "German", "Germans"),
    ("Japan", "Japanese"),
    ("Ireland", "Irish"),
    ("Scotland", "Scottish", "Scots", "Scotch"),
    ("Wales", "Welsh"),
    ("Netherlands", "Dutch", "Holland"),
    ("Spain", "Spanish"),
    ("Greece", "Greek"),
    ("Downing Street", "Number 10", "No 10"),
)


@dataclass(frozen=True)
class Form:
    """One way of writing a name: its folded words, and whether it is an acronym (written in capitals)."""

    words: tuple[str, ...]
    acronym: bool


Table = dict[tuple[str, ...], tuple[Form, ...]]


def table(fold: Callable[[str], str]) -> Table:
    """Each form's folded words (``fold``: lower case without accents) to every form of its group."""
    found: Table = {}
    for group in GROUPS:
        forms = tuple(
            Form(tuple(fold(name.replace(".", " ")).split()), name.replace(".", "").isupper()) for name in group
        )
        for form in forms:
            found[form.words] = forms
    return found
