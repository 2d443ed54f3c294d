"""What a question asks: the text searched, its keyword terms, its focus (the names and numbers it is
about) and the kind of answer it expects ("How many ..." wants a number, "When ..." a date)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from citeqa.articles import keywords

# Kinds of answer a question can expect, each recognisable in a sentence.
NUMBER = "number"
AMOUNT = "amount"
DATE = "date"
DURATION = "duration"
STATEMENT = "statement"
NAME = "name"
KIND_NAMES = {
    NAME: "a name",
    NUMBER: "a number",
    AMOUNT: "an amount",
    DATE: "a date",
    DURATION: "a length of time",
    STATEMENT: "a statement",
}

_EXPECTS = [
    (re.compile(r"\bhow (?:long|many (?:years|months|weeks|days|hours))\b", re.I), DURATION),
    (re.compile(r"\bhow much\b|\bwhat (?:amount|sum|price|cost|fee)\b|\bhow expensive\b", re.I), AMOUNT),
    (
        re.compile(
            r"\bhow (?:many|often|old|far|large|big|high|tall|fast)\b|\bwhat (?:number|percentage|proportion|share|"
            r"fraction|rate|age)\b|\bwhat percent\b",
            re.I,
        ),
        NUMBER,
    ),
    (
        re.compile(
            r"^\s*when (?:did|does|do|will|was|is|were|are|has|have|had|can|could|would|should|might|must)\b|"
            r"\bwhat (?:year|date|day|month|time|decade|century)\b|\b(?:in|by|since|until) (?:which|what) year\b",
            re.I,
        ),
        DATE,
    ),
    (
        re.compile(
            r"\bwhat (?:is|was|were|are) (?:the|his|her|their|its) (?:name|title)s?\b|"
            r"^\s*(?:which|what) (?:\w+ )?(?:person|man|woman|company|firm|organisations?|organizations?|body|"
            r"bodies|charity|newspaper|force|team|club|country|city|town|university|school|party|band|group)\b",
            re.I,
        ),
        NAME,
    ),
    (
        re.compile(
            r"\bwhat (?:did|does|do|has|have|had|will|would)\b.{1,80}?\b(?:say|said|tell|told|warn|warned|claim|"
            r"claimed|argue|argued|announce|announced|add|added|comment|respond|responded|reply|replied|state|stated)\b",
            re.I,
        ),
        STATEMENT,
    ),
]

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|half|quarter|third|several|"
    r"single|double|twice|once|thrice|first|second|third|fourth|fifth|tenth|majority|minority|most|few"
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_TIME_UNITS = r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|centur(?:y|ies)|nights?|seasons?"
_HAS_KIND = {
    NUMBER: re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I),
    AMOUNT: re.compile(rf"[£$€¥]|\d|\b(?:{_NUMBER_WORDS}|percent|per cent)\b", re.I),
    DATE: re.compile(
        rf"\b(?:1[0-9]{{3}}|20[0-9]{{2}})s?\b|\b(?:{_MONTHS})\b|\b(?:monday|tuesday|wednesday|thursday|friday|"
        rf"saturday|sunday|yesterday|today|tomorrow|tonight|weekend|spring|summer|autumn|winter|christmas|easter)\b|"
        rf"\b(?:last|next|this|recent|coming|previous)\s+(?:{_TIME_UNITS}|week|year)\b|\b(?:ago|since|until|recently|"
        rf"earlier|later|now|currently|century|decade|era|period)\b|\b\d+(?:st|nd|rd|th)\b",
        re.I,
    ),
    DURATION: re.compile(rf"\b(?:\d[\d,.]*|{_NUMBER_WORDS}|a|an)[\s-]+(?:\w+\s+)?(?:{_TIME_UNITS})\b|\blong\b", re.I),
    # Someone's words: a quotation, or a verb of saying.
    STATEMENT: re.compile(
        r"[“”\"]|\b(?:said|says|say|told|tells|added|adds|warned|warns|claimed|claims|argued|argues|announced|"
        r"stated|insisted|explained|described|called|urged|admitted|according to|statement|responded|responding)\b",
        re.I,
    ),
}

# Words that open a question or glue it together: never a name, even when capitalised.
_NOT_NAMES = frozenset(
    "what who whom whose which when where why how did does do is are was were has have had can could will "
    "would should shall may might must in on at according besides apart after before during for from by of "
    "to with and but or the a an if since as among under over about describe name give list tell explain "
    "compared other than despite although roughly approximately aside beyond following once apart also "
    "then so yet this that these those there their its his her they he she it we you i my our your".split()
)
_QUOTED = re.compile(r"[“\"]([^”\"]{2,80})[”\"]")
# A name starts a word: "iPod" is not the name "Pod", and "3G" is a figure's unit, not a name.
_NAME_RUN = re.compile(r"(?<![\w’'])[A-Z][\w’'\-.]*(?:\s+(?:(?:of|for|the|and|de|van|von|al)\s+)*[A-Z][\w’'\-.]*)*")
# A figure with what is written on to it: "1970s", "1,500m", "3G", "20%".
_FIGURE = re.compile(r"(?<![\w.,])\d(?:[\d,.]*\d)?(?:%|[A-Za-z]+\b)?")


@dataclass(frozen=True)
class Query:
    """A question ready to search: what was asked, what is searched and what an answer must hold."""

    question: str  # as asked (cleaned and cut to what the model reads)
    text: str  # what is searched: the question, resolved against the conversation
    terms: tuple[str, ...]  # the stemmed keyword terms of ``text``
    focus: tuple[str, ...]  # names, quoted phrases and figures the question is about, as written
    expects: str | None  # NUMBER, AMOUNT, DATE, DURATION, or None when any kind of answer will do
    exclude: frozenset[tuple[str, int, int]] = frozenset()  # (passage id, start, end) quoted before: "what else"


def analyse(question: str, text: str | None = None, *, exclude: frozenset[tuple[str, int, int]] = frozenset()) -> Query:
    """The ``Query`` for ``question``; ``text`` is the search text if a follow-up changed it."""
    text = text or question
    return Query(
        question=question,
        text=text,
        terms=tuple(dict.fromkeys(keywords.terms(text))),  # each term once: a repeated word is not a stronger one
        focus=focus(text),
        expects=expects(text),  # a follow-up's search text says what it asks ("And the Home Office?")
        exclude=exclude,
    )


def expects(question: str) -> str | None:
    """The kind of answer ``question`` asks for, if it is one that can be recognised in a sentence."""
    return next((kind for pattern, kind in _EXPECTS if pattern.search(question)), None)


def has_kind(text: str, kind: str | None, question: str = "") -> bool:
    """Whether ``text`` holds an answer of ``kind`` (a figure for NUMBER, a date for DATE, a name the
    question does not give for NAME, ...)."""
    if kind == NAME:
        given = {w.lower() for w in re.findall(r"\w+", question)}
        return any(m.group(0).lower() not in given for m in _PROPER.finditer(text))
    return kind is None or _HAS_KIND[kind].search(text) is not None


# A capitalised word that does not open a sentence, or an acronym: the mark of a name.
_PROPER = re.compile(r"(?<![.!?:“\"]\s)(?<!^)\b[A-Z][\w’'\-]+|\b[A-Z]{2,}\b")


def focus(question: str) -> tuple[str, ...]:
    """The names, quoted phrases and figures ``question`` is about, in order, without repeats.

    A capitalised word opening the question counts only if it is not a question word or other common
    opener; one opening a sentence inside a follow-up's search text is treated the same way.
    """
    found: list[str] = [m.group(1).strip() for m in _QUOTED.finditer(question)]
    unquoted = _QUOTED.sub(" ", question)
    for match in _NAME_RUN.finditer(unquoted):
        name = match.group(0).rstrip(".")
        tokens = name.split()
        while tokens and tokens[0].lower().strip("’'") in _NOT_NAMES:
            tokens.pop(0)
        while tokens and tokens[-1].lower() in ("of", "for", "the", "and", "de", "van", "von", "al"):
            tokens.pop()
        if tokens:
            found.append(re.sub(r"[’']s?$", "", " ".join(tokens)))
    found += [m.group(0).rstrip("%") for m in _FIGURE.finditer(unquoted)]
    return tuple(dict.fromkeys(f for f in found if f))
