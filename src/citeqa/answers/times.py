"""Years, months, quarters and seasons: those a question asks about, and those a passage is about.

A figure is reported for a time. "What was Sibneft's tax rate in 2010?" is not answered by a passage
that gives the rate for 2003, however close it is to the question: a year or period asked for is
checked against the passage itself, the paragraphs beside it, its article's headline and date ("last
year" in an article of 2021 is 2020) — not against the whole collection.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january",),
            ("february",),
            ("march",),
            ("april",),
            ("may",),
            ("june",),
            ("july",),
            ("august",),
            ("september", "sept"),
            ("october",),
            ("november",),
            ("december",),
        ),
        start=1,
    )
    for name in names
}
SEASONS = {"spring": (3, 4, 5), "summer": (6, 7, 8), "autumn": (9, 10, 11), "winter": (12, 1, 2)}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))

# A year as written: not a sum ("£2000"), a distance ("1500m") or part of a larger figure ("12,005").
YEAR = re.compile(r"(?<![\w.,£$€#])((?:1[5-9]|20)\d\d)(s?)(?!\d|[.,]\d|%|[a-rt-zA-Z])")
# A span of years: "2003-4", "2004/05", "1999-2000" (a financial year, a season).
SPAN = re.compile(r"(?<![\w.,])((?:1[5-9]|20)\d\d)[-–/](\d{1,4})\b")
_RELATIVE_YEAR = re.compile(
    r"\b(?:(?P<which>last|this|next|previous|past|coming)\s+year|(?P<before>a\s+year\s+(?:ago|earlier|before)|"
    r"year[- ]earlier|year[- ]on[- ]year|previous\s+year))\b",
    re.IGNORECASE,
)
_RELATIVE_MONTH = re.compile(r"\b(?P<which>last|this|next|previous)\s+month\b", re.IGNORECASE)
_MONTH = re.compile(rf"\b({_MONTH_NAMES})\b", re.IGNORECASE)
# "May" is also a name and a verb: a month only beside a day or a year, or after "in", "since" ...
_MAY = re.compile(
    r"\bMay\s+(?:\d|of\b)|\d(?:st|nd|rd|th)?\s+May\b|\b(?:in|since|until|till|by|during|from|of|early|late|mid|end of)"
    r"\s+May\b(?!\s+[A-Z])",
)
_QUARTER = re.compile(
    r"\b(?P<ordinal>first|second|third|fourth|final)[\s-]+quarter\b|\bQ(?P<number>[1-4])\b|"
    rf"\bthree\s+months\s+(?:to|ending|ended)\s+(?P<end>{_MONTH_NAMES})\b|\bfirst\s+three\s+months\b",
    re.IGNORECASE,
)
_HALF = re.compile(
    r"\b(?P<ordinal>first|second)[\s-]+half\b|\bH(?P<number>[12])\b|"
    rf"\bsix\s+months\s+(?:to|ending|ended)\s+(?P<end>{_MONTH_NAMES})\b",
    re.IGNORECASE,
)
_SEASON = re.compile(r"\b(spring|summer|autumn|winter)\b", re.IGNORECASE)
# "the seventies": a decade of the last century in words.
_DECADES = {"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960,
            "seventies": 1970, "eighties": 1980, "nineties": 1990}  # fmt: skip
_DECADE = re.compile(rf"\b(?:the|early|mid|late)[\s-]+({'|'.join(_DECADES)})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Times:
    """The times a text names: years, months (1-12), quarters (1-4), halves (1-2) and seasons."""

    years: frozenset[int] = frozenset()
    months: frozenset[int] = frozenset()
    quarters: frozenset[int] = frozenset()
    halves: frozenset[int] = frozenset()
    seasons: frozenset[str] = frozenset()

    def __or__(self, other: Times) -> Times:
        return Times(
            self.years | other.years,
            self.months | other.months,
            self.quarters | other.quarters,
            self.halves | other.halves,
            self.seasons | other.seasons,
        )


def span_years(first: str, second: str) -> set[int]:
    """The years of a span "2003-4", "2004/05", "1999-2000": both ends, the second read in full."""
    start = int(first)
    digits = len(second)
    end = int(str(start)[: 4 - digits] + second) if digits < 4 else int(second)
    return {start, end} if start <= end <= start + 10 else {start}


def in_text(text: str, date: dt.date | None = None) -> Times:
    """The times ``text`` names; ``date`` (its article's) resolves "last year" and "this month"."""
    years: set[int] = set()
    for match in SPAN.finditer(text):
        years |= span_years(match[1], match[2])
    for match in YEAR.finditer(SPAN.sub(" ", text)):
        start = int(match[1])
        years |= set(range(start, start + 10)) if match[2] else {start}
    for decade in _DECADE.findall(text):
        start = _DECADES[decade.lower()]
        years |= set(range(start, start + 10))
    months = {MONTHS[m.lower()] for m in _MONTH.findall(text) if m.lower() != "may"}
    if _MAY.search(text):
        months.add(5)
    if date is not None:
        for match in _RELATIVE_YEAR.finditer(text):
            which = (match["which"] or "").lower()
            years.add(date.year + (1 if which in ("next", "coming") else 0 if which == "this" else -1))
        for match in _RELATIVE_MONTH.finditer(text):
            which = match["which"].lower()
            shift = 1 if which == "next" else 0 if which == "this" else -1
            months.add((date.month - 1 + shift) % 12 + 1)
    return Times(
        frozenset(years),
        frozenset(months),
        frozenset(_periods(_QUARTER, text, 3)),
        frozenset(_periods(_HALF, text, 6)),
        frozenset(s.lower() for s in _SEASON.findall(text)),
    )


def of_date(date: dt.date | None) -> Times:
    """The year and month of an article's date."""
    return Times(frozenset({date.year}), frozenset({date.month})) if date else Times()


def _periods(pattern: re.Pattern[str], text: str, months: int) -> set[int]:
    """The quarters (``months`` 3) or halves (6) that ``pattern`` finds in ``text``."""
    found = set()
    for match in pattern.finditer(text):
        groups = match.groupdict()
        if groups.get("ordinal"):
            ordinal = _ORDINALS[groups["ordinal"].lower()]
            found.add(ordinal if months == 3 else min(ordinal, 2))
        elif groups.get("number"):
            found.add(int(groups["number"]))
        elif groups.get("end"):
            found.add((MONTHS[groups["end"].lower()] - 1) // months + 1)
        else:  # "the first three months"
            found.add(1)
    return found


def season_months(season: str) -> tuple[int, ...]:
    return SEASONS.get(season.lower(), ())


def month_names(text: str) -> list[re.Match[str]]:
    """The months a question names, as written ("April", "May" beside a day or a year)."""
    found = [m for m in _MONTH.finditer(text) if m.group(0)[0].isupper() and m.group(0).lower() != "may"]
    found += [m for m in re.finditer(r"\bMay\b", text) if _MAY.search(text, max(0, m.start() - 12), m.end() + 6)]
    return sorted(found, key=lambda m: m.start())


def period_names(text: str) -> list[str]:
    """The quarters, halves and seasons a question names, as written ("first quarter", "spring")."""
    spans = [m for pattern in (_QUARTER, _HALF, _SEASON) for m in pattern.finditer(text)]
    return list(dict.fromkeys(m.group(0) for m in sorted(spans, key=lambda m: m.start())))
