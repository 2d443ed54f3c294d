"""The verbs of saying in a paragraph, found in one pass: each lower-case word looked up in a table.

A table lookup per word is much faster than one regular expression of several hundred alternatives, and
the paragraph is scanned once for all its sentences (``Scan``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from citeqa.quotations import lexicon as lex

MASK = "\u00a4"  # stands for each character inside a quotation


# How far before a verb its subject is looked for. A subject is a few words; the bound keeps the work per
# verb constant, so that a paragraph of a million characters costs time in proportion to its length.
WINDOW = 300


_MULTI = {
    "pointed out": "say",
    "points out": "say",
    "pointing out": "say",
    "point out": "say",
    "pointed to": "urge",
    "points to": "urge",
    "pointing to": "urge",
    "called for": "urge",
    "calls for": "urge",
    "call for": "urge",
    "calling for": "urge",
    "argued for": "urge",
    "asking for": "urge",
    "asked for": "urge",
    "raised concerns that": "say",
    "raised fears that": "say",
    "expressed concern that": "say",
    "made it clear": "say",
    "made clear": "say",
}


# Each verb's class; where a verb is in several word lists, the later list's class holds.
VERB_CLASS: dict[str, str] = {
    word: kind
    for kind, words in (
        ("quote", lex.QUOTE_ONLY),
        ("that", lex.SAY_THAT),
        ("say", lex.SAY),
        ("tell", lex.TELL),
        ("find", lex.FIND),
        ("urge", lex.URGE),
        ("accuse", lex.ACCUSE),
        ("deny", lex.DENY),
    )
    for word in words
}
VERB_CLASS |= {w: "name" for w in lex.NAMING - lex.ACCUSE if w not in VERB_CLASS} | _MULTI


_PHRASES: dict[str, list[str]] = {}  # first word -> the phrases it starts, longest first


for _phrase in sorted((w for w in VERB_CLASS if " " in w), key=len, reverse=True):
    _PHRASES.setdefault(_phrase.split()[0], []).append(_phrase)


AUXILIARY = frozenset("is are was were has have had will would can could may might must should does did do".split())


_IRREGULAR = frozenset(
    """gave took made went came got began held left led won lost met ran saw set put kept brought bought felt
    became sent spent built paid sold stood struck fell rose grew knew drew wrote spoke chose broke hit cut
    quit sat fought caught taught meant heard sought dealt lent swept wept slept hung stuck drove rode stole
    froze woke wore tore swore bore drank rang sang sank swam overcame forgave ate threw blew flew withdrew
    shook understood withstood bound fed fled bled laid hid bit lit slid spat burst""".split()
)


AUX_TAIL = re.compile(
    r"(?:\s+(?:has|have|had|also|then|later|previously|repeatedly|again|already|subsequently|earlier|now|"
    r"recently|once|still|further|today|yesterday|long|consistently|last\s+\w+|on\s+(?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)|has\s+also|would|will|could|may|might|must|should|can|always|often|"
    r"publicly|privately|openly|reportedly|allegedly|clearly|strongly|firmly|simply|quickly|afterwards|afterward|too|(?-i:[a-z]+ly)))+\s*$",
    re.IGNORECASE,
)


_SCAN = re.compile(r"[a-z]+|" + MASK + "+")


@dataclass(frozen=True)
class Verb:
    """A verb of saying found in a sentence (the interface of a regular-expression match)."""

    at: int
    stop: int
    text: str

    def start(self) -> int:
        return self.at

    def end(self) -> int:
        return self.stop

    def group(self, _: int = 0) -> str:
        return self.text


@dataclass
class Scan:
    """The verbs of one masked paragraph, found once for all its sentences."""

    verbs: list[Verb]
    verbish: list[tuple[int, int, str]]  # (start, end, word) of words that may be a verb, and quotations

    def __post_init__(self) -> None:
        self._verb_starts = [v.at for v in self.verbs]
        self._verbish_starts = [w[0] for w in self.verbish]

    def verbs_in(self, s: int, e: int) -> list[Verb]:
        first = bisect_left(self._verb_starts, s)
        return [v for v in self.verbs[first : bisect_left(self._verb_starts, e)] if v.stop <= e]

    def verbish_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        first = bisect_left(self._verbish_starts, s)
        return [w for w in self.verbish[first : bisect_left(self._verbish_starts, e)] if w[1] <= e]

    def verb_at(self, at: int) -> Verb | None:
        i = bisect_left(self._verb_starts, at)
        return self.verbs[i] if i < len(self.verbs) and self.verbs[i].at == at else None


def scan(text: str) -> Scan:
    """Find the verbs of a masked paragraph (see ``read_sentence``) in one pass over its lower-case words:
    a table lookup each, much faster than one regular expression of several hundred alternatives."""
    verbs: list[Verb] = []
    verbish: list[tuple[int, int, str]] = []
    skip = 0
    for match in _SCAN.finditer(text):
        word = match.group()
        at, stop = match.start(), match.end()
        if word[0] == MASK:
            verbish.append((at, stop, word))
            continue
        if word not in _CANDIDATES and not word.endswith("ed"):
            continue
        spaced = at > 0 and text[at - 1].isspace()
        if spaced and (word in AUXILIARY or word.endswith("ed") or word in VERB_CLASS or word in _IRREGULAR):
            verbish.append((at, stop, word))
        if at < skip or text[at - 1 : at] == "-" or text[stop : stop + 1] == "-":
            continue  # inside a phrase already found; or part of a compound ("add-ons", "so-called")
        for phrase in _PHRASES.get(word, ()):
            end = at + len(phrase)
            if text[at:end].lower() == phrase and not text[end : end + 1].isalpha():
                verbs.append(Verb(at, end, text[at:end]))
                skip = end
                break
        else:
            if word in VERB_CLASS:
                verbs.append(Verb(at, stop, word))
    return Scan(verbs, verbish)


_CANDIDATES = frozenset(VERB_CLASS) | frozenset(_PHRASES) | AUXILIARY | _IRREGULAR
