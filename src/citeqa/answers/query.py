"""What a question asks: the text searched, its keyword terms, its focus (the names and numbers it is
about) and the kind of answer it expects ("How many ..." wants a number, "When ..." a date)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from citeqa.answers import times
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
    STATEMENT: "someone's words",
}

# The parts of a question a passage is checked for (see ``Part``).
NAMED = "name"  # a person, organisation, place or thing: "Wendy Williams", "Hestia", "iPhone"
QUOTED = "quoted"  # a phrase the question puts in quotation marks
FIGURE = "figure"  # "322", "3G"
YEAR = "year"  # the time a figure is asked for: "in 2020", "2003-4", "the 1990s"
EDITION = "edition"  # a year that names what the question is about: "the 2017 inspection", "its 2005 budget"
MONTH = "month"  # "April"
PERIOD = "period"  # "first quarter", "second half", "spring"
ANSWER = "answer"  # the kind of answer expected: "a number", "someone's words"

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
    # Whole figures ("13,000", "8.5"), so that one the question gives is told from a new one.
    NUMBER: re.compile(rf"\d(?:[\d,.]*\d)?|\b(?:{_NUMBER_WORDS})\b", re.I),
    AMOUNT: re.compile(rf"[£$€¥]?\d(?:[\d,.]*\d)?|[£$€¥]|\b(?:{_NUMBER_WORDS}|percent|per cent)\b", re.I),
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
# A span of years as one: "2003-4", "2004/05", "1999-2000" (a financial or a season's year).
YEAR_SPAN = re.compile(r"(?<![\w.,])((?:1[5-9]|20)\d\d)[-–/](\d{1,4})\b")
# A year before a noun after "the", "its", "'s": it names an edition of something ("the 2017 inspection",
# "Trevor Manuel's 2005 budget"), not the time of the figure asked for ("sales in 2004").
_EDITION = re.compile(
    r"(?:\b(?:the|its|their|his|her|this|that|these|those|a|an)\s+|[’']s\s+)(\d{4})[\s-]+(?=[A-Za-z])", re.I
)
# A name with a capital inside it: "iPhone", "eBay", "iTunes".
_INNER_CAPITAL = re.compile(r"(?<![\w’'])[a-z]+[A-Z][\w’'\-]*")


@dataclass(frozen=True)
class Part:
    """One part of a question a passage may hold: a name, figure, year, ... as the question writes it,
    or the kind of answer it expects ("a number")."""

    text: str
    kind: str  # NAMED, QUOTED, FIGURE, YEAR, EDITION, MONTH, PERIOD or ANSWER


@dataclass(frozen=True)
class Query:
    """A question ready to search: what was asked, what is searched and what an answer must hold."""

    question: str  # as asked (cleaned and cut to what the model reads)
    text: str  # what is searched: the question, resolved against the conversation
    terms: tuple[str, ...]  # the stemmed keyword terms of ``text``
    focus: tuple[str, ...]  # names, quoted phrases and figures the question is about, as written
    expects: str | None  # NUMBER, AMOUNT, DATE, DURATION, or None when any kind of answer will do
    exclude: frozenset[tuple[str, int, int]] = frozenset()  # (passage id, start, end) quoted before: "what else"
    parts: tuple[Part, ...] = ()  # what a passage is checked for: the focus by kind, periods, the answer's kind


def analyse(question: str, text: str | None = None, *, exclude: frozenset[tuple[str, int, int]] = frozenset()) -> Query:
    """The ``Query`` for ``question``; ``text`` is the search text if a follow-up changed it."""
    text = text or question
    named = focus(text)
    kind = expects(text)  # a follow-up's search text says what it asks ("And the Home Office?")
    return Query(
        question=question,
        text=text,
        terms=tuple(dict.fromkeys(keywords.terms(text))),  # each term once: a repeated word is not a stronger one
        focus=named,
        expects=kind,
        exclude=exclude,
        parts=parts(text, named, kind),
    )


def parts(text: str, named: tuple[str, ...], kind: str | None) -> tuple[Part, ...]:
    """The parts of a question: its focus ``named`` by kind, the months and periods it names, and the
    kind of answer it expects."""
    quoted = {m.group(1).strip() for m in _QUOTED.finditer(text)}
    months = {m.group(0) for m in times.month_names(text)}
    editions = {m.group(1) for m in _EDITION.finditer(text)}
    found: list[Part] = []
    for item in named:
        if item in quoted:
            found.append(Part(item, QUOTED))
        elif times.YEAR.fullmatch(item) or times.SPAN.fullmatch(item):
            found.append(Part(item, EDITION if item in editions else YEAR))
        elif item in months:
            continue  # below, in the question's order
        elif item[0].isdigit():
            found.append(Part(item, FIGURE))
        else:
            found.append(Part(item, NAMED))
    found += [Part(month, MONTH) for month in sorted(months, key=text.find)]
    found += [Part(period, PERIOD) for period in times.period_names(text)]
    if kind is not None:
        found.append(Part(KIND_NAMES[kind], ANSWER))
    return tuple(dict.fromkeys(found))


def expects(question: str) -> str | None:
    """The kind of answer ``question`` asks for, if it is one that can be recognised in a sentence."""
    return next((kind for pattern, kind in _EXPECTS if pattern.search(question)), None)


def has_kind(text: str, kind: str | None, question: str = "") -> bool:
    """Whether ``text`` holds an answer of ``kind`` that the question does not give itself: a figure
    for NUMBER ("How many of the 322 prosecutions ..." is not answered by "322"), a date for DATE, a
    name for NAME, ..."""
    if kind is None:
        return True
    given = _given(question)
    if kind == NAME:
        return any(m.group(0).lower() not in given for m in _PROPER.finditer(text))
    return any(_new(m.group(0), given) for m in _HAS_KIND[kind].finditer(text))


def _new(found: str, given: frozenset[str]) -> bool:
    """Whether ``found`` (a figure, a date, a quotation mark) says something the question does not."""
    words = set(_given_words(found))
    return not words or not words <= given


@lru_cache(maxsize=1024)
def _given(question: str) -> frozenset[str]:
    return frozenset(_given_words(question))


def _given_words(text: str) -> list[str]:
    """The words of ``text`` in lower case, figures without thousands separators ("13,000" -> "13000")."""
    return re.findall(r"\w+", re.sub(r"(?<=\d),(?=\d{3})", "", text.lower()))


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
    found += [re.sub(r"[’']s?$", "", m.group(0)) for m in _INNER_CAPITAL.finditer(unquoted)]
    found += [m.group(0) for m in YEAR_SPAN.finditer(unquoted)]
    found += [m.group(0).rstrip("%") for m in _FIGURE.finditer(YEAR_SPAN.sub(" ", unquoted))]
    return tuple(dict.fromkeys(f for f in found if f))
