"""Resolving a speaker within its article: pronouns, descriptions, surnames and acronyms.

"he said" is the person last named as speaking or as a sentence's subject; "they" the people or group last
named together; "it" the organisation or document last named. "the mayor" is the person the article gave
that role; "the company" the organisation last named. "Mr Howard" is the "Michael Howard" the article names
(when only one person of that surname is named); "the LSE" is the "London Stock Exchange" it spells out.
When none of these holds, the speaker is unknown: a name is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citeqa.quotations import lexicon as lex
from citeqa.quotations.names import Mention, parse_phrase
from citeqa.quotations.registry import acronyms, article_names, documents, name_parts

NAMED, PRONOUN, CONTINUATION, UNKNOWN = "named", "pronoun", "continuation", "unknown"
LOOK_BACK = 12  # entities remembered for pronouns: about the last few sentences' subjects and speakers


@dataclass(frozen=True)
class Speaker:
    """A speaker as resolved: the name shown, its role, how it was found, and what kind of entity it is."""

    name: str | None
    role: str | None
    kind: str
    cls: str = ""
    plural: bool = False
    gender: str | None = None
    head: str = ""
    reported: bool = False  # named only inside what someone was reported to say: no antecedent of "he"
    verb: str = ""  # the verb of saying that attributed a quotation to this speaker, as the article gives it


UNKNOWN_SPEAKER = Speaker(None, None, UNKNOWN)


class Resolver:
    """The speakers and subjects met so far in one article, in order."""

    def __init__(self, paragraphs: tuple[str, ...]) -> None:
        self.paragraphs = paragraphs
        self.names = article_names(paragraphs)
        self._acronyms: dict[str, str] | None = None  # read when first needed: most articles need none
        self.fuller_documents = documents(paragraphs)
        self.proper = _proper_words(paragraphs)
        self.text = "\n".join(paragraphs)
        self.history: list[Speaker] = []
        self.roles: dict[str, str] = {}  # first role given to each speaker
        self.genders: dict[str, str] = {}  # the sex each person's name, title or pronoun has told
        self.document: str | None = None  # the first document quoted: "the report" later means it
        # The person an article is about, whom "the actor" or "the American" stands for: the person whose
        # full name opens it, else the first person named as a sentence's subject in the first paragraph.
        self.protagonist: Speaker | None = _opening_person(paragraphs)
        self.paragraph = 0

    # -------------------------------------------------------------------------------- resolution

    def resolve(self, mention: Mention | None) -> Speaker:
        """The speaker ``mention`` stands for, or UNKNOWN_SPEAKER."""
        if mention is None or mention.cls == "nosource":
            return UNKNOWN_SPEAKER
        if mention.cls == "pronoun":
            return self._pronoun(mention.text)
        if mention.cls == "desc":
            return self._description(mention)
        if mention.parts:
            parts = [self._named(p) for p in mention.parts]
            roles = [p.role for p in parts]
            if mention.role and not roles[-1]:  # "X and Y, Victims' Commissioner,": the appositive is Y's
                roles[-1] = mention.role
            role = " and ".join(r for r in roles if r) or None
            return Speaker(" and ".join(p.name for p in parts if p.name), role, NAMED, "person", True)
        return self._named(mention)

    def _named(self, mention: Mention) -> Speaker:
        name, cls = mention.text, mention.cls
        if cls in ("person", "name", "org"):
            full = self._full_name(name)
            if full:
                name, cls = full, "person"
            elif cls in ("org", "name"):
                expanded = self._acronym(name)
                if expanded:
                    name, cls = expanded, "org"
        if cls == "doc":
            if self.document is None:
                self.document = self.fuller_documents.get(mention.head, name) if not _definite(name) else name
            elif _definite(name) and mention.head in lex.REPORT_FAMILY:
                name = self.document
        elif cls in ("org", "group", "body") and _definite(name):
            # "the Google team" after "Google's security team"; "The commissioners" after "Dame Sara
            # Thornton and Dame Vera Baird QC, Victims' Commissioner".
            earlier = self._earlier_form(name, mention)
            if earlier is not None:
                return Speaker(
                    earlier.name,
                    earlier.role,
                    PRONOUN if earlier.plural and earlier.cls == "person" else NAMED,
                    earlier.cls,
                    earlier.plural,
                    earlier.gender,
                    earlier.head,
                )
        role = mention.role or self.roles.get(name.lower())
        if mention.role and not any(w in _NOT_ROLE for w in mention.role.lower().split()):
            self.roles.setdefault(name.lower(), mention.role)
        gender = mention.gender or next((s.gender for s in reversed(self.history) if s.name == name and s.gender), None)
        return Speaker(name, role, NAMED, cls, mention.plural, gender, mention.head)

    def _may_be_person(self, speaker: Speaker) -> bool:
        """A single capitalised name may be a person's ("Edu", "Benitez") or a firm's ("Microsoft"): it is
        taken for a person when the article gives a person that surname or gives the name a role."""
        name = speaker.name.lower()
        return name in self.proper and (name in self.names or bool(speaker.role))

    def _earlier_form(self, name: str, mention: Mention) -> Speaker | None:
        words = {w for w in name_parts(name) if w != mention.head}
        head = mention.head.rstrip("s")
        for speaker in reversed(self.history):
            if speaker.name is None or speaker.name == name:
                continue
            if mention.plural and speaker.plural and speaker.cls == "person" and _has_role(speaker.role, {head}):
                return speaker
            if (
                speaker.head == mention.head
                and speaker.cls in ("org", "body", "group")
                and (words <= set(name_parts(speaker.name)) if words else not speaker.plural and not mention.plural)
            ):
                return speaker  # "the committee" after "the Commons science and technology committee"
        return None

    def _full_name(self, name: str) -> str | None:
        parts = name_parts(name)
        title = name.split()[0].lower() if " " in name else ""
        if len(parts) == 1 and title in ("sir", "dame", "lord", "lady"):
            # "Sir John" after "Sir John Stevens", "Dame Sara" after "Dame Sara Thornton".
            by_first = {full for names in self.names.values() for full in names if full.split()[0].lower() == parts[0]}
            titled = {full for full in by_first if f"{name.split()[0]} {full}" in self.text}
            if len(titled) == 1:
                return f"{name.split()[0]} {titled.pop()}"
        if not parts or any(p in lex.ORG_CUES for p in parts):
            return None
        candidates = [c for c in self.names.get(parts[-1], []) if all(p in name_parts(c) for p in parts)]
        if not candidates and len(parts) == 1 and not title:
            # "Glenn said" after "Glenn Campbell": the one full name the article gives with that first name.
            firsts = {c for names in self.names.values() for c in names if name_parts(c)[:1] == parts}
            return firsts.pop() if len(firsts) == 1 else None
        if not candidates:
            return None
        longest = max(candidates, key=lambda c: len(c.split()))
        # Two different people of one surname ("Gary Neville", "Phil Neville"): the name stays as written.
        if not all(set(name_parts(c)) <= set(name_parts(longest)) for c in candidates):
            return None
        return longest

    def _acronym(self, name: str) -> str | None:
        core = name.removeprefix("the ").removeprefix("The ").strip()
        if not (core.isupper() and core.isalpha()):
            return None
        if self._acronyms is None:
            self._acronyms = acronyms(self.paragraphs)
        return "the " + self._acronyms[core] if core in self._acronyms else None

    def _pronoun(self, word: str) -> Speaker:
        if word in ("he", "she"):
            want = {"he": "m", "she": "f"}[word]
            found = self._last(
                lambda s: (
                    _person_like(s)
                    and not s.plural
                    and self.genders.get(s.name, s.gender) in (None, want)
                    and not s.reported
                    and (s.cls != "name" or self._may_be_person(s))
                )
            )
        elif word == "they":
            found = self._last(lambda s: s.plural and not s.reported)
        elif word == "it":
            found = self._last(
                lambda s: (
                    (s.cls in ("org", "doc", "name") or (s.cls == "body" and s.head in lex.ORG_HEADS | lex.DOCUMENTS))
                    and not s.plural
                    and not s.reported
                )
            )
        else:
            found = None
        if found is None or found.name is None:
            return UNKNOWN_SPEAKER
        # "she said" tells the sex of the person it stands for: "he" later is someone else.
        gender = found.gender or {"he": "m", "she": "f"}.get(word)
        return Speaker(found.name, found.role, PRONOUN, found.cls, found.plural, gender, found.head)

    def _description(self, mention: Mention) -> Speaker:
        head = mention.head
        owner = _OWNER.match(mention.text)
        if owner and head in _AGENTS:
            # "her spokesman", "his lawyer": named after whom "her" or "his" stands for ("Kim Clijsters'
            # spokesman"), as the article names no one else.
            word = owner.group(1).lower()
            whose = self._pronoun({"his": "he", "her": "she", "its": "it", "their": "they"}[word])
            sex = {"his": "m", "her": "f"}.get(word)
            known = self.genders.get(whose.name) if whose.name else None
            if whose.name is None or (sex and known != sex and not self._is_protagonist(whose, known)):
                # Whose spokesman is not certain unless the article gives their sex, or "his" or "her" is
                # the person the article is about, of no other sex.
                return UNKNOWN_SPEAKER
            mark = "’" if "’" in self.text and "'" not in self.text else "'"
            name = f"{whose.name}{mark}" if whose.name.endswith("s") else f"{whose.name}{mark}s"
            return Speaker(f"{name} {mention.text[owner.end() :]}", None, NAMED, "body", head=head)
        # "the alliance" after "the Countryside Alliance", "the committee" after "the … committee": the
        # organisation named earlier whose name ends in that word.
        named = self._last(
            lambda s: s.cls in ("org", "name", "body") and not s.plural and s.name.lower().split()[-1] == head,
            far=True,
        )
        if named is not None and head not in lex.PERSON_HEADS and head not in lex.SPOKES:
            return Speaker(named.name, named.role, PRONOUN, named.cls, named.plural, named.gender, named.head)
        if head in ("spokesman", "spokeswoman", "spokesperson", "official", "representative", "aide"):
            found = self._last(lambda s: s.head == head and s.cls == "body", far=True)
            if found is None and _OWNED.search(mention.text):
                # "the prime minister's official spokesman": the phrase names whose, as "a spokesman" does.
                return Speaker(mention.text, None, NAMED, "body", head=head)
            kind = NAMED
        elif mention.plural:
            # "The companies", "the two firms": the organisations named together before, if they were.
            found = self._last(lambda s: s.plural and " and " in (s.name or "") and s.cls in ("org", "person"))
            kind = PRONOUN
        elif head in lex.ORG_HEADS:
            # "the company": an organisation the article called a company (or a maker, a firm…), else the
            # organisation last named.
            found = (
                self._last(
                    lambda s: s.cls in ("org", "name") and _has_role(s.role, lex.ORG_STAND_IN | {head}), far=True
                )
                or self._main_organisation()
            )
            kind = PRONOUN
        else:
            heads = _SAME_OFFICE.get(head, {head})
            found = self._last(lambda s: s.cls in ("person", "name") and _has_role(s.role, heads), far=True)
            if found is None and head in lex.ROLE_WORDS:
                found = self._titled(head)
            if found is None and head in lex.ROLE_WORDS and len(mention.text.split()) <= 3:
                # "The prime minister told …" in a story about Tony Blair, who was named last: him.
                last = self._last(lambda s: s.cls == "person" and not s.plural and not s.reported)
                if last is not None and self.protagonist is not None and last.name == self.protagonist.name:
                    found = last
            if found is None and (
                head in lex.PROTAGONIST_HEADS
                or head in _SAME_OFFICE.get("boss", ())
                or head.endswith(("-year-old", "ian", "ean", "ese"))
                or head.startswith(("ex-", "former-"))
                or head in ("american", "briton", "scot", "frenchman", "dutchman", "swede")
            ):
                found = self.protagonist
            kind = PRONOUN
        if found is None or found.name is None:
            return UNKNOWN_SPEAKER
        return Speaker(found.name, found.role, kind, found.cls, found.plural, found.gender, found.head)

    def _is_protagonist(self, speaker: Speaker, known: str | None) -> bool:
        """The person the article is about, whose sex the article has not told."""
        return self.protagonist is not None and speaker.name == self.protagonist.name and known is None

    def _titled(self, head: str) -> Speaker | None:
        """ "the president" in an article that names one person "President Saakashvili": that person."""
        title = head[:1].upper() + head[1:]
        found = set()
        for match in re.finditer(rf"\b{re.escape(title)}\s+((?:[A-Z][\w'’\-]+\s?){{1,3}})", self.text):
            name = match.group(1).strip()
            found.add(self._full_name(name) or name)
        if len(found) != 1:
            return None
        return Speaker(found.pop(), title, PRONOUN, "person")

    def _main_organisation(self) -> Speaker | None:
        """The organisation "the company" or "the firm" stands for when no other is called that: of those
        named recently, the one the article names most often (a story's own company), the latest on a tie."""
        recent = [s for s in self.history[-LOOK_BACK:] if s.cls in ("org", "name") and not s.plural and s.name]
        if not recent:
            return None
        counts = {s.name: self.text.count(s.name.removeprefix("the ")) for s in recent}
        return max(reversed(recent), key=lambda s: counts[s.name])

    def _last(self, wanted, far: bool = False) -> Speaker | None:
        window = self.history if far else self.history[-LOOK_BACK:]
        for speaker in reversed(window):
            if wanted(speaker):
                return speaker
        return None

    # ---------------------------------------------------------------------------------- history

    def note(self, speaker: Speaker, *, reported: bool = False) -> None:
        """Remember a speaker or a sentence's subject, for the pronouns after it (``reported``: named only
        inside what someone is reported to have said: "the company" may stand for it, "he" may not)."""
        if speaker.name is not None:
            if speaker.gender and speaker.cls in ("person", "name"):
                self.genders[speaker.name] = speaker.gender
            if reported:
                speaker = Speaker(
                    speaker.name,
                    speaker.role,
                    speaker.kind,
                    speaker.cls,
                    speaker.plural,
                    speaker.gender,
                    speaker.head,
                    reported=True,
                )
            self.history.append(speaker)
            if (
                self.protagonist is None
                and self.paragraph <= 1
                and not speaker.plural
                and (speaker.cls == "person" or (speaker.cls == "name" and speaker.role))
            ):
                self.protagonist = speaker


# Heads that name one office in news usage: "the Old Trafford boss" is the "Manchester United manager".
_OFFICES = (
    frozenset("boss manager coach gaffer".split()),
    frozenset("chief head boss leader".split()),
    frozenset("chairman chairwoman chair chairperson".split()),
    frozenset("spokesman spokeswoman spokesperson".split()),
)
_SAME_OFFICE = {head: set().union(*(o for o in _OFFICES if head in o)) for group in _OFFICES for head in group}
_OWNED = re.compile(r"\w['’]s?\s")  # a possessive inside a phrase: "the prime minister's spokesman"
_OWNER = re.compile(r"(his|her|its|their)\s+", re.IGNORECASE)
# Who speaks for someone: "her spokesman", "his lawyer".
_AGENTS = lex.SPOKES | frozenset("lawyer lawyers solicitor barrister attorney agent publicist representatives".split())
_NOT_ROLE = frozenset("why what how when where whether if that which who is was are were has had".split())
_CAPITAL_INSIDE = re.compile(r"(?<=[\w,;:'’)] )([A-Z][\w'’\-]*)")


_OPENING_NAME = re.compile(r"((?:[A-Z][\w'’\-]+\s+){2,4})([a-z][\w\-]*)")


def _opening_person(paragraphs: tuple[str, ...]) -> Speaker | None:
    """The person whose full name opens the article ("Jonny Wilkinson looks set to miss …"): whom "the
    fly-half" stands for even when no verb after the name is one the rules read."""
    match = _OPENING_NAME.match(paragraphs[0]) if paragraphs else None
    if (
        match is None
        or match.group(2) in lex.PERSON_HEADS | lex.ORG_HEADS
        or match.group(1).split()[0].lower() in ("former", "ex", "veteran", "retired", "late", "new")
    ):
        return None  # "Former Olympic champion Michael Johnson", "Former Australian wing …": a role first
    mention = parse_phrase(match.group(1).strip())
    if mention is None or mention.cls != "person" or mention.role or mention.plural:
        return None
    return Speaker(mention.text, None, NAMED, "person", gender=mention.gender, head=mention.head)


def _proper_words(paragraphs: tuple[str, ...]) -> frozenset[str]:
    """Capitalised words the article uses inside a sentence: names, not common words that open one
    ("Oil prices rose": "Oil" is no one "he" could be)."""
    return frozenset(
        m.group(1).lower().removesuffix("'s").removesuffix("’s")
        for p in paragraphs
        for m in _CAPITAL_INSIDE.finditer(p)
    )


def _definite(name: str) -> bool:
    return name.lower().startswith(("the ", "this ", "its ", "their "))


_PREPOSITION = re.compile(r"\s(?:of|for|at|from|in|on|with)\s.*$")


def _has_role(role: str | None, heads: set[str] | frozenset[str]) -> bool:
    """Whether a role's head word ("mayor" in "London mayor", "chief" in "head of Tiga"'s "head") is one
    of ``heads``; each comma-separated part of the role has its own head."""
    if not role:
        return False
    for part in role.lower().split(","):
        part = _PREPOSITION.sub("", " " + part.strip())
        tokens = part.split()
        if tokens and tokens[-1].rstrip("s") in heads | {h.rstrip("s") for h in heads}:
            return True
    return False


def _person_like(speaker: Speaker) -> bool:
    """Who "he" or "she" may stand for: a person, a single name, or a spokesman."""
    return speaker.cls in ("person", "name") or (
        speaker.cls == "body" and speaker.head in lex.PERSON_HEADS | lex.SPOKES
    )
