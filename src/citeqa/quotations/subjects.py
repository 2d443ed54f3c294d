"""Who speaks: the subject before a verb, with its appositives, and the names that are subjects anywhere.

``parse_subject`` reads a subject with appositives ("Fred Hasson, head of Tiga, said"). The subject of a
verb is the longest stretch before it, after a comma, a closing quotation mark or a conjunction, that reads
as one ("C, the government believes" gives "the government"); the names that are subjects of any verb in a
sentence are remembered for the pronouns after them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from citeqa.quotations import lexicon as lex
from citeqa.quotations.names import PREPOSITIONS, Mention, is_cap, name_run, parse_phrase, words
from citeqa.quotations.verbs import AUX_TAIL, MASK, WINDOW


@lru_cache(maxsize=8192)
def parse_subject(text: str, *, adverbials: bool = True) -> Mention | None:
    """The speaker named by a subject that may carry appositives: "Fred Hasson, head of Tiga, which
    represents independent developers," or "His assistant, Alice Marchak,"."""
    chunks = [c.strip() for c in re.split(r",\s*", text.strip())]
    chunks = [c for c in chunks if c]
    if not chunks:
        return None
    # "C, a new report": an appositive closes with a comma before the verb; "Jeff Joseph, from the
    # Consumer Electronics Association (CEA) told" is one whose closing comma was left out.
    closed = text.rstrip().endswith(",") or (len(chunks) == 2 and _PLACE_APPOSITIVE.match(chunks[1]))
    if len(chunks) > 1 and not closed:
        return None
    if len(chunks) == 1:
        return parse_phrase(_strip_prefix_words(chunks[0]) if adverbials else chunks[0])
    head = parse_phrase(chunks[0])
    rest = chunks[1:]
    if head is None:
        return None
    if len(rest) == 1 and chunks[0].split()[-1].islower():
        # "Manufacturers' organisation, the EEF,": a description, then the name it describes.
        named = parse_phrase(rest[0])
        if named is not None and named.cls == "org" and any(ch.isupper() for ch in named.text):
            return Mention(named.text, "org", role=chunks[0], head=named.head, plural=named.plural)
    if head.cls in ("person", "org", "name"):
        # "NAME, ROLE[, ROLE]": every later chunk must read as an appositive (or an age).
        if not all(_appositive(c) for c in rest):
            return None
        role = ", ".join(c for c in rest if not c.isdigit() and not c.lower().startswith(("who ", "which ")))
        role = ", ".join(r for r in (head.role, role) if r) or None
        return Mention(
            head.text, head.cls, role=role, head=head.head, plural=head.plural, gender=head.gender, parts=head.parts
        )
    if len(rest) == 1:
        named = parse_phrase(rest[0])
        if named is not None and named.cls in ("person", "name"):  # "His assistant, Alice Marchak"
            return Mention(named.text, "person", role=chunks[0], head=named.head, gender=named.gender)
    if head.cls in ("body", "group", "doc", "desc") and all(_appositive(c) for c in rest):
        return head
    return None


_PLACE_APPOSITIVE = re.compile(r"(?:from|of|at)\s+the\s+[A-Z][^,]*$")


def drop_adverbials(text: str) -> int:
    """Offset in ``text`` past its leading adverbial chunks ("In a statement, ", "However, "), keeping
    at least the last chunk."""
    offset = 0
    for match in re.finditer(r",\s*", text):
        chunk = text[offset : match.start()]
        if not _is_prefix(chunk) or not text[match.end() :].strip():
            break
        offset = match.end()
    return offset


def _appositive(chunk: str) -> bool:
    # "European co-ordinator for the EFF which campaigns for consumers": the relative clause describes it.
    chunk = _RELATIVE_TAIL.sub("", chunk)
    tokens = words(chunk)
    if not tokens or len(tokens) > 20:
        return False
    first = tokens[0].lower()
    if chunk.isdigit() or first in ("who", "which", "whose"):
        return True
    if first in ("from", "of", "at", "with") and len(tokens) <= 8:
        return True  # "Brad Wernle, from Automotive News Europe"
    if first == "in" and 1 < len(tokens) <= 5 and tokens[1].lower() in ("his", "her", "its", "their", "a", "the"):
        return True  # "Lord Nicholls of Birkenhead, in his ruling, said"
    if first.endswith("ing") and first not in lex.ING_NOUNS and len(tokens) <= 10 and not is_cap(tokens[0]):
        return True  # "Ben Emmerson QC, representing seven of the detainees, said"
    if len(tokens) > 1 and first.endswith(("ed", "wn")) and tokens[1].lower() in PREPOSITIONS | {"as"}:
        return True  # "The report, formed of fieldwork in six police forces, …"
    if not is_cap(tokens[0]) and parse_phrase(chunk) is not None:
        return True  # "…, discussions with experts and organisations and a wider review,"
    if any(t.lower() in lex.ROLE_WORDS for t in tokens) and not any(t.lower() in lex.NOT_IN_NP for t in tokens):
        return True  # "Paul Trotter, news and features editor of PC Pro,"
    if first in ("a", "an", "the", "its", "his", "her", "their") or first in lex.ROLE_WORDS:
        return not any(t.lower() in ("is", "are", "was", "were", "has", "have", "had") for t in tokens[1:4])
    return is_cap(tokens[0]) and not any(t.lower() in lex.NOT_IN_NP for t in tokens)


_DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_RELATIVE_TAIL = re.compile(r"\s(?:which|who|that)\s.*$")


def _is_prefix(chunk: str) -> bool:
    tokens = words(chunk)
    if len(tokens) > 1 and tokens[0].lower() in ("but", "and", "yet", "so", "or"):
        return False  # "But Kevin Hogan, senior manager at Symantec, said": a subject after a conjunction
    return bool(tokens) and (tokens[0].lower() in lex.PREFIX_WORDS or tokens[0].lower().endswith("ing"))


def _strip_prefix_words(chunk: str) -> str:
    """ "Speaking in Harrogate Mr Kennedy" has no comma: keep the name at its end."""
    tokens = words(chunk)
    if len(tokens) > 3 and tokens[0].lower() in lex.CONJUNCTIONS and tokens[1].lower() in lex.PREFIX_WORDS:
        tokens = tokens[1:]  # "However during the case on Tuesday Mr Ebbers"
        chunk = " ".join(tokens)
    first = tokens[0].lower() if tokens else ""
    if len(tokens) > 2 and (first in lex.PREFIX_WORDS or first.endswith("ing")) and first not in lex.CONJUNCTIONS:
        if tokens[-1].lower() in lex.PRONOUNS:
            return tokens[-1]  # "At his weekly press conference on Tuesday he"
        start = name_run(tokens)
        while start < len(tokens) - 1 and tokens[start].lower() in _DAYS:
            start += 1  # "During the case on Tuesday Mr Ebbers": the day ends the adverbial
        if start < len(tokens):
            return " ".join(tokens[start:])
        lows = [t.lower() for t in tokens]
        # The noun right after the opening preposition is its object ("In an interview published …"), not
        # a subject after it.
        last = max((i for i, w in enumerate(lows) if w in ("the", "a", "an") and i > 1), default=None)
        if last is not None and len(tokens) - last <= 4:
            return " ".join(tokens[last:])  # "In its report on the council's work the committee"
    return chunk


# What may stand right before a verb that is also a noun: a pronoun, a name, a plural, a relative.
_SUBJECT_END = re.compile(
    r"(?:\b(?:he|she|it|they|we|I|who|which|also|now|then|still|often|and|but|has|have|had|will|would|may|"
    r"might|could)|\b[A-Z][\w'’\-]*|"
    r"[a-z]{3,}s|[\"”’])\s+$"
)


_NEXT_VERB = re.compile(
    r"\s+(?:\w+ly\s+)?(?:said|says|say|found|finds|has|have|had|was|were|is|are|will|would|"
    r"concluded|suggests|suggested|shows|showed|claimed|warned|added|revealed|also)\b"
)


_CLAUSE_NEXT = re.compile(r"\s+(?:that|it|he|she|they|we|there|this)\b")


_CUT = re.compile(r",\s*|[\"”’]\s+|(?<=\s)(?:but|while|as|because|when|and|so|after|although|yet)\s+|;\s+")


_LAST_WORD = re.compile(r"[\w'’)]+(?=[,\s]*(?:and)?\s*$)")


# "A message sent to F-Secure by Google's security team said": the sender speaks.
_SENT_BY = re.compile(
    r"^\s*(?:a|an|the)\s+(?:message|statement|letter|note|memo|e-?mail|report)\s+"
    r"(?:sent|issued|written|released|published)\b.*?\bby\s+(.+)$",
    re.IGNORECASE | re.DOTALL,
)


# A subject worth remembering has a capital, a pronoun or a head word that descriptions use.
_HEAD_WORDS = lex.DOCUMENTS | lex.ORG_HEADS | lex.GROUP_HEADS | lex.PERSON_HEADS | lex.PRONOUNS


_SUBJECT_CUT = re.compile(
    r"[;:]\s+|\s(?:and|but|as|while|when|after|before|because|although|though|if|that|which|who|"
    r"whom|since)\s+"
)


def is_noun(text: str, before: str, end: int, word: str) -> bool:
    """Whether a word that may be a verb or a noun ("report", "claims") is a noun here."""
    if word.endswith("ing") and before.rstrip().endswith(","):
        return False  # ", finding that …"
    if _NEXT_VERB.match(text, end):
        return True  # "the report said"
    if _CLAUSE_NEXT.match(text, end) and not re.search(r"\b(?:the|a|an|its|his|her|their)\s+$", before):
        return False  # "The developers behind the system claim it is …": a verb, a clause after it
    if not _SUBJECT_END.search(before):
        return True  # "a new report"
    last = before.rstrip().rsplit(None, 2)
    # "the Google report": a compound noun; "its makers claim": a plural subject and its verb.
    return (
        len(last) >= 2
        and last[-2].lower() in ("the", "a", "an", "its", "his", "her", "their")
        and not last[-1].endswith("s")
    )


_DASHED = re.compile(r"(\w)\s[-–](\s[^-–,;:¤]{2,120}\s)[-–](\s*)$")


def subject_before(text: str, start: int, end: int) -> tuple[Mention | None, int]:
    """The subject ending at ``end`` and where it starts: the longest stretch after a comma, a closing
    quotation mark or a conjunction that reads as a subject (so "C, the government believes" gives "the
    government"). Adverbials before it ("In a statement, …") are skipped only at the sentence's start."""
    at_start = end - start <= WINDOW  # whether the region begins at the sentence's start
    start = max(start, end - WINDOW)
    # "Andrei Illarionov - then economic adviser to President Putin - told": an appositive between dashes
    # reads as one between commas (same length, so offsets hold).
    region = _DASHED.sub(lambda m: f"{m.group(1)},{m.group(2)},{m.group(3)}", text[start:end])
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


def _namelike(piece: str) -> bool:
    """Worth parsing as a subject: it has a capital, or ends in a pronoun or a word descriptions use."""
    return not piece.islower() or piece.rsplit(None, 1)[-1].strip(",").lower() in _HEAD_WORDS


def subjects(
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
        if cuts and cuts[-1].group().strip() in ("which", "who") and region.rstrip().endswith(","):
            # "Cory Doctorow, co-ordinator for the EFF which campaigns for consumers, expressed": the
            # relative clause is inside the appositive; the subject starts before it.
            cuts = [c for c in cuts if c.group().strip() not in ("which", "who")]
        start = cuts[-1].end() if cuts else 0
        if len(region) - start > WINDOW:
            continue
        piece = AUX_TAIL.sub("", " " + region[start:]).strip()
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
