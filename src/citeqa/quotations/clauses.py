"""Attributions in one sentence: who is said to have said what, found by the verbs of saying.

A sentence is read with the words inside its quotation marks masked (so a quotation's own verbs are never
taken for the narrator's). Each attribution found is a ``Claim``: the phrase naming the speaker and the
stretches of the sentence that give what was said. The forms read:

- subject first: "X said (that) C", "X told the BBC (that) C", "X, the chief executive of Y, said C",
  "X said: "…"", "X does not believe C" (the quote keeps the negation);
- content first: "C, X said", "C, said X", "C, X said, C2" (the attribution splits the content);
- "according to X, C" and "C, according to X";
- chained verbs with the same speaker: "X said C and added that C2", "…, saying C", "…, but warned C2";
- "X: "…"" (a name and a colon before a quotation, as sports reports print a manager's words);
- agentless passives ("is said to", "it is predicted that"): a claim with no speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citeqa.quotations import lexicon as lex
from citeqa.quotations.names import Mention, parse_phrase, parse_subject, words

MASK = "\u00a4"  # stands for each character inside a quotation

_MULTI = {"pointed out": "say", "points out": "say", "pointing out": "say", "point out": "say",
          "called for": "urge", "calls for": "urge", "call for": "urge", "calling for": "urge",
          "argued for": "urge", "asking for": "urge", "asked for": "urge",
          "raised concerns that": "say", "raised fears that": "say", "expressed concern that": "say",
          "made it clear": "say", "made clear": "say"}
_VERB_CLASS: dict[str, str] = {}
for _w in lex.QUOTE_ONLY:
    _VERB_CLASS[_w] = "quote"
for _w in lex.SAY_THAT:
    _VERB_CLASS[_w] = "that"
for _w in lex.SAY:
    _VERB_CLASS[_w] = "say"
for _w in lex.TELL:
    _VERB_CLASS[_w] = "tell"
for _w in lex.FIND:
    _VERB_CLASS[_w] = "find"
for _w in lex.URGE:
    _VERB_CLASS[_w] = "urge"
for _w in lex.ACCUSE:
    _VERB_CLASS[_w] = "accuse"
for _w in lex.DENY:
    _VERB_CLASS[_w] = "deny"
_VERB_CLASS.update(_MULTI)
_VERB = re.compile(
    r"\b(" + "|".join(sorted((re.escape(w) for w in _VERB_CLASS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)
_AUX_TAIL = re.compile(
    r"(?:\s+(?:has|have|had|also|then|later|previously|repeatedly|again|already|subsequently|earlier|now|"
    r"recently|once|still|further|today|yesterday|long|consistently|last\s+\w+|on\s+(?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)|has\s+also|would|will|could|may|might|must|should|can|always|often|"
    r"publicly|privately|openly|reportedly|allegedly|clearly|strongly|firmly|simply|quickly|\w+ly))+\s*$",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:(?:does|did|do|would|could|will)\s+not|doesn't|didn't|don't|refused\s+to|"
                       r"refuses\s+to|declined\s+to)\s*$", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:is|are|was|were|been|being|be)\s+(?:also\s+|widely\s+|now\s+)?$", re.IGNORECASE)
_COORDINATED = re.compile(r"(?:,\s*|\s)(?:and|but)\s+(?:also\s+|then\s+|later\s+)?$", re.IGNORECASE)
_DETERMINER = re.compile(
    r"(?:\b(?:the|a|an|his|her|its|their|this|that|these|those|our|my|your|any|no|every|each|such)|['’]s)\s+$",
    re.IGNORECASE,
)
_INFINITIVE = re.compile(r"\bto\s+$|\b(?:not|never)\s+$", re.IGNORECASE)
_PP_THAT = re.compile(
    r"\s+(?:in|on|at|to|during|last|this|earlier|later|yesterday|today|after|before|when|while|through|via)"
    r"\b[^,:;¤\"“”]{0,70}?(?=\s+that\b|\s*:)",
    re.IGNORECASE,
)
_HEARERS = re.compile(
    r"\s+(?:him|her|them|us|me|reporters|journalists|delegates|MPs|peers|listeners|viewers|fans|supporters|"
    r"members|staff|workers|shareholders|investors|analysts|parliament|Parliament|congress|Congress|"
    r"the\s+\w+|a\s+\w+(?:\s+\w+)?|(?:the\s+)?[A-Z][\w'’&\-]*(?:\s+(?:[A-Z0-9][\w'’&\-]*|of|the|and|for|"
    r"programme|magazine|newspaper|paper|website|radio|show|channel|station|agency|committee|conference|"
    r"official|news|sport|online|television|tv))*)",
)
_SUBORDINATE = re.compile(
    r"^(?:although|though|but|as|while|whereas|because|with|without|before|after|when|despite|which|who|"
    r"where|since|even|so|if|unless|until|adding|saying|following)\b", re.IGNORECASE
)
_CUT = re.compile(r",\s*|[\"”’]\s+|\s(?:but|while|as|because|when|and|so|after|although|yet)\s+|;\s*")
_OPENERS = re.compile(r"^(?:but|and|however|so|yet|also|meanwhile|still|now|indeed)\b,?\s*", re.IGNORECASE)
_TRAIL = ".!?;:, \t"


@dataclass
class Claim:
    """An attribution: ``subject`` (None: no speaker given) said what ``contents`` hold."""

    subject: Mention | None
    at: int  # offset of the attribution in the paragraph, to order mentions
    contents: list[tuple[int, int]] = field(default_factory=list)
    colon: bool = False  # "X said: …": only the quotation after it is what X said


@dataclass
class Reading:
    """What one sentence gives: its attributions, and the subject it opens with (for later pronouns)."""

    claims: list[Claim]
    subject: Mention | None


def _clean(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) without spaces, leading "that" or connectives, and the sentence's final full stop."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in _TRAIL:
        end -= 1
    match = _OPENERS.match(text, start, end)
    if match and match.end() < end:
        start = match.end()
    if text.startswith("that ", start):
        start += 5
    return (start, end) if end > start and any(ch.isalpha() or ch == MASK for ch in text[start:end]) else None


def _subject_before(text: str, start: int, end: int) -> tuple[Mention | None, int]:
    """The subject ending at ``end`` and where it starts: the longest stretch after a comma, a closing
    quotation mark or a conjunction that reads as a subject (so "C, the government believes" gives "the
    government"). Adverbials before it ("In a statement, …") are skipped only at the sentence's start."""
    region = text[start:end]
    if not region.strip():
        return None, end
    cuts = [0] + [m.end() for m in _CUT.finditer(region)]
    for cut in cuts:
        piece = region[cut:]
        if not piece.strip() or MASK in piece or any(q in piece for q in '"“”'):
            continue
        mention = parse_subject(piece, adverbials=cut == 0)
        if mention is not None:
            return mention, start + cut + (len(piece) - len(piece.lstrip()))
    return None, end


def _content_after(text: str, pos: int, stop: int, kind: str) -> tuple[tuple[int, int] | None, bool]:
    """What a verb at ``pos`` reports, up to ``stop``, and whether it is a colon before a quotation."""
    rest = text[pos:stop]
    if kind == "tell":
        that = re.match(r"\s+([^,;:¤]{1,80}?)\s+that\s", rest)
        if that:
            return _clean(text, pos + that.end(), stop), False
        hearer = _HEARERS.match(rest)
        if not hearer:
            return None, False
        pos += hearer.end()
        rest = text[pos:stop]
    pp = _PP_THAT.match(rest)
    if pp:
        pos += pp.end()
        rest = text[pos:stop]
    stripped = rest.lstrip()
    if stripped.startswith(":"):
        return _clean(text, pos + rest.index(":") + 1, stop), True
    if stripped.startswith(",") or not stripped:
        return None, False
    if kind == "that" and not re.match(r"\s*that\b", rest):
        return None, False
    if kind in ("say", "find") and re.match(r"\s*(?:to|in|of|for|by|with|about|so|yes|no|sorry|goodbye|nothing)\b", rest, re.I):
        return None, False
    if kind == "quote":
        return None, False
    return _clean(text, pos, stop), False


def _clause_like(text: str, start: int, end: int) -> bool:
    """Whether a denial's object is a statement ("denied he planned …") and not a thing ("the charges")."""
    tokens = [t.lower() for t in words(text[start:end])[:8]]
    if not tokens:
        return False
    first = tokens[0]
    if first == "that" or first.endswith("ing") or first in lex.PRONOUNS:
        return True
    finite = ("was", "were", "had", "is", "are", "has", "would", "could", "will")
    return any(t in finite or (t.endswith("ed") and len(t) > 4) for t in tokens[1:])


def _according(text: str, s: int, e: int) -> list[Claim]:
    claims: list[Claim] = []
    for match in _ACCORDING.finditer(text, s, e):
        after = text[match.end() : e]
        comma = after.find(",")
        np_end = match.end() + (comma if comma >= 0 else len(after.rstrip(_TRAIL)))
        phrase = text[match.end() : np_end]
        phrase = re.split(r"\s+(?:released|published|issued|carried|conducted|commissioned|cited|quoted)\b", phrase)[0]
        mention = parse_phrase(phrase) if MASK not in phrase else None
        if mention is None:
            continue
        if mention.cls == "nosource":
            mention = None
        if comma >= 0 and text[np_end + 1 : e].strip(_TRAIL):
            span = _clean(text, np_end + 1, e)
        else:
            before = text[s : match.start()].rstrip()
            span = _clean(text, s, s + len(before.rstrip(",")))
        if span:
            claims.append(Claim(mention, match.start(), [span]))
    return claims


def read_sentence(text: str, s: int, e: int) -> Reading:
    """The claims of the sentence text[s:e] (``text`` is the masked paragraph)."""
    claims = _according(text, s, e)
    lead = _lead_subject(text, s, e)
    subject: Mention | None = None  # the subject of the sentence's first attribution
    current: Claim | None = None  # the claim whose content the scan is in
    found_main = False
    for match in _VERB.finditer(text, s, e):
        word = match.group(1).lower()
        kind = _VERB_CLASS.get(word, "say")
        before = text[s : match.start()]
        if _INFINITIVE.search(before) and not _NEGATION.search(before):
            continue  # "declined to say", "would not say"
        if _DETERMINER.search(before):
            continue  # "the claim", "his statement": a noun, not a verb
        coordinated = _COORDINATED.search(before) is not None or (
            word.endswith("ing") and before.rstrip().endswith(",")
        )
        inside = current is not None and any(a <= match.start() < b for a, b in current.contents)
        if inside:
            split = _split_point(text, current, match.start())
            if split is None:
                continue
            speaker = _coordinated_subject(text, split, match.start(), subject or lead)
            if speaker is False:
                continue
            span, colon = _content_after(text, match.end(), e, kind)
            current.contents = [(a, min(b, split)) if a < split <= b else (a, b) for a, b in current.contents]
            current.contents = [c for c in (_clean(text, a, b) for a, b in current.contents) if c]
            if span:
                current = Claim(speaker if speaker is not None else None, match.start(), [span], colon)
                claims.append(current)
            continue
        if coordinated and (subject or lead) is not None and (found_main or word.endswith("ing") or lead):
            if kind in ("say", "that", "tell", "find", "urge", "deny", "quote"):
                span, colon = _content_after(text, match.end(), e, kind)
                if kind == "deny" and span and not _clause_like(text, span[0], span[1]):
                    span = None
                elif kind == "deny" and span:
                    span = (match.start(), span[1])
                if span:
                    current = Claim(subject or lead, match.start(), [span], colon)
                    claims.append(current)
                continue
        if found_main:
            continue
        claim = _main_claim(text, s, e, match, word, kind)
        if claim is None:
            continue
        found_main = True
        subject = claim.subject
        if claim.contents:
            claims.append(claim)
            current = claim
    if not claims:
        colon = _colon_attribution(text, s, e)
        if colon:
            claims.append(colon)
    return Reading(claims, lead or subject)


def _split_point(text: str, main: Claim, verb: int) -> int | None:
    """Where a chained verb's own clause starts inside the main claim: at ", and", ", but", " and" or ","."""
    last = max((b for a, b in main.contents if a <= verb), default=None)
    start = next((a for a, b in main.contents if a <= verb <= b), None)
    if start is None:
        if last is None:
            return None
        return verb
    region = text[start:verb]
    cut = None
    for match in re.finditer(r",\s*(?:and\s+|but\s+)?|\s(?:and|but)\s+|;\s*", region):
        cut = start + match.start()
    return cut


def _coordinated_subject(text: str, split: int, verb: int, main: Mention | None) -> Mention | None | bool:
    """The subject of a chained verb: the main one ("and added"), or its own ("but he said")."""
    between = text[split:verb]
    between = re.sub(r"^[,;\s]*(?:and|but)?\s*", "", between, flags=re.IGNORECASE)
    between = re.sub(r"\s*(?:also|then|later|has|had|have)\s*$", "", between, flags=re.IGNORECASE).strip()
    if not between:
        return main
    mention = parse_phrase(between)
    if mention is None or mention.cls not in ("pronoun", "person", "name", "org", "group", "body", "doc", "desc"):
        return False
    return mention


def _main_claim(text: str, s: int, e: int, match: re.Match, word: str, kind: str) -> Claim | None:
    """The sentence's first attribution at verb ``match``: its subject and what it reports."""
    region = text[s : match.start()]
    negation = _NEGATION.search(region)
    content_start = None
    if negation:
        content_start = s + negation.start()
        region = region[: negation.start()]
    passive = _PASSIVE.search(region)
    if passive:
        return _passive_claim(text, s, e, match, word, region[: passive.start()])
    aux = _AUX_TAIL.search(region)
    if aux:
        region = region[: aux.start()]
    head = region.rstrip()
    if (not head or head.endswith((",", '"', "”", "’", "'"))) and kind != "find" and not word.endswith("ing"):
        return _inverted_claim(text, s, e, match, head)
    mention, subj_start = _subject_before(text, s, s + len(head))
    if mention is None:
        return None
    if kind == "find" and mention.cls not in ("doc", "group", "body", "org", "pronoun", "desc", "name"):
        return None
    if kind == "find" and mention.cls == "pronoun" and mention.text not in ("it", "they"):
        return None
    if mention.cls == "nosource":
        mention = None
    if kind == "deny":
        span, _ = _content_after(text, match.end(), e, "say")
        if span is None or not _clause_like(text, span[0], span[1]):
            return Claim(mention, match.start(), [])
        return Claim(mention, match.start(), [(match.start(), span[1])])
    if kind == "accuse":
        span = _clean(text, match.end(), e)
        ok = span and " of " in text[span[0] : span[1]]
        return Claim(mention, match.start(), [span] if ok else [])
    span, colon = _content_after(text, match.end(), e, kind)
    if span and content_start is not None:
        span = (content_start, span[1])
    if span:
        return Claim(mention, match.start(), [span], colon)
    # Nothing after the verb: the content comes first ("C, X said") and may go on after it ("…, C2").
    contents = []
    if subj_start > s and not _only_prefix(text[s:subj_start]):
        fronted = _clean(text, s, subj_start)
        if fronted:
            contents.append(fronted)
            rest = text[match.end() : e]
            if rest.lstrip().startswith(","):
                second = _clean(text, match.end() + rest.index(",") + 1, e)
                if second and not _SUBORDINATE.match(text[second[0] : second[1]]):
                    contents.append(second)
    return Claim(mention, match.start(), contents)


def _passive_claim(text: str, s: int, e: int, match: re.Match, word: str, before: str) -> Claim | None:
    """"X is said to …", "it is predicted that …", "…, it was confirmed": reported with no speaker."""
    if word not in ("said", "reported", "rumoured", "predicted", "claimed", "alleged", "understood", "confirmed"):
        return None
    span, _ = _content_after(text, match.end(), e, "say")
    if span is None and before.rstrip().lower().endswith(", it"):
        span = _clean(text, s, s + len(before.rstrip()[:-3].rstrip(", ")))
    return Claim(None, match.start(), [span]) if span else None


def _inverted_claim(text: str, s: int, e: int, match: re.Match, head: str) -> Claim | None:
    """"C, said X." or ""…," said X": the speaker follows the verb; the content is before it."""
    after = text[match.end() : e]
    np_text = re.split(r"\s+(?:in|on|at|to|during|after|before|when|while|told|as|last|adding|saying)\b|"
                       r"\s*[.!?;]\s*$", after)[0]
    if MASK in np_text or not head:
        return None
    mention = parse_subject(np_text.strip().rstrip(_TRAIL))
    if mention is None or mention.cls == "pronoun":
        return None
    span = _clean(text, s, s + len(head.rstrip(",")))
    return Claim(mention, match.start(), [span] if span else [])


def _only_prefix(text: str) -> bool:
    """True when the text before a subject is only adverbials ("In a statement,", "However,")."""
    stripped = text.strip().rstrip(",").strip()
    if not stripped:
        return True
    for chunk in re.split(r",\s*", stripped):
        tokens = words(chunk)
        if tokens and tokens[0].lower() not in lex.PREFIX_WORDS and not tokens[0].lower().endswith("ing"):
            return False
    return True


_LEAD_STOP = re.compile(
    r"\s(?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|should|does|did|do|\w+ed|"
    + "|".join(sorted(w for w in _VERB_CLASS if " " not in w))
    + r")\b|" + MASK,
)


def _lead_subject(text: str, s: int, e: int) -> Mention | None:
    """The noun phrase a sentence opens with, up to its first verb (for "it", "he" and ", saying" later)."""
    match = _LEAD_STOP.search(text, s, min(e, s + 200))
    if not match:
        return None
    region = text[s : match.start()]
    aux = _AUX_TAIL.search(region)
    if aux:
        region = region[: aux.start()]
    return parse_subject(region) if region.strip() else None


def _colon_attribution(text: str, s: int, e: int) -> Claim | None:
    """"- Manchester City boss Kevin Keegan: "…"": a name and a colon before a quotation."""
    match = re.match(r"\s*[-–•]?\s*([^:¤]{2,120}):\s*[\"“‘']?" + MASK, text[s:e])
    if not match:
        return None
    mention = parse_subject(match.group(1))
    if mention is None or mention.cls not in ("person", "org", "body"):
        return None
    return Claim(mention, s + match.start(1), [(s + match.end(1) + 1, e)], colon=True)
