"""Which parts of a question a passage holds, read with what surrounds it, and which it does not.

Every passage shown, cited or closest, says what of the question it matches ("Wendy Williams", "The
Independent") and what it does not ("2020"), so that a reader sees what the tool saw. The same lists
decide whether a passage can answer (judge.py):

- a name, figure or quoted phrase must be mentioned around the passage (evidence.py);
- a year, month or period a figure is asked for must be named by the passage's own paragraph, those
  beside it, its headline or its article's date: a passage whose surroundings name another year, or
  whose article is dated another year, is about another time, and never the answer. An undated article
  whose passage names no year at all cannot say either way: the year stays unmatched, and the answer
  says so. A year that names what the question is about ("the 2017 inspection") is looked for in the
  whole article and its date;
- the kind of answer expected must be in the quote ("How many ..." wants a figure the question does
  not give itself; "What did X say" wants someone's words in the paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citeqa.answers import times
from citeqa.answers.evidence import Evidence
from citeqa.answers.lexicon import NAME_GLUE, aliases_of, singular, words
from citeqa.answers.query import (
    ANSWER,
    EDITION,
    KIND_NAMES,
    MONTH,
    PERIOD,
    STATEMENT,
    YEAR,
    Part,
    Query,
    has_kind,
)
from citeqa.records import Article


@dataclass(frozen=True)
class Match:
    """The parts of a question a passage matches and does not, as the question writes them."""

    matched: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()
    failure: str | None = None  # why the passage cannot answer, from the parts it lacks; None: it may


def match(query: Query, article: Article, number: int, text: str, quote: str, evidence: Evidence) -> Match:
    """What of ``query`` passage ``number`` of ``article`` (``text``, quoted as ``quote``) holds."""
    vocabulary, acronym_set, _ = evidence.around(article.id, number)
    scope = evidence.times(article.id, number)
    matched: list[str] = []
    unmatched: list[str] = []
    missing: list[str] = []  # unmatched parts that rule the passage out
    wrong_kind = False
    for part in query.parts:
        if part.kind == ANSWER:
            given = text if query.expects == STATEMENT else quote
            found, decisive = has_kind(given, query.expects, query.text), True
            wrong_kind = not found
        elif part.kind in (YEAR, MONTH, PERIOD):
            found, decisive = _timed(part, scope, article)
        elif part.kind == EDITION:  # anywhere in the article; an undated one cannot rule it out
            found = bool(times.in_text(part.text).years & evidence.article_times(article.id).years)
            decisive = article.date is not None
        else:
            found, decisive = evidence.lexicon.mentions(part.text, vocabulary, acronym_set), True
        (matched if found else unmatched).append(part.text)
        if not found and decisive and part.kind != ANSWER:
            missing.append(part.text)
    failure = None
    if missing:
        failure = f"the passages found do not mention {listing(missing)}"
    elif wrong_kind and query.expects is not None:
        failure = f"no passage found gives {KIND_NAMES[query.expects]} in reply"
    return Match(tuple(matched), tuple(unmatched), failure)


def _timed(part: Part, scope: times.Times, article: Article) -> tuple[bool, bool]:
    """Whether a year, month or period of the question is named in a passage's ``scope``, and whether
    its absence rules the passage out (it names another, or its article is dated)."""
    if part.kind == MONTH:
        return times.MONTHS.get(part.text.lower()) in scope.months, bool(scope.months)
    asked = times.in_text(part.text)
    if part.kind == YEAR:
        return bool(asked.years & scope.years), bool(scope.years) or article.date is not None
    if asked.quarters:
        return bool(asked.quarters & scope.quarters), bool(scope.quarters)
    if asked.halves:
        return bool(asked.halves & scope.halves), bool(scope.halves)
    season = next(iter(asked.seasons), "")
    return season in scope.seasons or bool(set(times.season_months(season)) & scope.months), False


def marks(text: str, matched: tuple[str, ...] | list[str]) -> list[tuple[int, int]]:
    """The spans of the words of ``text`` that the parts ``matched`` name, however written (case,
    accents, plural, the usual other forms: "Britain" for a question's "UK"), for highlighting. The
    kinds of answer ("a number") name no words; another form of several words is marked whole."""
    wanted: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    capitals: set[str] = set()  # acronyms, marked only where the text writes them in capitals
    labels = set(KIND_NAMES.values())
    for part in matched:
        if part in labels:
            continue
        part_words = words(part)
        for form in aliases_of(part_words):
            if form.acronym:
                capitals.add("".join(form.words))
            elif len(form.words) > 1:
                phrases.add(tuple(singular(w) for w in form.words))
            else:
                wanted.update(form.words)
        if _ACRONYM.fullmatch(part.strip()):
            capitals.add("".join(part_words))
        else:
            wanted.update(part_words)
    wanted = {singular(w) for w in wanted - NAME_GLUE}
    tokens = [(t.span(), words(t.group(0)), t.group(0)) for t in _TOKEN.finditer(text)]
    tokens = [(span, folded, raw) for span, folded, raw in tokens if folded]
    found: set[tuple[int, int]] = set()
    for i, (span, folded, raw) in enumerate(tokens):
        if singular(folded[0]) in wanted or (raw.isupper() and "".join(folded) in capitals):
            found.add(span)
        for phrase in phrases:
            run = tokens[i : i + len(phrase)]
            if len(run) == len(phrase) and all(singular(t[1][0]) == w for t, w in zip(run, phrase, strict=True)):
                found.update(t[0] for t in run)
    return sorted(found)


# A word as the text writes it, with a figure's separators ("13,000") and an acronym's stops ("U.S").
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:\.\w\b)*")
_ACRONYM = re.compile(r"[A-Z](?:\.?[A-Z])+\.?")


def listing(names: list[str]) -> str:
    """“A”, “A” or “B”, “A”, “B” or “C”."""
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
