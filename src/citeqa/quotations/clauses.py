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
from citeqa.quotations.content import (
    HEARERS,
    SUBORDINATE,
    TRAIL,
    appositive_tail,
    clean,
    only_prefix,
    only_tail,
    reported_content,
)
from citeqa.quotations.names import Mention, parse_phrase
from citeqa.quotations.subjects import is_noun, parse_subject, subject_before, subjects
from citeqa.quotations.verbs import AUX_TAIL, MASK, VERB_CLASS, WINDOW, Scan, Verb, scan

_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)


_NEGATION = re.compile(
    r"\b(?:(?:does|did|do|would|could|will)\s+not|doesn't|didn't|don't|refused\s+to|"
    r"refuses\s+to|declined\s+to)\s*$",
    re.IGNORECASE,
)


_AGENT_END = re.compile(r"\b(?:by|from)\s+([^,;:¤]{2,80})$")
_BESIDE_QUOTE = re.compile(MASK + r"[\"”’']?\s*,?\s*[^" + MASK + r".;:!?]*$")
_QUOTE_AFTER = re.compile(r"\s*(?:[\w'’\-]+\s+){0,4}?[:,]?\s*[\"“‘']?" + MASK)
_ADVERB_TAIL = re.compile(r"\s+[a-z]+ly$")
_OPEN_QUESTION = re.compile(r"(?:if|whether|who|what|when|where|why|how)\b", re.IGNORECASE)


_PASSIVE = re.compile(r"\b(?:is|are|was|were|been|being|be)\s+(?:also\s+|widely\s+|now\s+)?$", re.IGNORECASE)


_COORDINATED = re.compile(
    r"(?:,\s*|\s)(?:and|but)\s+(?:(?:also|then|later|has|have|had|has\s+since|would|will)\s+)?$", re.IGNORECASE
)


_DETERMINER = re.compile(
    r"(?:\b(?:the|a|an|his|her|its|their|this|these|those|our|my|your|any|no|every|each|such)|['’]s)\s+$",
    re.IGNORECASE,
)


_ASKED_TO = re.compile(r"\s+(?:[\w'’&\-]+\s+){1,8}?to\s+[a-z]")
_ARRANGED = re.compile(r"\s(?:is|are|was|were)\s+(?:also\s+)?to\s+$", re.IGNORECASE)  # "is to tell": will tell
_MODAL = re.compile(r"\b(?:should|must|could|might|may|can|cannot|can't)\s+(?:[a-z]+ly\s+)?$", re.IGNORECASE)
_INFINITIVE = re.compile(r"\bto\s+$|\b(?:not|never)\s+$", re.IGNORECASE)


_TIME = re.compile(
    r"^(?:(?:last|this|next)\s+\w+|on\s+[A-Z]\w+|in\s+[A-Z]\w+|earlier|later|yesterday|today|"
    r"previously|recently|then|now|meanwhile|however),?\s+",
    re.IGNORECASE,
)


_SUBCLAUSE = re.compile(r"\b(?:when|while|because|after|before|as|who|which|whom|whose)\b", re.IGNORECASE)


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


def read_sentence(text: str, s: int, e: int, found: Scan | None = None) -> Reading:
    """The claims of the sentence text[s:e] (``text`` is the masked paragraph; ``found`` its scan)."""
    found = found or scan(text)
    claims = _according(text, s, e)
    according = {c.at for c in claims}
    fronted = _fronted_participle(text, s, e, found)
    if fronted is not None:
        claims.append(fronted)
    mentions, lead = subjects(text, s, e, found.verbish_in(s, e))
    subject: Mention | None = None  # the subject of the sentence's first attribution
    current: Claim | None = None  # the claim whose content the scan is in
    found_main = False
    for match in found.verbs_in(s, e):
        word = match.group(1).lower()
        kind = VERB_CLASS.get(word, "say")
        if word.startswith("ask") and _ASKED_TO.match(text, match.end(), e):
            kind = "urge"  # "asked the court to stop Apple …": a demand, like "urged"
        before = text[max(s, match.start() - WINDOW) : match.start()]
        if kind == "quote" and not _BESIDE_QUOTE.search(before[-60:]) and not _QUOTE_AFTER.match(text, match.end(), e):
            continue  # "as the workforce continues to age": a verb that attributes only beside a quotation
        if (
            _INFINITIVE.search(before) and not _NEGATION.search(before) and not _ARRANGED.search(before)
        ) or _DETERMINER.search(before):
            continue  # "declined to say"; "the claim": a noun, not a verb
        if word in lex.NOUN_VERBS and is_noun(text, before, match.end(), word):
            continue  # "a new report", "the HMICFRS report said": a noun
        coordinated = _COORDINATED.search(before) is not None or (
            word.split()[0].endswith("ing")  # ", simply adding", ", pointing out that"
            and _ADVERB_TAIL.sub("", before.rstrip()).endswith(",")
        )
        if current is not None and any(a <= match.start() < b for a, b in current.contents):
            chained = _chained(text, e, match, kind, current, subject or lead)
            if chained is not None:
                claims.append(chained)
                current = chained
            continue
        if coordinated and (subject or lead) is not None:
            span, colon = reported_content(text, match, e, kind)
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
        if word.split()[0].endswith("ing"):
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
        if verb and verb.start() == claim.at and VERB_CLASS.get(verb.group(1).lower()) == "name":
            claim.reported = False
    return Reading(claims, mentions, lead or subject)


def _chained(text: str, e: int, match: Verb, kind: str, current: Claim, main: Mention | None) -> Claim | None:
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
    between = AUX_TAIL.sub("", " " + between).strip()
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
    span, colon = reported_content(text, match, e, kind)
    if not span:
        return None
    current.contents = [
        c for c in (clean(text, a, min(b, cut)) if a < cut < b else (a, b) for a, b in current.contents) if c
    ]
    return Claim(speaker, match.start(), [span], colon)


def _local_claim(text: str, s: int, e: int, match: Verb, kind: str, main: Mention | None) -> Claim | None:
    """A later verb with a subject of its own after a conjunction: "…," he said, though he admitted C"."""
    region = text[max(s, match.start() - WINDOW) : match.start()]
    cuts = list(
        re.finditer(r",\s*|\s(?:though|although|while|as|but|and|because|when|after|before|since)\s+|;\s*", region)
    )
    if not cuts:
        return None
    piece = AUX_TAIL.sub("", " " + region[cuts[-1].end() :]).strip()
    if not piece:
        return None
    speaker = parse_phrase(piece)
    if speaker is None or speaker.cls not in ("pronoun", "person", "name", "org"):
        return None
    span, colon = reported_content(text, match, e, kind)
    return Claim(speaker, match.start(), [span], colon) if span else None


def _according(text: str, s: int, e: int) -> list[Claim]:
    """ "According to X, C" and "C, according to X"."""
    claims: list[Claim] = []
    for match in _ACCORDING.finditer(text, s, e):
        after = text[match.end() : min(e, match.end() + WINDOW)]
        comma = after.find(",")
        np_end = match.end() + (comma if comma >= 0 else len(after.rstrip(TRAIL)))
        phrase = text[match.end() : np_end]
        phrase = re.split(r"\s+(?:released|published|issued|carried|conducted|commissioned|cited|quoted)\b", phrase)[0]
        phrase = re.split(r"(?<=\))\s+(?=[A-Z])", phrase)[0]  # "the Unit (NHTCU) A survey …": a lost full stop
        mention = parse_phrase(phrase) if MASK not in phrase else None
        if mention is None:
            continue
        if mention.cls == "nosource":
            mention = None
        rest = text[np_end + 1 : e].strip(TRAIL)
        before = text[max(s, match.start() - WINDOW) : match.start()].strip().rstrip(",")
        if (
            comma >= 0
            and rest
            and not (len(rest) < WINDOW and appositive_tail(rest))
            and not (before and SUBORDINATE.match(rest))
        ):
            span = clean(text, np_end + 1, e)
        else:
            before = text[s : match.start()].rstrip()
            span = clean(text, s, s + len(before.rstrip(",")))
        if span:
            claims.append(Claim(mention, match.start(), [span]))
    return claims


def _main_claim(text: str, s: int, e: int, match: Verb, word: str, kind: str) -> Claim | None:
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
    arranged = _ARRANGED.search(region)
    if arranged:
        region = region[: arranged.start()]  # "Mr Kennedy is to tell the audience: …"
    if _MODAL.search(region):
        return None  # "UK Muslims should accept that …": what someone ought to say, not what they said
    aux = AUX_TAIL.search(text, max(s, len(region) + s - WINDOW), s + len(region))
    if aux:
        region = text[s : aux.start()]
    head = region.rstrip()
    relative = re.search(r",\s*(?:who|which)$", head)
    if relative:  # "The study, which claims to be …": the relative clause's speaker is the phrase before it
        mention = parse_subject(head[: relative.start()])
        agent = None if mention else _AGENT_END.search(head, 0, relative.start())
        if agent:  # "… an investigation by the UK's Office of Fair Trading (OFT), which concluded …"
            mention = parse_phrase(agent.group(1))
        span, colon = reported_content(text, match, e, kind)
        return Claim(mention, match.start(), [span] if span and mention else [], colon) if mention else None
    demand = kind == "urge" and _ASKED_TO.match(text, match.end(), e)  # "…, has asked the court to stop …"
    if (not head or head.endswith((",", '"', "”", "’", "'"))) and word in lex.INVERTIBLE and not demand:
        inverted = _inverted_claim(text, s, e, match, head)
        if inverted is not None or not head:
            return inverted
    mention, subj_start = subject_before(text, s, s + len(head))
    if mention is None:
        return None
    if (
        kind == "find"
        and word.startswith("f")  # "Mrs Gescher concluded" is what she said; "he found …" is not
        and (mention.cls in ("person",) or (mention.cls == "pronoun" and mention.text not in ("it", "they")))
    ):
        return None
    if mention.cls == "nosource":
        mention = None
    span, colon = reported_content(text, match, e, kind)
    if span and negation and _OPEN_QUESTION.match(text, span[0]):
        return Claim(mention, match.start(), [])  # "did not say if …": nothing is stated
    if span and content_start is not None:
        span = (content_start, span[1])
    if span:
        return Claim(mention, match.start(), [span], colon)
    # Nothing after the verb: the content comes first ("C, X said") and may go on after it ("…, C2").
    contents = []
    before = text[s:subj_start].rstrip()
    rest = text[match.end() : e]
    if kind == "tell":
        hearer = HEARERS.match(rest)
        rest = rest[hearer.end() :] if hearer else rest
    if not only_tail(rest):
        return Claim(mention, match.start(), [])  # "he pledged to …": the verb has an object, not a fronted content
    if before.endswith((",", '"', "”", "’", "'")) and not (len(before.split()) <= 6 and only_prefix(before)):
        fronted = clean(text, s, subj_start)
        if fronted:
            contents.append(fronted)
            rest = text[match.end() : e]
            if rest.lstrip().startswith(","):
                second = clean(text, match.end() + rest.index(",") + 1, e)
                if second and not SUBORDINATE.match(text[second[0] : second[1]]):
                    contents.append(second)
    return Claim(mention, match.start(), contents)


_FRONTED = re.compile(
    r"\s*(?:Saying|Insisting|Arguing|Warning|Claiming|Stressing|Admitting|Explaining|Acknowledging|Conceding)"
    r"\s+(?=\S)"
)


def _fronted_participle(text: str, s: int, e: int, found: Scan) -> Claim | None:
    """ "Saying Britain must change direction, Mr Howard argues …": the participle's content runs to the
    comma, and its speaker is the subject of the clause after it."""
    match = _FRONTED.match(text, s, e)
    if match is None:
        return None
    comma = text.find(",", match.end(), e)
    verbs = [w for w in found.verbish_in(comma, e) if w[0] > comma] if comma > 0 else []
    if not verbs:
        return None
    mention, _ = subject_before(text, comma + 1, verbs[0][0])
    span = clean(text, match.end(), comma)
    if mention is None or mention.cls == "nosource" or span is None or MASK in text[span[0] : span[1]]:
        return None
    return Claim(mention, match.start(), [span])


def _passive_claim(text: str, s: int, e: int, match: Verb, word: str, before: str) -> Claim | None:
    """ "X is said to …", "it is predicted that …", "…, it was confirmed": reported with no speaker."""
    if word not in ("said", "reported", "rumoured", "predicted", "claimed", "alleged", "understood", "confirmed"):
        return None
    rest = text[match.end() : e]
    span = clean(text, match.end(), e) if re.match(r"\s*(?:that|to)\b", rest) else None
    if span is None and before.rstrip().lower().endswith(", it"):
        span = clean(text, s, s + len(before.rstrip()[:-3].rstrip(", ")))
    return Claim(None, match.start(), [span]) if span else None


def _inverted_claim(text: str, s: int, e: int, match: Verb, head: str) -> Claim | None:
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
    mention = parse_subject(np_text.strip().rstrip(TRAIL) + ",")
    if mention is None and "," in np_text:  # "said Mr Wallace, shortly after signing the deal"
        mention = parse_subject(np_text.split(",")[0].strip() + ",")
    if mention is None or mention.cls == "pronoun":
        return None
    span = clean(text, s, s + len(head.rstrip(",")))
    if span is None and after[len(np_text) :].startswith(","):
        # "For instance, said Mr Hogan, filtering out … can stop 75% of spam": what follows is what was said.
        span = clean(text, match.end() + len(np_text) + 1, e)
    return Claim(mention, match.start(), [span] if span else [])


def _colon_attribution(text: str, s: int, e: int) -> Claim | None:
    """ "- Manchester City boss Kevin Keegan: "…"": a name and a colon before a quotation."""
    match = re.match(r"\s*[-–•]?\s*([^:¤]{2,120}):\s*[\"“‘']?" + MASK, text[s:e])
    if not match:
        return None
    mention = parse_subject(match.group(1))
    if mention is None or mention.cls not in ("person", "org", "body"):
        return None
    return Claim(mention, s + match.start(1), [(s + match.end(1) + 1, e)], colon=True)
