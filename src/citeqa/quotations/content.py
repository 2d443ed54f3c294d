"""What a verb of saying reports: the clause after it, cut to what the speaker said.

The clause starts after the verb (after a hearer, "told the BBC", and after "that"), runs to the end of the
sentence without its full stop, and stops before a contrast (", while …"). ``only_tail`` tells a verb
followed only by where and when it was said ("in a statement", "told Five Live") from one with an object.
"""

from __future__ import annotations

import re

from citeqa.quotations import lexicon as lex
from citeqa.quotations.names import words
from citeqa.quotations.verbs import AUXILIARY, MASK, Verb

_PP_THAT = re.compile(
    r"\s+(?:in|on|at|to|during|last|this|earlier|later|yesterday|today|after|before|when|while|through|via)"
    r"\b[^,:;¤\"“”]{0,70}?(?=\s+that\b|\s*:)",
    re.IGNORECASE,
)


_MEDIA = (
    r"(?:programme|magazine|newspaper|paper|website|site|radio|show|channel|station|agency|committee|"
    r"conference|official|news|sport|online|television|tv|network|service|audience|court|jury|hearing|"
    r"inquiry|meeting|panel|briefing|summit|convention|congress|forum|press|media|crowd|paper's|government|"
    r"session|rally|gathering|event|seminar|lecture|interview|dinner|lunch|assembly|debate)"
)


HEARERS = re.compile(
    r"\s+(?:(?:him|her|them|us|me|reporters|journalists|delegates|MPs|peers|listeners|viewers|fans|supporters|"
    r"members|staff|workers|shareholders|investors|analysts|parliament|Parliament|congress|Congress|"
    r"colleagues|students|activists|voters|readers|party\s+members|the\s+press|the\s+media|the\s+public|"
    r"the\s+nation|the\s+country)\b|"
    r"(?:(?:the|a|an|his|her|its|their)\s+)?(?:(?:[A-Z0-9][\w'’&\-]*|of|the|and|for|own|local|national|"
    r"official|weekly|daily|Sunday|" + _MEDIA + r"|"
    # a lower-case word just before a word that names a hearer: "the Commons home affairs committee"
    r"[a-z][\w'’\-]*(?=\s+(?:[a-z][\w'’\-]*\s+){0,2}" + _MEDIA + r"\b))\b\s*)+)"
)


SUBORDINATE = re.compile(
    r"^(?:although|though|but|as|while|whereas|because|with|without|before|after|when|despite|which|who|"
    r"where|since|even|so|if|unless|until|adding|saying|following)\b",
    re.IGNORECASE,
)


_PREPOSITION_START = re.compile(
    r"^\s*(?:at|in|on|to|during|after|before|from|with|for|by|of|about|against|over|into|upon|under|through|"
    r"ahead\s+of|prior\s+to|following|outside|alongside)\b",
    re.I,
)


_CONTRAST = re.compile(r",\s*(?:while|whereas)\s")


_OPENERS = re.compile(r"^(?:but|and|however|so|yet|also|meanwhile|still|now|indeed)\b,?\s*", re.IGNORECASE)


TRAIL = ".!?;:, \t"
# "said no", "said nothing more", "said so": no statement; but "said no complaint had been made" is one.
_NO_CONTENT = re.compile(
    r"\s*(?:(?:so|yes|no|sorry|nothing|goodbye|it\s+all)(?=\s*(?:[.,;:!?]|$|\s(?:to|about|of|more|further|else|"
    r"at|on|in|when|after|before|but|and)\b))|sorry\b|goodbye\b)",
    re.IGNORECASE,
)
# "argued on Sunday the time had come": when it was said, between the verb and what was said.
_WHEN = re.compile(
    r"\s+(?:on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|last\s+(?:week|month|year|night)|"
    r"yesterday|earlier\s+this\s+(?:week|month|year))\b,?(?=\s+(?:the|a|an|it|he|she|they|we|there|this|that)\b)"
)
_FINITE = frozenset("is are was were has have had will would can could may might must should does did".split())
_ONLY_ADVERBIAL = re.compile(
    r"(?i:for instance|for example|in fact|however|indeed|meanwhile|instead|also|though|still|again|too|"
    r"(?:last|this|next|earlier this|later this) (?:week|month|year|weekend|season|summer|winter|spring|autumn)|"
    r"(?:on|last) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|yesterday|today|recently|earlier)"
)


_TAIL = re.compile(
    r"\s*(?:in|on|at|during|last|this|yesterday|today|earlier|later|after|before|when|while|told|ahead\s+of|"
    r"prior\s+to|following|outside|alongside|as\s+(?:he|she|they|it|we|I)\s|"
    r"to\s+(?:the|a|an|reporters|journalists|[A-Z])|from|via|through|speaking)\b",
    re.IGNORECASE,
)


def clean(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) without spaces, leading "that" or connectives, and the sentence's final full stop.
    Content stops before ", while …" or ", whereas …": a contrast with someone else's view."""
    stop = _CONTRAST.search(text, start, end)
    if stop:
        end = stop.start()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in TRAIL:
        end -= 1
    match = _OPENERS.match(text, start, end)
    if match and match.end() < end:
        start = match.end()
    if text.startswith("that ", start):
        start += 5
    if _ONLY_ADVERBIAL.fullmatch(text, start, end):
        return None  # "For instance", "last year": where or when, not what was said
    return (start, end) if end > start and any(ch.isalpha() or ch == MASK for ch in text[start:end]) else None


_REJECTED_CLAIM = re.compile(
    r"\s+(?:the\s+)?(?:allegations?|claims?|suggestions?|idea|accusations?|reports?|charges?)\s+(?:that\s+)?"
    r"(?:he|she|they|it|we|I|the|his|her|their|its|[A-Z])",
    re.IGNORECASE,
)


def reported_content(text: str, match: Verb, e: int, kind: str) -> tuple[tuple[int, int] | None, bool]:
    """What the verb ``match`` reports, for chained verbs: denials keep their verb, and must be statements."""
    if kind == "deny":
        if match.group(1).lower().startswith("reject") and not _REJECTED_CLAIM.match(text, match.end(), e):
            return None, False  # "rejected the offer"; but "rejected claims that she …" is a denial
        span, _ = content_after(text, match.end(), e, "say")
        if span is None or not clause_like(text, span[0], span[1]):
            return None, False
        return (match.start(), span[1]), False
    if kind == "accuse":
        span = clean(text, match.end(), e)
        return (span if span and " of " in text[span[0] : span[1]] else None), False
    if kind == "name":
        span = clean(text, match.end(), e)
        return (span if span and MASK in text[span[0] : span[1]] else None), False
    return content_after(text, match.end(), e, kind)


def content_after(text: str, pos: int, stop: int, kind: str) -> tuple[tuple[int, int] | None, bool]:
    """What a verb ending at ``pos`` reports, up to ``stop``, and whether a colon introduces it."""
    rest = text[pos:stop]
    if kind == "tell":
        that = re.match(r"\s+([^;:¤]{1,100}?)\s+that\s", rest)
        if that and not re.search(r"\b(?:is|are|was|were|has|have|had|will|would|\w+ed)\b", that.group(1)):
            return clean(text, pos + that.end(), stop), False
        hearer = HEARERS.match(rest)
        if not hearer:
            return None, False
        if re.match(r"\s*to\s+[a-z]", rest[hearer_end(rest, hearer) :]):
            return clean(text, pos, stop), False  # "told England to stop whingeing": the demand, with whom
        pos += hearer_end(rest, hearer)
        rest = text[pos:stop]
    pp = _PP_THAT.match(rest) or _WHEN.match(rest)
    if pp:
        pos += pp.end()
        rest = text[pos:stop]
    stripped = rest.lstrip()
    if stripped.startswith(":"):
        return clean(text, pos + rest.index(":") + 1, stop), True
    if not stripped or stripped[0] in ",;.!?)" or kind == "quote":
        return None, False
    if kind == "that" and _PLEDGE.search(text, 0, pos) and re.match(r"\s*to\s+\S", rest):
        return clean(text, pos, stop), False  # "pledged to "never, ever, ever" attack …": from "to"
    if kind == "that" and not (re.match(r"\s*(?:that|he|she|they|it|we|I|there)\b", rest) or _finite_soon(rest)):
        # "noted the change" is no statement; "hinted he thinks …", "conceded his comments may …" are
        return None, False
    if _PREPOSITION_START.match(rest) or _NO_CONTENT.match(rest):
        return None, False
    if (
        kind in ("say", "find", "that")
        and re.match(r"\s*to\b", rest)
        and not text[:pos].lower().endswith(("claim", "claims", "claimed"))
    ):
        return None, False
    return clean(text, pos, stop), False


_PLEDGE = re.compile(r"\b(?:pledg|promis|vow)\w*$", re.IGNORECASE)


def _finite_soon(rest: str) -> bool:
    """A clause without "that": a finite verb within the first few words, before any comma ("conceded his
    comments may have been offensive")."""
    tokens = words(re.split(r"[,;:]|\s(?:but|and|or)\s", rest, maxsplit=1)[0])[:6]
    return any(t.lower() in _FINITE for t in tokens[1:])


_HEARER_TAIL = re.compile(r"(?:\s+(?:the|of|and|for))+\s*$")


def hearer_end(rest: str, hearer: re.Match) -> int:
    """Where a hearer ends: "told The Independent the current system …" is told The Independent; the
    "the" after it opens what was told."""
    tail = _HEARER_TAIL.search(rest, 0, hearer.end())
    if tail and tail.start() > hearer.start() and rest[hearer.start() : tail.start()].strip():
        return tail.start() + 1
    return hearer.end()


def clause_like(text: str, start: int, end: int) -> bool:
    """Whether a denial's object is a statement ("denied he planned …") and not a thing ("the charges")."""
    tokens = [t.lower() for t in words(text[start:end].split(",")[0])[:8]]
    if not tokens:
        return False
    first = tokens[0]
    if first == "that" or first.endswith("ing") or first in lex.PRONOUNS:
        return True
    finite = ("was", "were", "had", "is", "are", "has", "would", "could", "will")
    return any(t in finite or (t.endswith("ed") and len(t) > 4) for t in tokens[1:])


def appositive_tail(rest: str) -> bool:
    """ "…, according to John Houlihan, editor of the magazine.": what follows the name describes it."""
    tokens = words(rest)
    return len(tokens) <= 12 and not any(
        t.lower() in AUXILIARY or (t.islower() and t.endswith("ed") and len(t) > 4) for t in tokens
    )


def only_tail(rest: str) -> bool:
    """Whether what follows a verb is only where and when it was said ("in a statement", "told Five Live")."""
    if rest.lstrip().startswith(","):
        return True  # "C, she added, C2"
    rest = rest.strip(TRAIL)
    return not rest or bool(_TAIL.match(rest)) and MASK not in rest


def only_prefix(text: str) -> bool:
    """True when a text is only adverbials ("In a statement,", "However,")."""
    for chunk in re.split(r",\s*", text.strip().rstrip(",")):
        tokens = words(chunk)
        if tokens and tokens[0].lower() not in lex.PREFIX_WORDS and not tokens[0].lower().endswith("ing"):
            return False
        if any(t.lower() in _FINITE for t in tokens[1:]):
            return False  # "This was not a "women's thing", she said": a clause, not an adverbial
    return True
