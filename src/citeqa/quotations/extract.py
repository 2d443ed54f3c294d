"""Extracting an article's quotations and their speakers, paragraph by paragraph.

Direct quotations are the words inside quotation marks; reported speech is the clause a verb of saying
governs. A direct quotation takes its speaker from the attribution beside it ("…," she said), from the
reported clause that holds it, from the quotation before it in the paragraph, or, when a paragraph opens
with an unattributed quotation right after a paragraph that ended in one, from that quotation
(continuation). A short quoted phrase that nobody is said to have said is a term, not a quotation, and is
left out.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from citeqa.quotations import lexicon as lex
from citeqa.quotations.clauses import Claim, read_sentence
from citeqa.quotations.content import HEARERS
from citeqa.quotations.names import parse_phrase, words
from citeqa.quotations.spans import Segment, find_segments, split_sentences
from citeqa.quotations.speakers import CONTINUATION, UNKNOWN_SPEAKER, Resolver, Speaker
from citeqa.quotations.subjects import parse_subject
from citeqa.quotations.verbs import MASK, VERB_CLASS, Scan, scan
from citeqa.records import Article, Quotation

DIRECT, REPORTED = "direct", "reported"
CARRIED = Speaker(None, None, "")  # stands for "no speaker yet" in the pass that looks ahead
_NAMING = re.compile(r"(?<![\w-])(" + "|".join(sorted(lex.NAMING, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_COPULA_NAME = re.compile(r"\b(?:is|was)\s+((?:[A-Z][\w'’\-]+\s+){1,2}[A-Z][\w'’\-]+)(?=[\s,.;])")
_PASSIVE_NAMING = re.compile(
    r"\b(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?(?:"
    + "|".join(sorted(lex.NAMING, key=len, reverse=True))
    + r")\b[^¤]*$",
    re.IGNORECASE,
)
_BY_AGENT = re.compile(r"[\"”’']?\s*by\s+([^,.;:!?¤\"“”]{2,100}?)\s*(?:[,.;:!?]|$)")
_DETERMINED = re.compile(r"\b(?:the|a|an|this|that|its|his|her|their)\s+$", re.IGNORECASE)
_SPEECH_END = re.compile(r"[.!?,…:;\-–]$")
_VERBS = "|".join(sorted(lex.ATTRIBUTING, key=len, reverse=True))
# An attribution beside a quotation that the clause rules could not read: the speaker stays unknown.
_ATTRIBUTION_AFTER = re.compile(r"[\"”’']?\s*,?\s*(?:[\w'’.\-]+\s+){0,8}?(?:" + _VERBS + r")\b", re.IGNORECASE)
_ATTRIBUTION_BEFORE = re.compile(r"\b(?:" + _VERBS + r")\b[^.!?]{0,60}[:,]\s*$", re.IGNORECASE)


def _mask(text: str, segments: list[Segment]) -> str:
    """``text`` with every character inside quotation marks replaced by MASK (same length)."""
    if not segments:
        return text
    chars = list(text)
    for seg in segments:
        stop = seg.close if seg.close is not None else seg.end
        for i in range(seg.open + 1, stop):
            chars[i] = MASK
    return "".join(chars)


def _is_term(text: str) -> bool:
    """A short quoted phrase that is a term or label ("cold calling"), or a title in capitals."""
    tokens = words(text)
    if len(tokens) >= 2 and all(
        t[0].isupper() or t.lower() in ("of", "and", "the", "for", "in", "a", "to") for t in tokens
    ):
        return True
    return len(tokens) <= 3 and not _SPEECH_END.search(text)


def _speech_like(text: str) -> bool:
    return len(words(text)) >= 4 or bool(_SPEECH_END.search(text))


class _Paragraph:
    """Reads one paragraph, given the article's resolver and the speaker a previous quotation left open."""

    def __init__(self, resolver: Resolver, number: int, text: str, carry: Speaker | None, article_id: str = "") -> None:
        self.resolver, self.number, self.text, self.carry = resolver, number, text, carry
        self.article_id = article_id
        self.found: Scan | None = None
        self.masked = text
        self.out: list[Quotation] = []
        self.last: Speaker | None = None  # the speaker governing the paragraph so far
        self.ends_in_quote: Speaker | None = None
        self.explicit: set[int] = set()  # quotations an attribution beside them gave a speaker

    def read(self) -> list[Quotation]:
        text = self.text
        segments = find_segments(text)
        masked = _mask(text, segments)
        sentences = split_sentences(text, segments)
        found = scan(masked)
        self.found, self.masked = found, masked
        assigned: dict[int, Speaker] = {}
        owner: dict[int, Claim] = {}  # the claim each quotation belongs to
        opens = [seg.open for seg in segments]
        for index, (s, e) in enumerate(sentences):
            mine = list(range(bisect_left(opens, s), bisect_left(opens, e)))  # the sentence's quotations
            reading = read_sentence(masked, s, e, found)
            # A name inside what someone is reported to have said is not who "he" stands for next.
            spans = [span for c in reading.claims for span in c.contents]
            claimed = {c.at for c in reading.claims}  # a claim's own subject is noted as read with the claim
            events: list[tuple[int, int, object]] = [
                (at, 1, (m, any(a <= at < b for a, b in spans))) for at, m in reading.mentions if at not in claimed
            ]
            events += [(c.at, 0, c) for c in reading.claims]
            # A quotation inside two claims' contents is the outer claim's: "Officers expressed "…", the
            # report said" quotes the report.
            outer = sorted(reading.claims, key=lambda c: -sum(b - a for a, b in c.contents))
            for claim in outer:
                for i in mine:
                    if i not in assigned and any(
                        a <= segments[i].open and segments[i].start < b for a, b in claim.contents
                    ):
                        owner.setdefault(i, claim)
            for _, _, item in sorted(events, key=lambda x: (x[0], x[1])):
                if isinstance(item, Claim):
                    speaker = replace(self.resolver.resolve(item.subject), verb=self._verb(item))
                    self._claim(item, speaker, segments, mine, assigned, masked, owner)
                else:
                    mention, reported = item
                    self.resolver.note(self.resolver.resolve(mention), reported=reported)
            for i in mine:
                if i not in assigned:
                    self._unattributed(i, segments, masked, s, e, assigned, reading.lead)
            if not reading.claims:
                # "The musical's director is Matthew Warchus.": the person named is who "he" may be next.
                for named in _COPULA_NAME.finditer(masked, s, e):
                    mention = parse_phrase(named.group(1))
                    if mention is not None and mention.cls == "person":
                        self.resolver.note(self.resolver.resolve(mention))
            if not mine and not reading.claims and reading.lead is not None and self._introduces(found, s, e):
                # "Ferguson also hailed Giggs and Keane. "Roy came on …"": the quotation after a sentence in
                # which someone praises, criticises or describes is theirs.
                speaker = self.resolver.resolve(reading.lead)
                if speaker.name is not None and speaker.cls in ("person", "name", "org"):
                    self.last = speaker
            if index == len(sentences) - 1 and mine:
                tail = assigned.get(mine[-1])
                self.ends_in_quote = tail if tail is not None and tail.name else None
        # ""A. "B," said X": the printed paragraphs of one quotation, attributed once at the end.
        for i in range(len(segments) - 2, -1, -1):
            seg, nxt = segments[i], segments[i + 1]
            joined = seg.close is None and not text[seg.end : nxt.open].strip()
            if (
                joined
                and i + 1 in self.explicit
                and i not in self.explicit
                and assigned.get(i, CARRIED).kind != CONTINUATION
            ):
                assigned[i] = assigned[i + 1]
                self.explicit.add(i)
        for i, seg in enumerate(segments):
            speaker = assigned.get(i)
            if speaker is not None:
                self._emit(seg.start, seg.end, DIRECT, speaker)
        self.out.sort(key=lambda q: (q.start, q.end))
        return self.out

    def _claim(
        self,
        claim: Claim,
        speaker: Speaker,
        segments: list[Segment],
        mine: list[int],
        assigned: dict[int, Speaker],
        masked: str,
        owner: dict[int, Claim],
    ) -> None:
        if speaker.name is not None:
            self.resolver.note(speaker)
        if claim.contents:
            # Someone else has the floor, named or not: the quotations after it are not the earlier speaker's.
            self.last = speaker
        if any(a <= segments[i].open < b for a, b in claim.contents for i in mine):
            self.last = speaker  # even when unknown: the quotations after it are not someone else's
        for a, b in claim.contents:
            inside = [i for i in mine if a <= segments[i].open and segments[i].start < b]
            for i in inside:
                if owner.get(i, claim) is not claim or _is_title(self.text[segments[i].start : segments[i].end]):
                    continue  # another claim's, or a name in capitals ("Racketeer Influenced …")
                # A quotation a verb and a colon introduce inside reported speech ("… and asked: "How do I
                # look?"") is the words of whoever that verb's subject is, not always the reporter's.
                if not claim.colon and re.search(r":\s*$", masked[a : segments[i].open]):
                    assigned.setdefault(i, UNKNOWN_SPEAKER)
                elif i not in assigned:
                    assigned[i] = speaker
                    self.explicit.add(i)
            rest = self.text[a:b]
            for i in sorted(inside, reverse=True):
                seg = segments[i]
                rest = rest[: max(0, seg.open - a)] + rest[min(len(rest), seg.outer_end - a) :]
            if claim.colon or not claim.reported or not any(ch.isalnum() for ch in rest):
                continue  # the content is the quotation itself: only the direct line is kept
            self._emit(a, b, REPORTED, speaker)

    def _unattributed(
        self, i: int, segments: list[Segment], masked: str, s: int, e: int, assigned: dict[int, Speaker], lead
    ) -> None:
        seg = segments[i]
        words_in = self.text[seg.start : seg.end]
        previous = segments[i - 1].outer_end if i and segments[i - 1].outer_end <= seg.open else 0
        before = masked[max(s, previous) : seg.open]  # the narration since the sentence or the last quotation
        # "called the plans "dangerous"", or the quotation standing as the verb: "the Pro-Life Alliance
        # "congratulated" Mr Howard": the sentence's subject said it.
        naming = _NAMING.search(before)
        if naming and _DETERMINED.search(before, 0, naming.start()):
            naming = None  # "coined the term "…"": a noun, not a verb that calls something that
        named = naming or (_is_term(words_in) and _verb_position(before, masked[seg.outer_end : e]))
        if named and _PASSIVE_NAMING.search(before):
            # "… was called "one of the biggest pirates" by the sentencing judge": the agent said it.
            agent = _BY_AGENT.match(masked, seg.outer_end, e)
            speaker = self.resolver.resolve(parse_phrase(agent.group(1))) if agent else UNKNOWN_SPEAKER
            assigned[i] = speaker
            return
        if lead is not None and named and not _is_title(words_in):
            speaker = self.resolver.resolve(lead)
            if speaker.name:
                assigned[i] = speaker
                return
        if not _speech_like(words_in) or _is_term(words_in):
            return
        if before.strip(" -–•") and not before.rstrip().endswith((":", ",")):
            assigned[i] = UNKNOWN_SPEAKER  # a quotation inside narration with no verb of saying: a title, a name
            return
        after = masked[seg.outer_end : e]
        comma = words_in.endswith(",") or after.lstrip().startswith(",")
        if (
            (comma and after.strip(" ,."))
            or _ATTRIBUTION_AFTER.match(masked, seg.outer_end, e)
            or _ATTRIBUTION_BEFORE.search(before[-200:])
        ):
            assigned[i] = self.last = UNKNOWN_SPEAKER  # an attribution is there but was not read: never guess
            return
        if self.last is not None:
            assigned[i] = self.last
        elif self.carry is not None and not before.strip(" -–•"):
            assigned[i] = Speaker(self.carry.name, self.carry.role, CONTINUATION, self.carry.cls, verb=self.carry.verb)
            self.last = assigned[i]
        else:
            assigned[i] = UNKNOWN_SPEAKER

    def _emit(self, start: int, end: int, type_: str, speaker: Speaker) -> None:
        if end <= start:
            return
        self.out.append(
            Quotation(
                self.number,
                start,
                end,
                type_,
                speaker.name,
                speaker.role,
                speaker.kind,
                self.article_id,
                speaker.verb,
                speaker.cls if speaker.name else "",
            )
        )

    @staticmethod
    def _introduces(found: Scan, s: int, e: int) -> bool:
        """Whether the sentence's first verb of saying is one that judges or describes ("hailed",
        "criticised", "described")."""
        verbs = found.verbs_in(s, e)
        return bool(verbs) and VERB_CLASS.get(verbs[0].group().lower()) == "name"

    def _verb(self, claim: Claim) -> str:
        """The verb of saying of ``claim`` as the paragraph gives it, with the hearer of "told" ("told The
        Independent"); "according to"; or "" when the attribution has no verb ("Kevin Keegan: …")."""
        verb = self.found.verb_at(claim.at)
        if verb is None:
            return "according to" if self.masked.startswith(("according to", "According to"), claim.at) else ""
        text = self.text[verb.start() : verb.end()]
        if text.lower() in ("told", "tells", "tell", "telling"):
            hearer = HEARERS.match(self.masked, verb.end())
            if hearer:
                words = hearer.group().split()
                while words and words[-1].lower() in ("the", "of", "and", "for", "a", "an", "that"):
                    words.pop()
                if words:
                    text = f"{text} {' '.join(words)}"
        return text


def _verb_position(before: str, after: str) -> bool:
    """The text before a quoted word is a whole subject phrase, and an object follows it: the quotation
    stands as the verb ("the Pro-Life Alliance "congratulated" Mr Howard")."""
    tail = re.split(r"[.;:,]\s", before)[-1].strip()
    if not tail or not tail[-1].isalpha() or len(tail.split()) > 8 or not tail[0].isupper():
        return False
    if not re.match(r"\s+(?:[A-Z]|(?:the|a|an|his|her|their|its|him|them|that|on|at|with|to|it)\b)", after):
        return False  # "The ISM's "new orders" index": a label
    mention = parse_subject(tail)
    return mention is not None and mention.cls in ("person", "org", "name")


def _is_title(text: str) -> bool:
    tokens = words(text)
    return len(tokens) >= 2 and all(t[0].isupper() or t.lower() in ("of", "and", "the", "for") for t in tokens)


def extract(article: Article) -> tuple[Quotation, ...]:
    """Every quotation and reported statement in ``article``'s body, with its speaker (see the module)."""
    resolver = Resolver(article.paragraphs)
    out: list[Quotation] = []
    carry: Speaker | None = None
    for number, text in enumerate(article.paragraphs, 1):
        resolver.paragraph = number
        paragraph = _Paragraph(resolver, number, text, carry, article.id)
        out.extend(paragraph.read())
        carry = paragraph.ends_in_quote
    return tuple(out)
