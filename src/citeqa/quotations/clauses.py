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
from bisect import bisect_left
from dataclasses import dataclass, field

from citeqa.quotations import lexicon as lex
from citeqa.quotations.names import Mention, drop_adverbials, parse_phrase, parse_subject, words

MASK = "\u00a4"  # stands for each character inside a quotation
# How far before a verb its subject is looked for. A subject is a few words; the bound keeps the work per
# verb constant, so that a paragraph of a million characters costs time in proportion to its length.
WINDOW = 300

_MULTI = {
    "pointed out": "say",
    "points out": "say",
    "pointing out": "say",
    "point out": "say",
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
for _w in lex.NAMING - lex.ACCUSE:
    _VERB_CLASS.setdefault(_w, "name")
_VERB_CLASS.update(_MULTI)
_PHRASES: dict[str, list[str]] = {}  # first word -> the phrases it starts, longest first
for _phrase in sorted((w for w in _VERB_CLASS if " " in w), key=len, reverse=True):
    _PHRASES.setdefault(_phrase.split()[0], []).append(_phrase)
_SCAN = re.compile(r"[a-z]+|" + MASK + "+")


@dataclass(frozen=True)
class _Verb:
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

    verbs: list[_Verb]
    verbish: list[tuple[int, int, str]]  # (start, end, word) of words that may be a verb, and quotations

    def __post_init__(self) -> None:
        self._verb_starts = [v.at for v in self.verbs]
        self._verbish_starts = [w[0] for w in self.verbish]

    def verbs_in(self, s: int, e: int) -> list[_Verb]:
        first = bisect_left(self._verb_starts, s)
        return [v for v in self.verbs[first : bisect_left(self._verb_starts, e)] if v.stop <= e]

    def verbish_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        first = bisect_left(self._verbish_starts, s)
        return [w for w in self.verbish[first : bisect_left(self._verbish_starts, e)] if w[1] <= e]

    def verb_at(self, at: int) -> _Verb | None:
        i = bisect_left(self._verb_starts, at)
        return self.verbs[i] if i < len(self.verbs) and self.verbs[i].at == at else None


def scan(text: str) -> Scan:
    """Find the verbs of a masked paragraph (see ``read_sentence``) in one pass over its lower-case words:
    a table lookup each, much faster than one regular expression of several hundred alternatives."""
    verbs: list[_Verb] = []
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
        if spaced and (word in _AUXILIARY or word.endswith("ed") or word in _VERB_CLASS or word in _IRREGULAR):
            verbish.append((at, stop, word))
        if at < skip or text[at - 1 : at] == "-" or text[stop : stop + 1] == "-":
            continue  # inside a phrase already found; or part of a compound ("add-ons", "so-called")
        for phrase in _PHRASES.get(word, ()):
            end = at + len(phrase)
            if text[at:end].lower() == phrase and not text[end : end + 1].isalpha():
                verbs.append(_Verb(at, end, text[at:end]))
                skip = end
                break
        else:
            if word in _VERB_CLASS:
                verbs.append(_Verb(at, stop, word))
    return Scan(verbs, verbish)


_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)
_AUX_TAIL = re.compile(
    r"(?:\s+(?:has|have|had|also|then|later|previously|repeatedly|again|already|subsequently|earlier|now|"
    r"recently|once|still|further|today|yesterday|long|consistently|last\s+\w+|on\s+(?:monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday)|has\s+also|would|will|could|may|might|must|should|can|always|often|"
    r"publicly|privately|openly|reportedly|allegedly|clearly|strongly|firmly|simply|quickly|\w+ly))+\s*$",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:(?:does|did|do|would|could|will)\s+not|doesn't|didn't|don't|refused\s+to|"
    r"refuses\s+to|declined\s+to)\s*$",
    re.IGNORECASE,
)
_PASSIVE = re.compile(r"\b(?:is|are|was|were|been|being|be)\s+(?:also\s+|widely\s+|now\s+)?$", re.IGNORECASE)
_COORDINATED = re.compile(r"(?:,\s*|\s)(?:and|but)\s+(?:also\s+|then\s+|later\s+)?$", re.IGNORECASE)
_DETERMINER = re.compile(
    r"(?:\b(?:the|a|an|his|her|its|their|this|these|those|our|my|your|any|no|every|each|such)|['’]s)\s+$",
    re.IGNORECASE,
)
_INFINITIVE = re.compile(r"\bto\s+$|\b(?:not|never)\s+$", re.IGNORECASE)
_PP_THAT = re.compile(
    r"\s+(?:in|on|at|to|during|last|this|earlier|later|yesterday|today|after|before|when|while|through|via)"
    r"\b[^,:;¤\"“”]{0,70}?(?=\s+that\b|\s*:)",
    re.IGNORECASE,
)
_MEDIA = (
    r"(?:programme|magazine|newspaper|paper|website|site|radio|show|channel|station|agency|committee|"
    r"conference|official|news|sport|online|television|tv|network|service|audience|court|jury|hearing|"
    r"inquiry|meeting|panel|briefing|summit|convention|congress|forum|press|media|crowd|paper's)"
)
_HEARERS = re.compile(
    r"\s+(?:(?:him|her|them|us|me|reporters|journalists|delegates|MPs|peers|listeners|viewers|fans|supporters|"
    r"members|staff|workers|shareholders|investors|analysts|parliament|Parliament|congress|Congress|"
    r"colleagues|students|activists|party\s+members|the\s+press|the\s+media)\b|"
    r"(?:(?:the|a|an|his|her|its|their)\s+)?(?:(?:[A-Z0-9][\w'’&\-]*|of|the|and|for|own|local|national|"
    r"official|weekly|daily|Sunday|" + _MEDIA + r")\b\s*)+)"
)
_SUBORDINATE = re.compile(
    r"^(?:although|though|but|as|while|whereas|because|with|without|before|after|when|despite|which|who|"
    r"where|since|even|so|if|unless|until|adding|saying|following)\b",
    re.IGNORECASE,
)
# What may stand right before a verb that is also a noun: a pronoun, a name, a plural, a relative.
_SUBJECT_END = re.compile(
    r"(?:\b(?:he|she|it|they|we|I|who|which|also|now|then|still|often|and|but)|\b[A-Z][\w'’\-]*|"
    r"[a-z]{3,}s|[\"”’])\s+$"
)
_PREPOSITION_START = re.compile(
    r"^\s*(?:at|in|on|to|during|after|before|from|with|for|by|of|about|against|over|into|upon|under|through)\b", re.I
)
_TIME = re.compile(
    r"^(?:(?:last|this|next)\s+\w+|on\s+[A-Z]\w+|in\s+[A-Z]\w+|earlier|later|yesterday|today|"
    r"previously|recently|then|now|meanwhile|however),?\s+",
    re.IGNORECASE,
)
_SUBCLAUSE = re.compile(r"\b(?:when|while|because|after|before|as|who|which|whom|whose)\b", re.IGNORECASE)
_CUT = re.compile(r",\s*|[\"”’]\s+|\s(?:but|while|as|because|when|and|so|after|although|yet)\s+|;\s+")
_CONTRAST = re.compile(r",\s*(?:while|whereas)\s")
_OPENERS = re.compile(r"^(?:but|and|however|so|yet|also|meanwhile|still|now|indeed)\b,?\s*", re.IGNORECASE)
_TRAIL = ".!?;:, \t"


@dataclass
class Claim:
    """An attribution: ``subject`` (None: no speaker given) said what ``contents`` hold."""

    subject: Mention | None
    at: int  # offset of the attribution in the paragraph, to order mentions
    contents: list[tuple[int, int]] = field(default_factory=list)
    colon: bool = False  # "X said: …": only the quotation after it is what X said
    reported: bool = True  # False: the verb only attributes the quotations in the content ("called it "…"")


@dataclass
class Reading:
    """What one sentence gives: its attributions, and the names that are subjects of its verbs (in order,
    with their offsets), which later pronouns may stand for."""

    claims: list[Claim]
    mentions: list[tuple[int, Mention]]
    lead: Mention | None  # the subject the sentence opens with


def _clean(text: str, start: int, end: int) -> tuple[int, int] | None:
    """[start, end) without spaces, leading "that" or connectives, and the sentence's final full stop.
    Content stops before ", while …" or ", whereas …": a contrast with someone else's view."""
    stop = _CONTRAST.search(text, start, end)
    if stop:
        end = stop.start()
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


def read_sentence(text: str, s: int, e: int, found: Scan | None = None) -> Reading:
    """The claims of the sentence text[s:e] (``text`` is the masked paragraph; ``found`` its scan)."""
    found = found or scan(text)
    claims = _according(text, s, e)
    according = {c.at for c in claims}
    mentions, lead = _subjects(text, s, e, found.verbish_in(s, e))
    subject: Mention | None = None  # the subject of the sentence's first attribution
    current: Claim | None = None  # the claim whose content the scan is in
    found_main = False
    for match in found.verbs_in(s, e):
        word = match.group(1).lower()
        kind = _VERB_CLASS.get(word, "say")
        before = text[max(s, match.start() - WINDOW) : match.start()]
        if (_INFINITIVE.search(before) and not _NEGATION.search(before)) or _DETERMINER.search(before):
            continue  # "declined to say"; "the claim": a noun, not a verb
        if word in lex.NOUN_VERBS and _noun(text, before, match.end(), word):
            continue  # "a new report", "the HMICFRS report said": a noun
        coordinated = _COORDINATED.search(before) is not None or (
            word.endswith("ing") and before.rstrip().endswith(",")
        )
        if current is not None and any(a <= match.start() < b for a, b in current.contents):
            chained = _chained(text, e, match, kind, current, subject or lead)
            if chained is not None:
                claims.append(chained)
                current = chained
            continue
        if coordinated and (subject or lead) is not None:
            span, colon = _content(text, match, e, kind)
            if span:
                current = Claim(subject or lead, match.start(), [span], colon)
                claims.append(current)
            continue
        if found_main:
            local = _local_claim(text, s, e, match, kind, subject or lead)
            if local is not None:
                claims.append(local)
                current = local
            continue
        if word.endswith("ing"):
            continue  # a participle with no subject of its own
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
    if any(c.at in according for c in claims):
        # "That trend is predicted to continue, according to CEA analysts": the source is given.
        claims = [c for c in claims if c.subject is not None or c.at in according]
    for claim in claims:
        verb = found.verb_at(claim.at)
        if verb and verb.start() == claim.at and _VERB_CLASS.get(verb.group(1).lower()) == "name":
            claim.reported = False
    return Reading(claims, mentions, lead or subject)


_NEXT_VERB = re.compile(
    r"\s+(?:\w+ly\s+)?(?:said|says|say|found|finds|has|have|had|was|were|is|are|will|would|"
    r"concluded|suggests|suggested|shows|showed|claimed|warned|added|revealed|also)\b"
)


def _noun(text: str, before: str, end: int, word: str) -> bool:
    """Whether a word that may be a verb or a noun ("report", "claims") is a noun here."""
    if word.endswith("ing") and before.rstrip().endswith(","):
        return False  # ", finding that …"
    if _NEXT_VERB.match(text, end):
        return True  # "the report said"
    if not _SUBJECT_END.search(before):
        return True  # "a new report"
    last = before.rstrip().rsplit(None, 2)
    # "the Google report": a compound noun; "its makers claim": a plural subject and its verb.
    return (
        len(last) >= 2
        and last[-2].lower() in ("the", "a", "an", "its", "his", "her", "their")
        and not last[-1].endswith("s")
    )


def _content(text: str, match: _Verb, e: int, kind: str) -> tuple[tuple[int, int] | None, bool]:
    """What the verb ``match`` reports, for chained verbs: denials keep their verb, and must be statements."""
    if kind == "deny":
        span, _ = _content_after(text, match.end(), e, "say")
        if span is None or not _clause_like(text, span[0], span[1]):
            return None, False
        return (match.start(), span[1]), False
    if kind == "accuse":
        span = _clean(text, match.end(), e)
        return (span if span and " of " in text[span[0] : span[1]] else None), False
    if kind == "name":
        span = _clean(text, match.end(), e)
        return (span if span and MASK in text[span[0] : span[1]] else None), False
    return _content_after(text, match.end(), e, kind)


def _chained(text: str, e: int, match: _Verb, kind: str, current: Claim, main: Mention | None) -> Claim | None:
    """A verb inside a claim's content that starts a clause of its own: "…, but warned C2", "… and added
    that C2", ", but he said: …" (the main speaker, or the one named). Other verbs there are the speaker's
    own words (nested speech) and are left alone."""
    start = next((a for a, b in current.contents if a <= match.start() < b), None)
    if start is None:
        return None
    cut = None
    window = max(start, match.start() - WINDOW)
    for found in re.finditer(r",\s*(?:and\s+|but\s+)?|\s(?:and|but)\s+|;\s*", text[window : match.start()]):
        cut = window + found.start()
    if cut is None:
        return None
    between = re.sub(r"^[,;\s]*(?:and|but)?\s*", "", text[cut : match.start()], flags=re.IGNORECASE)
    between = _TIME.sub("", between)
    between = _AUX_TAIL.sub("", " " + between).strip()
    if between:
        speaker = parse_phrase(between)
        if speaker is None or speaker.cls == "nosource":
            return None
    else:
        if not re.match(r"[,;\s]*(?:and|but)\b|,\s*$", text[cut : match.start()], re.IGNORECASE) and not match.group(
            1
        ).lower().endswith("ing"):
            return None
        if _SUBCLAUSE.search(text, start, cut):
            return None  # "… when he sported a moustache and asked: …": the verb goes with the inner clause
        speaker = main
    span, colon = _content(text, match, e, kind)
    if not span:
        return None
    current.contents = [
        c for c in (_clean(text, a, min(b, cut)) if a < cut < b else (a, b) for a, b in current.contents) if c
    ]
    return Claim(speaker, match.start(), [span], colon)


def _local_claim(text: str, s: int, e: int, match: _Verb, kind: str, main: Mention | None) -> Claim | None:
    """A later verb with a subject of its own after a conjunction: "…," he said, though he admitted C"."""
    region = text[max(s, match.start() - WINDOW) : match.start()]
    cuts = list(re.finditer(r",\s*|\s(?:though|although|while|as|but|and|because|when)\s+|;\s*", region))
    if not cuts:
        return None
    piece = _AUX_TAIL.sub("", " " + region[cuts[-1].end() :]).strip()
    if not piece:
        return None
    speaker = parse_phrase(piece)
    if speaker is None or speaker.cls not in ("pronoun", "person", "name", "org"):
        return None
    span, colon = _content(text, match, e, kind)
    return Claim(speaker, match.start(), [span], colon) if span else None


def _subject_before(text: str, start: int, end: int) -> tuple[Mention | None, int]:
    """The subject ending at ``end`` and where it starts: the longest stretch after a comma, a closing
    quotation mark or a conjunction that reads as a subject (so "C, the government believes" gives "the
    government"). Adverbials before it ("In a statement, …") are skipped only at the sentence's start."""
    at_start = end - start <= WINDOW  # whether the region begins at the sentence's start
    start = max(start, end - WINDOW)
    region = text[start:end]
    if not region.strip():
        return None, end
    closed = region.rstrip().endswith(",")  # "X, the chief executive, said": an appositive before the verb
    for index, cut in enumerate([0] + [m.end() for m in _CUT.finditer(region)]):
        if index == 0:
            if not at_start:
                continue
            cut = drop_adverbials(region)
        piece = region[cut:]
        if not piece.strip() or MASK in piece or any(q in piece for q in '"“”'):
            continue
        if index and closed and "," not in piece.rstrip().rstrip(","):
            continue  # "…, a wider review," names what the phrase before it is, not who speaks
        by = _SENT_BY.match(piece)
        if by:
            piece = by.group(1)
        mention = parse_subject(piece, adverbials=index == 0 and at_start)
        if mention is None:
            continue
        before = region[:cut].rstrip()
        listed = " and " in piece or before.endswith(" and")
        if index and listed and (before.endswith(")") or (_LAST_WORD.findall(before) or [""])[-1][:1].isupper()):
            return None, end  # "by HMICFRS, the College of Policing and the IOPC": the end of a list
        return mention, start + cut + (len(piece) - len(piece.lstrip()))
    return None, end


_LAST_WORD = re.compile(r"[\w'’)]+(?=[,\s]*(?:and)?\s*$)")
# "A message sent to F-Secure by Google's security team said": the sender speaks.
_SENT_BY = re.compile(
    r"^\s*(?:a|an|the)\s+(?:message|statement|letter|note|memo|e-?mail|report)\s+"
    r"(?:sent|issued|written|released|published)\b.*?\bby\s+(.+)$",
    re.IGNORECASE | re.DOTALL,
)


def _content_after(text: str, pos: int, stop: int, kind: str) -> tuple[tuple[int, int] | None, bool]:
    """What a verb ending at ``pos`` reports, up to ``stop``, and whether a colon introduces it."""
    rest = text[pos:stop]
    if kind == "tell":
        that = re.match(r"\s+([^;:¤]{1,100}?)\s+that\s", rest)
        if that and not re.search(r"\b(?:is|are|was|were|has|have|had|will|would|\w+ed)\b", that.group(1)):
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
    if not stripped or stripped[0] in ",;.!?)" or kind == "quote":
        return None, False
    if kind == "that" and not re.match(r"\s*(?:that|he|she|they|it|we|I)\b", rest):
        return None, False  # "noted the change" is no statement; "hinted he thinks …" is
    if _PREPOSITION_START.match(rest) or re.match(r"\s*(?:so|yes|no|sorry|nothing|goodbye|it\s+all)\b", rest, re.I):
        return None, False
    if (
        kind in ("say", "find", "that")
        and re.match(r"\s*to\b", rest)
        and not text[:pos].lower().endswith(("claim", "claims", "claimed"))
    ):
        return None, False
    return _clean(text, pos, stop), False


def _clause_like(text: str, start: int, end: int) -> bool:
    """Whether a denial's object is a statement ("denied he planned …") and not a thing ("the charges")."""
    tokens = [t.lower() for t in words(text[start:end].split(",")[0])[:8]]
    if not tokens:
        return False
    first = tokens[0]
    if first == "that" or first.endswith("ing") or first in lex.PRONOUNS:
        return True
    finite = ("was", "were", "had", "is", "are", "has", "would", "could", "will")
    return any(t in finite or (t.endswith("ed") and len(t) > 4) for t in tokens[1:])


def _according(text: str, s: int, e: int) -> list[Claim]:
    """ "According to X, C" and "C, according to X"."""
    claims: list[Claim] = []
    for match in _ACCORDING.finditer(text, s, e):
        after = text[match.end() : min(e, match.end() + WINDOW)]
        comma = after.find(",")
        np_end = match.end() + (comma if comma >= 0 else len(after.rstrip(_TRAIL)))
        phrase = text[match.end() : np_end]
        phrase = re.split(r"\s+(?:released|published|issued|carried|conducted|commissioned|cited|quoted)\b", phrase)[0]
        mention = parse_phrase(phrase) if MASK not in phrase else None
        if mention is None:
            continue
        if mention.cls == "nosource":
            mention = None
        rest = text[np_end + 1 : e].strip(_TRAIL)
        before = text[max(s, match.start() - WINDOW) : match.start()].strip().rstrip(",")
        if (
            comma >= 0
            and rest
            and not (len(rest) < WINDOW and _appositive_tail(rest))
            and not (before and _SUBORDINATE.match(rest))
        ):
            span = _clean(text, np_end + 1, e)
        else:
            before = text[s : match.start()].rstrip()
            span = _clean(text, s, s + len(before.rstrip(",")))
        if span:
            claims.append(Claim(mention, match.start(), [span]))
    return claims


def _appositive_tail(rest: str) -> bool:
    """ "…, according to John Houlihan, editor of the magazine.": what follows the name describes it."""
    tokens = words(rest)
    return len(tokens) <= 12 and not any(
        t.lower() in _AUXILIARY or (t.islower() and t.endswith("ed") and len(t) > 4) for t in tokens
    )


def _main_claim(text: str, s: int, e: int, match: _Verb, word: str, kind: str) -> Claim | None:
    """The sentence's first attribution at verb ``match``: its subject and what it reports."""
    near = max(s, match.start() - WINDOW)  # the tail regexes below look at the words before the verb only
    region = text[s : match.start()]
    negation = _NEGATION.search(text, near, match.start())
    content_start = None
    if negation:
        content_start = negation.start()
        region = text[s : negation.start()]
    passive = _PASSIVE.search(text, max(s, len(region) + s - WINDOW), s + len(region))
    if passive:
        return _passive_claim(text, s, e, match, word, text[s : passive.start()])
    aux = _AUX_TAIL.search(text, max(s, len(region) + s - WINDOW), s + len(region))
    if aux:
        region = text[s : aux.start()]
    head = region.rstrip()
    relative = re.search(r",\s*(?:who|which)$", head)
    if relative:  # "The study, which claims to be …": the relative clause's speaker is the phrase before it
        mention = parse_subject(head[: relative.start()])
        span, colon = _content(text, match, e, kind)
        return Claim(mention, match.start(), [span] if span and mention else [], colon) if mention else None
    if (not head or head.endswith((",", '"', "”", "’", "'"))) and word in lex.INVERTIBLE:
        inverted = _inverted_claim(text, s, e, match, head)
        if inverted is not None or not head:
            return inverted
    mention, subj_start = _subject_before(text, s, s + len(head))
    if mention is None:
        return None
    if kind == "find" and (
        mention.cls in ("person",) or (mention.cls == "pronoun" and mention.text not in ("it", "they"))
    ):
        return None
    if mention.cls == "nosource":
        mention = None
    span, colon = _content(text, match, e, kind)
    if span and content_start is not None:
        span = (content_start, span[1])
    if span:
        return Claim(mention, match.start(), [span], colon)
    # Nothing after the verb: the content comes first ("C, X said") and may go on after it ("…, C2").
    contents = []
    before = text[s:subj_start].rstrip()
    rest = text[match.end() : e]
    if kind == "tell":
        hearer = _HEARERS.match(rest)
        rest = rest[hearer.end() :] if hearer else rest
    if not _tail(rest):
        return Claim(mention, match.start(), [])  # "he pledged to …": the verb has an object, not a fronted content
    if before.endswith((",", '"', "”", "’", "'")) and not (len(before.split()) <= 6 and _only_prefix(before)):
        fronted = _clean(text, s, subj_start)
        if fronted:
            contents.append(fronted)
            rest = text[match.end() : e]
            if rest.lstrip().startswith(","):
                second = _clean(text, match.end() + rest.index(",") + 1, e)
                if second and not _SUBORDINATE.match(text[second[0] : second[1]]):
                    contents.append(second)
    return Claim(mention, match.start(), contents)


def _passive_claim(text: str, s: int, e: int, match: _Verb, word: str, before: str) -> Claim | None:
    """ "X is said to …", "it is predicted that …", "…, it was confirmed": reported with no speaker."""
    if word not in ("said", "reported", "rumoured", "predicted", "claimed", "alleged", "understood", "confirmed"):
        return None
    rest = text[match.end() : e]
    span = _clean(text, match.end(), e) if re.match(r"\s*(?:that|to)\b", rest) else None
    if span is None and before.rstrip().lower().endswith(", it"):
        span = _clean(text, s, s + len(before.rstrip()[:-3].rstrip(", ")))
    return Claim(None, match.start(), [span]) if span else None


def _inverted_claim(text: str, s: int, e: int, match: _Verb, head: str) -> Claim | None:
    """ "C, said X." or ""…," said X": the speaker follows the verb; the content is before it."""
    after = text[match.end() : e]
    np_text = re.split(
        r"\s+(?:in|on|at|to|during|after|before|when|while|told|as|last|adding|saying|with)\b|"
        r"\s*[.!?;]\s*$",
        after,
    )[0]
    if MASK in np_text or not head:
        return None
    tail = re.split(r",\s*(?:adding|saying|who|which|whose|and|but|as|although|though)\b", after[len(np_text) :])[0]
    if re.search(r"\b(?:is|are|was|were|has|have|had|will|would|can|could|may|might|should|must)\b", tail):
        return None  # "…, said the transition … was difficult": a clause follows, not a tail
    mention = parse_subject(np_text.strip().rstrip(_TRAIL) + ",")
    if mention is None or mention.cls == "pronoun":
        return None
    span = _clean(text, s, s + len(head.rstrip(",")))
    return Claim(mention, match.start(), [span] if span else [])


_AUXILIARY = frozenset("is are was were has have had will would can could may might must should does did do".split())
_IRREGULAR = frozenset(
    """gave took made went came got began held left led won lost met ran saw set put kept brought bought felt
    became sent spent built paid sold stood struck fell rose grew knew drew wrote spoke chose broke hit cut
    quit sat fought caught taught meant heard""".split()
)
_CANDIDATES = frozenset(_VERB_CLASS) | frozenset(_PHRASES) | _AUXILIARY | _IRREGULAR


# A subject worth remembering has a capital, a pronoun or a head word that descriptions use.
_HEAD_WORDS = lex.DOCUMENTS | lex.ORG_HEADS | lex.GROUP_HEADS | lex.PERSON_HEADS | lex.PRONOUNS


def _namelike(piece: str) -> bool:
    """Worth parsing as a subject: it has a capital, or ends in a pronoun or a word descriptions use."""
    return not piece.islower() or piece.rsplit(None, 1)[-1].strip(",").lower() in _HEAD_WORDS


_SUBJECT_CUT = re.compile(
    r"[;:]\s+|\s(?:and|but|as|while|when|after|before|because|although|though|if|that|which|who|"
    r"whom|since)\s+"
)


def _subjects(
    text: str, s: int, e: int, verbish: list[tuple[int, int, str]]
) -> tuple[list[tuple[int, Mention]], Mention | None]:
    """Names that are the subject of a verb in the sentence (the verb right after them), in order, and
    the subject the sentence opens with."""
    found: list[tuple[int, Mention]] = []
    lead = None
    last = s
    for at, stop, word in verbish:
        region = text[last:at]
        first = last == s
        last = stop
        cuts = list(_SUBJECT_CUT.finditer(region))
        start = cuts[-1].end() if cuts else 0
        if len(region) - start > WINDOW:
            continue
        piece = _AUX_TAIL.sub("", " " + region[start:]).strip()
        if not piece or MASK in piece or len(piece) > 160 or not _namelike(piece):
            continue
        if word.endswith("ing") or (not first and piece.endswith(",") and "," not in piece[:-1]):
            continue  # "the charges, saying …", "…, a wider review, finds": not the verb's subject
        if (
            cuts
            and cuts[-1].group().strip() == "and"
            and (_LAST_WORD.findall(region[: cuts[-1].start()]) or [""])[-1][:1].isupper()
        ):
            continue  # "…, the College of Policing and the IOPC warns": the end of a list
        mention = None
        if first and start == 0:
            mention = parse_subject(piece[drop_adverbials(piece) :])
        if mention is None:
            mention = parse_subject(piece, adverbials=False) or parse_phrase(re.split(r",\s*", piece)[-1])
        if mention is None or mention.cls == "nosource":
            continue
        if first:
            lead = mention
        if mention.cls != "pronoun":
            found.append((at, mention))
    return found, lead


def _colon_attribution(text: str, s: int, e: int) -> Claim | None:
    """ "- Manchester City boss Kevin Keegan: "…"": a name and a colon before a quotation."""
    match = re.match(r"\s*[-–•]?\s*([^:¤]{2,120}):\s*[\"“‘']?" + MASK, text[s:e])
    if not match:
        return None
    mention = parse_subject(match.group(1))
    if mention is None or mention.cls not in ("person", "org", "body"):
        return None
    return Claim(mention, s + match.start(1), [(s + match.end(1) + 1, e)], colon=True)


_TAIL = re.compile(
    r"\s*(?:in|on|at|during|last|this|yesterday|today|earlier|later|after|before|when|while|told|"
    r"to\s+(?:the|a|an|reporters|journalists|[A-Z])|from|via|through|speaking)\b",
    re.IGNORECASE,
)


def _tail(rest: str) -> bool:
    """Whether what follows a verb is only where and when it was said ("in a statement", "told Five Live")."""
    if rest.lstrip().startswith(","):
        return True  # "C, she added, C2"
    rest = rest.strip(_TRAIL)
    return not rest or bool(_TAIL.match(rest)) and MASK not in rest


def _only_prefix(text: str) -> bool:
    """True when a text is only adverbials ("In a statement,", "However,")."""
    for chunk in re.split(r",\s*", text.strip().rstrip(",")):
        tokens = words(chunk)
        if tokens and tokens[0].lower() not in lex.PREFIX_WORDS and not tokens[0].lower().endswith("ing"):
            return False
    return True
