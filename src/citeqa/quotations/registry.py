"""The names an article uses: full names of people by surname, acronyms, and documents named in full.

Read once per article, before its quotations, so that "Mr Howard" can be the "Michael Howard" named two
paragraphs later as well as before, and "the LSE" the "London Stock Exchange".
"""

from __future__ import annotations

import re

from citeqa.quotations import lexicon as lex
from citeqa.quotations.names import POSSESSIVE, is_acronym, is_cap, words


def name_parts(text: str) -> list[str]:
    """The words of a name without honorifics or possessives, for comparing forms of one name."""
    out = []
    for word in words(text):
        low = POSSESSIVE.sub("", word).lower()
        if low in lex.HONORIFICS or low in ("the",):
            continue
        out.append(low)
    return out


_CAP_RUN = re.compile(
    r"(?:(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Prof|Baroness|Cardinal)\s+)?"
    r"[A-Z][\w'’&#;\-]*(?:\s+(?:(?:de|van|von|der|dal|da|di|du|le|la|del|bin|al)\s+)?[A-Z][\w'’&#;\-]*)+"
)  # two capitalised words or more: a single one is no full name


def article_names(paragraphs: tuple[str, ...]) -> dict[str, list[str]]:
    """Full names of people the article gives, by lower-case surname: "howard" -> ["Michael Howard"].

    A name is a run of two or more capitalised words, after any role words before it ("Prime Minister
    Tony Blair" gives "Tony Blair"), that has no word of an organisation's name.
    """
    found: dict[str, list[str]] = {}
    for paragraph in paragraphs:
        for match in _CAP_RUN.finditer(paragraph):
            raw = match.group(0).split()
            last_possessive = max((i for i, t in enumerate(raw[:-1]) if POSSESSIVE.search(t)), default=-1)
            tokens = [POSSESSIVE.sub("", t) for t in raw[last_possessive + 1 :]]
            while tokens and is_acronym(tokens[0]) and len(tokens[0]) > 2:
                tokens = tokens[1:]  # "BBC Paul Reynolds"; but "JK Rowling" keeps its initials
            while tokens and (
                tokens[0].lower() in lex.ROLE_WORDS
                or tokens[0].lower() in lex.PREFIX_WORDS
                or tokens[0].lower() in lex.ATTRIBUTING  # "Said Mr Fogg" opening a sentence
                or tokens[0].lower() in ("the", "a", "an")
            ):
                tokens = tokens[1:]
            offices = [i for i, t in enumerate(tokens[:-1]) if t.lower() in lex.ROLE_WORDS]
            if offices and tokens[0].lower() not in lex.HONORIFICS:
                tokens = tokens[offices[-1] + 1 :]  # "First Minister Jack McConnell": the name after the office
            honorific = next((i for i, t in enumerate(tokens) if t.lower() in lex.HONORIFICS), None)
            if honorific is not None:
                tokens = tokens[honorific + 1 :]  # "Mr Ebbers"; "on Tuesday Mr Ebbers": the day is no name
            elif len(tokens) > 2 and _AFTER_OF.search(paragraph, 0, match.start()):
                tokens = tokens[-2:]  # "Inspector of Constabulary Wendy Williams": the office's last word, a name
            if len(tokens) < 2 or len(tokens) > 5:
                continue
            lows = [t.lower() for t in tokens]
            if any(w in lex.ORG_CUES or w in lex.ROLE_WORDS for w in lows) or any(is_acronym(t) for t in tokens[1:]):
                continue
            key = lows[-1]
            full = " ".join(tokens)
            names = found.setdefault(key, [])
            if full not in names:
                names.append(full)
    return found


_AFTER_OF = re.compile(r"\b(?:of|for)\s+$")
_ACRONYM = re.compile(r"\(([A-Z]{2,8})\)")
_INITIALS_CONNECTORS = ("of", "and", "the", "for", "on", "in", "&")


def acronyms(paragraphs: tuple[str, ...]) -> dict[str, str]:
    """Acronyms the article spells out: "Full Name (FN)", or a name whose initials they are ("LSE" for
    "London Stock Exchange")."""
    out: dict[str, str] = {}
    for paragraph in paragraphs:
        for match in _CAP_RUN.finditer(paragraph):
            tokens = match.group(0).split()
            if len(tokens) < 2:
                continue
            initials = "".join(t[0] for t in tokens if t.lower() not in _INITIALS_CONNECTORS)
            if len(initials) >= 2:
                out.setdefault(initials.upper(), " ".join(tokens))
        for match in _ACRONYM.finditer(paragraph):
            tokens = paragraph[max(0, match.start() - 120) : match.start()].split()
            start = len(tokens)
            while start > 0 and (is_cap(tokens[start - 1]) or tokens[start - 1] in _INITIALS_CONNECTORS):
                start -= 1
            while start < len(tokens) and tokens[start] in _INITIALS_CONNECTORS:
                start += 1
            if start < len(tokens):
                out[match.group(1)] = " ".join(tokens[start:])
    return out


_NAMED_DOCUMENT = re.compile(r"\b[Tt]he\s+((?:[A-Z][\w'’\-]*\s+){1,6})(" + "|".join(sorted(lex.DOCUMENTS)) + r")\b")


def documents(paragraphs: tuple[str, ...]) -> dict[str, str]:
    """The one document of each kind the article names by a proper name ("the HMICFRS report"), by its
    head word: "a watchdog report" earlier in the article is that report."""
    found: dict[str, set[str]] = {}
    for paragraph in paragraphs:
        for match in _NAMED_DOCUMENT.finditer(paragraph):
            found.setdefault(match.group(2), set()).add(f"the {match.group(1)}{match.group(2)}")
    return {head: next(iter(forms)) for head, forms in found.items() if len(forms) == 1}
