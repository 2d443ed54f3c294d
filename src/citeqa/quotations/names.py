"""Reading the noun phrase that names a speaker: a name and its role, or a body.

"Chief Constable Shaun Sawyer" is the name "Shaun Sawyer" with the role "Chief Constable" (an appositive
after a name, "Wendy Williams, HM Inspector of Constabulary,", is read by ``subjects.parse_subject``).
"A Home Office spokesperson" and "Analysts" are bodies named by the article's own words; "he", "the
company" and "the mayor" stand for someone named elsewhere (``speakers`` resolves them). Nothing here
guesses: a phrase that does not read as a subject gives None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from citeqa.quotations import lexicon as lex

# person: a named person; org: a named organisation; name: a single capitalised word that could be either;
# group: a plural body ("Analysts"); body: any other phrase naming a speaker as the article does
# ("A Home Office spokesperson"); doc: a document ("the report"); pronoun: he/she/it/they;
# desc: a definite description standing for someone named elsewhere ("the mayor", "the company").
CLASSES = ("person", "org", "name", "group", "body", "doc", "pronoun", "desc", "nosource")

_TOKEN = re.compile(r"[^\s]+")
POSSESSIVE = re.compile(r"['’]s?$")
_PUNCT_EDGE = '.,;:!?"“”‘’()[]'


@dataclass(frozen=True)
class Mention:
    """A speaker as a phrase names it, before it is resolved within the article."""

    text: str  # the name or phrase, as the article writes it
    cls: str  # one of CLASSES
    role: str | None = None
    head: str = ""  # last word of a description or body ("spokesman", "company"), lower case
    plural: bool = False
    gender: str | None = None  # "m" or "f" from an honorific, else None
    parts: tuple[Mention, ...] = ()  # the people of "X and Y"


_ENTITY_END = re.compile(r"&#?\w+;$")


def words(text: str) -> list[str]:
    """The words of ``text`` without the punctuation at their edges (an HTML entity keeps its ";")."""
    out = []
    for token in _TOKEN.findall(text):
        word = token.lstrip(_PUNCT_EDGE)
        word = word if _ENTITY_END.search(word) else word.rstrip(_PUNCT_EDGE)
        if word:
            out.append(word)
    return out


def is_cap(word: str) -> bool:
    return bool(word) and (word[0].isupper() or (word[0] in "'’" and len(word) > 1 and word[1].isupper()))


def is_acronym(word: str) -> bool:
    core = POSSESSIVE.sub("", word)
    return len(core) >= 2 and core.isupper() and core.isalpha()


def name_run(tokens: list[str]) -> int:
    """Index where the trailing run of name words of ``tokens`` starts (len(tokens) if there is none)."""
    if tokens and POSSESSIVE.sub("", tokens[-1].lower()) in lex.ORG_CUES:
        # "The Foreign Office", "Home Office": an organisation's name takes in words that are roles elsewhere.
        i = len(tokens)
        while (
            i > 0
            and is_cap(tokens[i - 1])
            and tokens[i - 1].lower() not in lex.NOT_NAME
            and (i == len(tokens) or not POSSESSIVE.search(tokens[i - 1]))
        ):
            i -= 1
        return i
    i = len(tokens)
    while i > 0:
        word = tokens[i - 1]
        low = word.lower()
        if i == len(tokens) and low in lex.NAME_SUFFIXES and i > 1:
            i -= 1
            continue
        if low in lex.PARTICLES and i < len(tokens) and i > 1 and is_cap(tokens[i - 2]):
            i -= 1
            continue
        last_of_name = (
            i == len(tokens)
            and i > 1
            and low in lex.SURNAME_ROLES
            and is_cap(tokens[i - 2])
            and tokens[i - 2].lower() not in lex.ROLE_WORDS
            and not POSSESSIVE.search(tokens[i - 2])
        )
        if not is_cap(word) or (low in lex.ROLE_WORDS and low not in lex.HONORIFICS and not last_of_name):
            break
        if POSSESSIVE.search(word) and i < len(tokens):
            break  # "Amazon's Robin Terrell": the possessive is the role's
        if low in lex.NOT_NAME or _ATTRIBUTIVE.match(word):
            break
        i -= 1
        if low in lex.HONORIFICS:
            break  # an honorific starts the name
    return i


def _gender(tokens: list[str]) -> str | None:
    for word in tokens:
        low = word.lower().rstrip(".")
        if low in lex.MALE:
            return "m"
        if low in lex.FEMALE:
            return "f"
    return None


def classify_name(tokens: list[str], role: str | None) -> str:
    """person, org or name (could be either) for a run of capitalised words."""
    lows = [t.lower().rstrip(".") for t in tokens]
    if lows and lows[0] in lex.HONORIFICS:
        return "person"
    if len(tokens) >= 3 and lows[-1] in lex.NAME_SUFFIXES and not any(is_acronym(t) for t in tokens[:-1]):
        return "person"  # "Ben Emmerson QC", "Tony Wright MP"
    if any(POSSESSIVE.sub("", w) in lex.ORG_CUES for w in lows) or any(is_acronym(t) for t in tokens):
        return "org"
    if role and any(w in lex.ROLE_WORDS for w in role.lower().split()):
        return "person"
    if len(tokens) >= 2:
        return "person"
    return "name"


def _time_pair(first: str, second: str) -> bool:
    return (first in ("last", "this", "next") and second in lex.TIME_UNITS) or (
        first == "on" and second.endswith("day")
    )


def _strip_leading(tokens: list[str]) -> list[str]:
    """Without leading conjunctions and time adverbials ("And last week US Treasury Secretary John Snow")."""
    while tokens:
        low = tokens[0].lower().rstrip(",")
        if low in lex.CONJUNCTIONS or low in lex.TIME_WORDS:
            tokens = tokens[1:]
        elif len(tokens) > 2 and _time_pair(low, tokens[1].lower().rstrip(",")):
            tokens = tokens[2:]  # "last week", "on Monday"
        else:
            break
    return tokens


PREPOSITIONS = frozenset("of for at from with in on to by".split())
_PARENS = re.compile(r"\s*\([^()]*\)")
_ADVERB_ENDINGS = ("ally", "ously", "edly", "ively", "ently", "antly", "ately", "fully", "lessly")
_AGE = re.compile(r"\d{1,3}-year-old")
_ATTRIBUTIVE = re.compile(r"^[A-Z][\w]*-(?:based|born|owned|listed|registered|led|backed|run|made)$")


def _valid_np(tokens: list[str]) -> bool:
    if not tokens or len(tokens) > 14:
        return False
    lows = [t.lower() for t in tokens]
    if any(w in lex.NOT_IN_NP for w in lows[1:]):
        return False
    if lows[0] in lex.NOT_IN_NP and lows[0] not in ("this", "these", "those", "her", "his", "its", "their", "our"):
        return False
    if lows[0] in lex.PREFIX_WORDS:
        return False
    if any(w in lex.SUBORDINATORS for w in lows[1:]) or lows[-1] in lex.ADVERBS:
        return False
    # A lower-case word in -ed is a verb ("rejected"), not part of a name or a body.
    # ... unless it follows a determiner, as an adjective does ("The unnamed woman from Georgia").
    return not any(
        w.endswith("ed")
        and len(w) > 4
        and "-" not in w
        and not t[0].isupper()
        and w not in lex.ADJECTIVES_ED
        and not (i > 0 and (lows[i - 1] in lex.DETERMINERS or lows[i - 1] in lex.DOCUMENTS))
        for i, (t, w) in enumerate(zip(tokens, lows, strict=True))
    )


@lru_cache(maxsize=8192)
def parse_phrase(text: str) -> Mention | None:
    """The speaker a subject phrase names (no commas: see ``parse_subject`` for appositives)."""
    tokens = _strip_leading(words(_PARENS.sub("", text)))
    if not tokens:
        return None
    if len(tokens) == 1 and tokens[0].lower() in lex.PRONOUNS:
        low = tokens[0].lower()
        return Mention(low, "pronoun", plural=low in ("they", "we"))
    if not _valid_np(tokens):
        return None
    lows = [t.lower() for t in tokens]
    if lows[0] == "another" or lows[:2] == ["one", "of"]:
        # "another senior adviser", "one of the men": someone the article names elsewhere, if at all.
        return Mention(" ".join(tokens), "nosource", head=lows[-1])
    if (
        len(tokens) > 1
        and tokens[-1].islower()
        and tokens[-1] in lex.PERSON_HEADS
        and (POSSESSIVE.search(tokens[0]) or lows[0] in lex.DETERMINERS)
    ):
        return _description(tokens)  # "England's World Cup-winning fly-half": someone named elsewhere
    if len(tokens) > 2 and lows[0] == "the" and lows[-1] in ("mp", "mep", "msp", "mla"):
        return _description(tokens)  # "the Salford MP": someone named elsewhere, not a body of that name
    if len(tokens) == 1 and len(lows[0]) > 6 and lows[0].endswith(_ADVERB_ENDINGS):
        return None  # "Originally dubbed …": an adverb, not a name
    joined = _joined(tokens)
    if joined:
        return joined
    of = _person_of(tokens)
    if of:
        return of
    org = _organisation(tokens)
    if org:
        return org
    start = name_run(tokens)
    if start == len(tokens):
        return _description(tokens)
    name, before = tokens[start:], tokens[:start]
    if before and before[-1].lower() in PREPOSITIONS and len(name) >= 3 and name[0].lower() not in lex.HONORIFICS:
        # "Inspector of Constabulary Wendy Williams": the office's words, then a name of two words.
        split = len(name) - 2
        before, name = before + name[:split], name[split:]
    lows = [t.lower() for t in before]
    # "a spokesman for … Commissioner Franco Frattini", "a professor at Brooklyn Law School": the name is
    # inside a phrase whose head is the word before its preposition.
    prep = next((i for i, w in enumerate(lows) if w in PREPOSITIONS), None)
    if prep is not None and prep > 0 and not is_cap(before[prep - 1]):
        return _description(tokens)
    if lows and lows[-1] in PREPOSITIONS:
        return _description(tokens)  # "The Roman Catholic Archbishop of Cardiff"
    if lows and lows[-1] == "and" and prep is not None:
        return _description(tokens)  # "Lawyers for Mr Fawcett and Ben McDonald": the lawyers, not Ben McDonald
    if len(name) == 1 and not before and name[0].lower() in lex.GROUP_HEADS:
        return Mention(name[0], "group", head=name[0].lower(), plural=True)  # "Analysts", "Prosecutors"
    if lows and lows[-1].endswith("ing") and lows[-1] not in lex.ING_NOUNS and not is_cap(before[-1]):
        return _description(tokens)  # "the lawyer representing Feroz Abbasi": the lawyer speaks
    if len(before) > 10 or ("and" in lows and not all(is_cap(t) or t.lower() in lex.CONNECTORS for t in before)):
        return None  # "The two clubs met the Spanish FA on Monday and Astiazaran": a clause, not a role
    if before and not _role_end(before[-1]):
        return None  # "… operates Crystal Harmony": a verb and its object, not a role and a name
    cls = None
    shown = " ".join(name)
    if len(name) == 1 and lows and lows[-1] in ("the", "this") and _demonym(name[0]):
        return Mention(" ".join(tokens), "desc", head=name[0].lower())  # "the Brazilian"
    if lows and lows[-1] == "the":
        before, cls = before[:-1], "org"
        shown = "the " + shown
    if [t.lower() for t in before] in (["a"], ["an"]) and (lows_name := [t.lower() for t in name])[
        -1
    ] in lex.ROLE_WORDS | lex.NAME_SUFFIXES:
        return Mention(" ".join(tokens), "nosource", head=lows_name[-1])  # "A UK Independence Party MEP"
    if before and POSSESSIVE.search(before[-1]) and all(is_cap(t) for t in before):
        before = before[:-1] + [POSSESSIVE.sub("", before[-1])]  # "Manchester United's Alex Ferguson"
    role = " ".join(before) or None
    cls = cls or classify_name(name, role)
    # A proper name in -s is one firm or club ("Qantas", "Siemens"), not several: "it" may stand for it.
    plural = cls not in ("person", "name", "org") and len(name[-1]) > 3 and name[-1].endswith("s")
    return Mention(shown, cls, role=role, head=name[-1].lower(), plural=plural, gender=_gender(name))


def _person_of(tokens: list[str]) -> Mention | None:
    """ "Dr Jeremy Philpott of the UK Patent Office": a person, and where they work as their role."""
    lows = [t.lower() for t in tokens]
    at = next((i for i, w in enumerate(lows) if w in ("of", "from", "at")), None)
    if at is None or at < 2 or at == len(tokens) - 1:
        return None
    name = tokens[:at]
    if not all(is_cap(t) for t in name) or any(POSSESSIVE.sub("", w) in lex.ORG_CUES for w in lows[:at]):
        return None
    if lows[0] not in lex.HONORIFICS and (len(name) > 4 or any(w in lex.ROLE_WORDS for w in lows[:at])):
        return None
    return Mention(" ".join(name), "person", role=" ".join(tokens[at:]), head=lows[at - 1], gender=_gender(name))


def _organisation(tokens: list[str]) -> Mention | None:
    """A capitalised name with "of", "for", "and" inside that names an organisation: "the Economic Commission
    for Latin America and the Caribbean", "Her Majesty's Inspectorate of Constabulary"."""
    lows = [t.lower() for t in tokens]
    first = 1 if lows[0] == "the" else 0
    body = tokens[first:]
    if (
        len(body) < 3
        or not any(w in lex.CONNECTORS for w in lows[first:])
        or not is_cap(body[0])
        or not is_cap(body[-1])
    ):
        return None
    if not all(is_cap(t) or t.lower() in lex.CONNECTORS for t in body):
        return None
    cues = [i for i, w in enumerate(lows) if i >= first and POSSESSIVE.sub("", w) in lex.ORG_CUES]
    if not cues:
        return None
    last = cues[-1]
    if last + 1 < len(lows) and lows[last + 1] not in lex.CONNECTORS:
        return None  # "Chairman of the Environmental Audit Committee Peter Ainsworth": a name follows
    return Mention(" ".join(tokens), "org", head=POSSESSIVE.sub("", lows[-1]))


def _role_end(word: str) -> bool:
    """Whether a word can end the role before a name: a noun of office or trade, a capitalised word, a
    possessive ("Amazon's Robin Terrell", "chip maker Intel", "Festival director Dieter Kosslick")."""
    low = word.lower()
    return (
        _plain_noun(low)
        or is_cap(word)
        or bool(POSSESSIVE.search(word))
        or low in lex.ROLE_WORDS
        or low in lex.PERSON_HEADS
        or low in lex.ORG_HEADS
        or low in lex.GROUP_HEADS
        or low in lex.DOCUMENTS
        or low.endswith(lex.NOUN_ENDINGS)
        or low in lex.NOT_NAME
        or low in PREPOSITIONS
        or low == "and"
    )


def _plain_noun(low: str) -> bool:
    """A lower-case word that reads as a noun ending a role ("awards pundit Tom O'Neil"): not a verb's form
    (-s, -ed, -ing, an irregular past) and not a word of grammar."""
    return (
        low.isalpha()
        and len(low) > 2
        and (not low.endswith(("s", "ed", "ing", "ly")) or low in lex.ING_NOUNS)
        and low not in lex.IRREGULAR_PAST
        and low not in lex.NOT_IN_NP
        and low not in PREPOSITIONS
        and low not in lex.NOT_NAME
        and low not in lex.ADVERBS
        and low not in lex.SUBORDINATORS
    )


def _singular(word: str) -> str:
    return word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else word


def _demonym(word: str) -> bool:
    low = word.lower()
    return low in lex.PERSON_HEADS or low.endswith(("ian", "ean", "ese", "man")) or low in ("scot", "briton", "swede")


def _joined(tokens: list[str]) -> Mention | None:
    """Two or more people named together: "Dame Sara Thornton and Dame Vera Baird QC"."""
    if "and" not in tokens:
        return None
    at = tokens.index("and")
    left, right = tokens[:at], tokens[at + 1 :]
    if not left or not right or not is_cap(right[-1]) or not is_cap(left[-1]):
        return None
    a, b = parse_phrase(" ".join(left)), parse_phrase(" ".join(right))
    if a is None or b is None or a.cls not in ("person", "name") or b.cls not in ("person", "name"):
        return None
    if b.role and not a.role and b.role.split()[0].lower() not in lex.HONORIFICS:
        return None  # "Richard and Judy executive producer Amanda Ross": one person, of a show named "X and Y"
    if "person" not in (a.cls, b.cls) and not (a.role or b.role):
        return None  # "Bush and Blair" is two people; "Marks and Spencer" may be one firm
    return Mention(f"{a.text} and {b.text}", "person", plural=True, parts=(a, b))


def _description(tokens: list[str]) -> Mention | None:
    """A phrase with no name at its end: a body, a group, a document or a description."""
    lows = [t.lower() for t in tokens]
    # The head is the last word before a preposition: "A spokeswoman for the Information Commissioner's Office".
    cut = next(
        (
            i
            for i, w in enumerate(lows)
            if (w in PREPOSITIONS or (w.endswith("ing") and "-" not in w and w not in lex.ING_NOUNS)) and i > 0
        ),
        len(lows),
    )
    head_tokens = tokens[:cut]
    if len(head_tokens) > 1 and head_tokens[-1].lower().endswith("ed") and head_tokens[-2].lower() in lex.DOCUMENTS:
        head_tokens = head_tokens[:-1]  # "A survey conducted on its behalf by NOP": a survey
    head = POSSESSIVE.sub("", head_tokens[-1].lower()) if head_tokens else ""
    if head and head[0].isdigit() and cut < len(tokens) and lows[cut] == "of":
        return Mention(" ".join(tokens), "group", head=lows[-1], plural=True)  # "14% of people aged …"
    if _AGE.fullmatch(head) and lows[0] == "the" and cut == len(tokens):
        return Mention(" ".join(tokens), "desc", head=head)  # "the 36-year-old": someone named before
    if not head or not head[0].isalpha():
        return None
    det = lows[0]
    shown = " ".join(tokens)
    definite = det in ("the", "his", "her", "its", "their") or bool(POSSESSIVE.search(tokens[0]))
    if head in lex.NO_SOURCE:
        return Mention(shown, "nosource", head=head)
    if head in lex.EVIDENCE:
        return None  # "figures show": evidence, not a speaker
    if head in lex.DOCUMENTS:
        return Mention(shown, "doc", head=head)
    if head in lex.SPOKES:
        return Mention(shown, "desc" if definite and cut == len(tokens) else "body", head=head)
    if (
        len(head_tokens) == 2
        and is_cap(head_tokens[0])
        and head_tokens[1].islower()
        and cut < len(tokens)
        and lows[cut].endswith("ing")
        and head not in lex.GROUP_HEADS
    ):
        return None  # "Musiwave provides downloading infrastructure …": a name, a verb and its object
    plural = head.endswith("s") and not head.endswith("ss") and head not in lex.PERSON_HEADS
    if det == "its" and plural and cut == len(tokens):
        return Mention("it", "pronoun")  # "Its makers claim": the organisation "it" stands for
    if det in ("its", "his", "her", "their") and head not in lex.PERSON_HEADS | lex.SPOKES:
        return Mention(shown, "desc", head=head)  # "its board of directors": part of someone named before
    bare = all(w in ("two", "three", "four", "both", "all") or w.isdigit() for w in lows[1 : cut - 1])
    if definite and plural and bare and _singular(head) in lex.ORG_STAND_IN and not is_cap(head_tokens[-1]):
        return Mention(shown, "desc", head=head, plural=True)  # "the companies": those named before, if any
    if plural or head in lex.GROUP_HEADS:
        cls = "org" if is_cap(head_tokens[-1]) else "group"
        return Mention(shown, cls, head=head, plural=True)
    if head in lex.PERSON_HEADS and (definite or det in ("this",)):
        return Mention(shown, "desc", head=head)  # "the Liverpool boss": someone named elsewhere
    if head in lex.ORG_HEADS:
        if definite and cut == len(tokens) and len(tokens) <= 4 and head in lex.ORG_STAND_IN:
            return Mention(shown, "desc", head=head)  # "the (Japanese) company": the organisation named before
        return Mention(shown, "org", head=head)  # "the government", "the Colombian government"
    if definite and any(is_cap(t) for t in head_tokens[1:]):
        return Mention(shown, "org", head=head)
    if det in ("a", "an") and head in lex.CATAPHORIC and cut == len(tokens):
        # "A senior government figure said …", "a committee of MPs": someone the article names next, if at
        # all, unlike "a spokesman", "an analyst" or "a study", which stand as they are.
        return Mention(shown, "nosource", head=head)
    if det in ("a", "an", "one", "another"):
        return Mention(shown, "body", head=head)
    if definite and len(tokens) > 1:
        return Mention(shown, "desc", head=head)  # someone or something named elsewhere, or no one
    return None
