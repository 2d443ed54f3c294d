"""Questions asked by person, answered from the quotations: "What did X say (about Y)?", "Who said …?".

"What did X say about Y?" finds the speakers X names (``directory.find``: by name, a part of one, or a
role) and gives their quotations, closest to Y first, each cited to its paragraph with its speaker; with
no Y, all of them in reading order. A proper name the articles never quote gets "not in these articles"
and that reason, even if they mention it; a description no speaker answers to ("the lead inspector") is
left to the ordinary path, which reads what surrounds each passage. "Who said …?" searches as any
question does and answers with the quotations in the passages that answer it, when their speakers are
known; otherwise the ordinary answer stands.

Every quote is a quotation's exact slice of its paragraph; the words around it ("Wendy Williams said:")
are citeqa's, shown and copied apart from the quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from citeqa.answers.attribution import citations_of
from citeqa.answers.directory import directory
from citeqa.answers.evidence import Evidence
from citeqa.answers.judge import judge
from citeqa.answers.matching import match
from citeqa.answers.query import Query, analyse
from citeqa.answers.search import search
from citeqa.answers.tuning import Tuning
from citeqa.articles.keywords import terms
from citeqa.citations.cite import speaking
from citeqa.index.base import IndexData
from citeqa.index.embed import Embedder
from citeqa.records import ANSWERED, CLOSEST, NOT_FOUND, Answer, Article, Citation, Quotation

_VERBS = (
    r"(?:have\s+to\s+)?say|said|says|tell|told|warn|warned|claim|claimed|argue|argued|add|added|think|thought|"
    r"believe|suggest|suggested|recommend|recommended|admit|admitted|insist|insisted|stress|stressed|predict|"
    r"predicted|reveal|revealed|call|called|describe|described|conclude|concluded|find|found|ask|asked|urge|"
    r"urged|concede|conceded|explain|explained|note|noted|write|wrote|state|stated"
)
_WHAT_DID = re.compile(
    r"^\s*what\s+(?P<else>else\s+)?(?:did|does|do|has|have|had|will|would)\s+(?P<who>[^?,;:]{2,80}?)\s+"
    rf"(?:(?:really|actually|also|publicly|privately|personally|first|previously|recently|originally|later|ever|"
    rf"once|officially)\s+)?(?:{_VERBS})\b(?P<rest>[^?]*)\??\s*$",
    re.IGNORECASE,
)
_WHO_SAID = re.compile(
    r"^\s*who\s+(?:has\s+|had\s+)?(?:said|says|told|warned|claimed|argued|stated|insisted|described|called|"
    r"admitted|predicted|suggested)\b(?P<rest>[^?]+)\??\s*$",
    re.IGNORECASE,
)
_ABOUT = re.compile(r"^\s*(?:about|on|of|regarding|concerning|in\s+relation\s+to|over|when\s+asked\s+about)\b\s*", re.I)
_LEADING = re.compile(r"^(?:the|a|an)\b", re.IGNORECASE)
_NOT_WHO = frozenset("you i we it that this there they he she".split())
# How close a quotation must be to the topic asked about, as the cosine of its closest sentence, unless
# the topic's words are in it.
TOPICAL = 0.3


@dataclass(frozen=True)
class PersonQuestion:
    kind: str  # "said": what did X say (about Y); "who": who said Y
    who: str  # X as the question names them ("" for "who")
    topic: str  # Y, or "" when the question asks for everything X said


def read(question: str) -> PersonQuestion | None:
    """The person and topic of a question asked by person, or None for any other question."""
    match = _WHAT_DID.match(question)
    if match:
        who = match["who"].strip()
        if who.lower() in _NOT_WHO or len(who.split()) > 10 or not re.search(r"\w{2,}", _LEADING.sub("", who)):
            return None
        return PersonQuestion("said", who, _ABOUT.sub("", match["rest"]).strip(" .!"))
    match = _WHO_SAID.match(question)
    if match:
        return PersonQuestion("who", "", match["rest"].strip(" .!"))
    return None


def answer_person(
    asked: PersonQuestion,
    query: Query,
    *,
    data: IndexData,
    evidence: Evidence,
    embedder: Embedder,
    k: int,
    allowed: frozenset[str] | None,
    searched: list[str] | None,
    notes: tuple[str, ...],
    tuning: Tuning,
) -> Answer | None:
    """The answer from the quotations, or None to answer the question the ordinary way; each source
    with what of the question it matches, as in an ordinary answer."""
    if asked.kind == "who":
        found = _who_said(asked, query, data, evidence, embedder, k, allowed, searched, notes, tuning)
    else:
        found = _said_by(asked, query, data, embedder, k, allowed, notes, tuning)
    if found is None:
        return None

    def matched(citation: Citation) -> Citation:
        got = match(query, citation.article, citation.paragraph, citation.text, citation.quote, evidence)
        return replace(citation, matched=got.matched, unmatched=got.unmatched)

    return replace(
        found,
        citations=tuple(matched(c) for c in found.citations),
        closest=tuple(matched(c) for c in found.closest),
    )


def _said_by(
    asked: PersonQuestion,
    query: Query,
    data: IndexData,
    embedder: Embedder,
    k: int,
    allowed: frozenset[str] | None,
    notes: tuple[str, ...],
    tuning: Tuning,
) -> Answer | None:
    """What a person said (about a topic), from their quotations."""
    people = directory(data)
    keys = people.find(asked.who, allowed)
    if not keys:
        if not _names_someone(asked.who) or not people.mentions(asked.who, allowed):
            # "the lead inspector": the ordinary path reads who speaks around each passage; a name the
            # articles never mention at all, it says so ("never mention “Europol”").
            return None
        where = (
            "the articles searched never quote" if people.find(asked.who) and allowed else "the articles never quote"
        )
        return _refusal(query, NOT_FOUND, f"{where} {asked.who}", notes)
    quotations = [q for key in keys for q in people.quotations_of(key, allowed)]
    quotations = [q for q in _outermost(quotations) if not _given(q, query)]
    quotations = [q for q in quotations if not _fragment(q, quotations)]
    names = _listing([people.names[key] for key in keys])
    if not quotations:
        return None  # all of it was given earlier in the conversation: what else the articles say of them
    articles = {a.id: a for a in data.articles}
    total = len(quotations)
    if not asked.topic:
        chosen = quotations[:k]
        more = (f"{names} is quoted {total} times in these articles; the first {k} are given.",) if total > k else ()
        used = _one_per_paragraph(chosen)[: tuning.composition.sentences]
        return _answer(query, used, used + [q for q in chosen if q not in used], articles, notes + more)
    ranked, topical = _by_topic(asked.topic, quotations, data, embedder, tuning)
    if not topical:
        closest = citations_of([q for q, _ in ranked[:k]], articles, scores=None)
        return _refusal(
            query, CLOSEST, f"{names} is quoted in these articles, but not on {asked.topic}", notes, closest
        )
    best = topical[0][1]
    used = [q for q, score in topical if score >= tuning.composition.keep * best][: tuning.composition.sentences]
    used = _with_continuations(used, quotations)
    shown = used + [q for q, _ in ranked if q not in used][: max(0, k - len(used))]
    return _answer(query, used, shown, articles, notes, scores=dict(ranked))


def _refusal(
    query: Query, outcome: str, reason: str, notes: tuple[str, ...], closest: tuple[Citation, ...] = ()
) -> Answer:
    """Not an answer, and why: "Not in these articles: …" or "These passages may not answer it: …"."""
    lead = "Not in these articles" if outcome == NOT_FOUND else "These passages may not answer it"
    return Answer(
        query.question,
        outcome,
        f"{lead}: {reason}.",
        closest=closest,
        reason=reason,
        notes=notes,
        search_query=query.text,
    )


def _who_said(asked, query, data, evidence, embedder, k, allowed, searched, notes, tuning) -> Answer | None:
    """ "Who said Y?": the passages that answer Y, and the quotations in them whose speakers are known."""
    topic = analyse(query.question, asked.topic)
    if not topic.terms:
        return None
    hits = search(data, embedder.encode([asked.topic])[0], topic, k=k, articles=allowed, weights=tuning.weights)
    verdict = judge(topic, hits, evidence, searched=searched, policy=tuning.policy, quoting=tuning.quoting)
    if verdict.outcome != ANSWERED:
        return None
    found: list[tuple[Quotation, float]] = []
    for hit in verdict.answering:
        start, end = hit.passage.sentences[max(range(len(hit.sentence_scores)), key=hit.sentence_scores.__getitem__)]
        for q in directory(data).in_paragraph(hit.passage.article_id, hit.passage.number):
            if q.speaker is not None and q.start < end and start < q.end:
                found.append((q, hit.score))
    if not found:
        return None
    kept = _outermost([q for q, _ in found])
    kept = [q for q in kept if not _fragment(q, kept)]
    found = [(q, s) for q, s in found if q in kept]
    used = [q for q, _ in found][: tuning.composition.sentences]
    articles = {a.id: a for a in data.articles}
    return _answer(query, used, used, articles, notes, scores={q: s for q, s in found})


def _by_topic(
    topic: str, quotations: list[Quotation], data: IndexData, embedder: Embedder, tuning: Tuning
) -> tuple[list[tuple[Quotation, float]], list[tuple[Quotation, float]]]:
    """The quotations by closeness to ``topic`` (their paragraph's fused score and the cosine of their
    closest sentence), and those close enough to be on it."""
    query = analyse(topic)
    vector = embedder.encode([topic])[0]
    ids = frozenset(q.article_id for q in quotations)
    size = sum(1 for p in data.passages if p.article_id in ids) if len(ids) < 50 else len(data.passages)
    hits = {h.passage.id: h for h in search(data, vector, query, k=max(size, 1), articles=ids, weights=tuning.weights)}
    stems = set(query.terms)
    scored: list[tuple[Quotation, float, bool]] = []
    for q in quotations:
        hit = hits.get(f"{q.article_id}#p{q.paragraph}")
        if hit is None:
            scored.append((q, 0.0, False))
            continue
        overlapping = [
            s for (a, b), s in zip(hit.passage.sentences, hit.sentence_scores, strict=True) if a < q.end and q.start < b
        ]
        closest = max(overlapping, default=0.0)
        text = hit.passage.text[q.start : q.end]
        on_topic = closest >= TOPICAL or bool(stems & set(terms(text)))
        scored.append((q, hit.score + closest, on_topic))
    scored.sort(key=lambda x: -x[1])
    return [(q, s) for q, s, _ in scored], [(q, s) for q, s, ok in scored if ok]


def _answer(
    query: Query,
    used: list[Quotation],
    shown: list[Quotation],
    articles: dict[str, Article],
    notes: tuple[str, ...],
    scores: dict[Quotation, float] | None = None,
) -> Answer:
    citations = citations_of(shown, articles, scores)
    # The quote itself exact, as in every answer's text; copies set it inside marks by the styles' rules.
    text = " ".join(f"{speaking(c)} “{c.quote}” [{c.n}]" for c in citations[: len(used)])
    return Answer(
        query.question,
        ANSWERED,
        text,
        citations,
        notes=notes,
        search_query=query.text,
        quoted=tuple(c.n for c in citations[: len(used)]),
    )


def _outermost(quotations: list[Quotation]) -> list[Quotation]:
    """Without a quotation that lies inside another of the same speaker (a quoted phrase inside the
    reported clause that holds it): the clause is quoted whole."""
    out = []
    for q in quotations:
        inside = any(
            o is not q
            and o.article_id == q.article_id
            and o.paragraph == q.paragraph
            and o.speaker == q.speaker
            and o.start <= q.start
            and q.end <= o.end
            and (o.start, o.end) != (q.start, q.end)
            for o in quotations
        )
        if not inside:
            out.append(q)
    return out


def _one_per_paragraph(quotations: list[Quotation]) -> list[Quotation]:
    """The longest quotation of each paragraph, in reading order: an answer that quotes a speaker's every
    paragraph before it quotes one paragraph twice."""
    best: dict[tuple[str, int], Quotation] = {}
    for q in quotations:
        key = (q.article_id, q.paragraph)
        if key not in best or q.end - q.start > best[key].end - best[key].start:
            best[key] = q
    return [q for q in quotations if best[(q.article_id, q.paragraph)] is q]


def _with_continuations(used: list[Quotation], quotations: list[Quotation]) -> list[Quotation]:
    """Each quotation followed by its continuation in the next paragraph, if the speaker's words run on
    there ("…," she said. / "As a result, …"): one quotation, cited to both its paragraphs."""
    out: list[Quotation] = []
    for q in used:
        out.append(q)
        following = next(
            (
                o
                for o in quotations
                if o.article_id == q.article_id
                and o.paragraph == q.paragraph + 1
                and o.kind == "continuation"
                and o.speaker == q.speaker
            ),
            None,
        )
        if following is not None and following not in used and following not in out:
            out.append(following)
    return out


def _fragment(q: Quotation, quotations: list[Quotation]) -> bool:
    """A quoted word or two ("disappointment") beside a fuller quotation of the same speaker in the same
    paragraph, which says more."""
    return (
        q.type == "direct"
        and q.end - q.start < 25
        and any(
            o is not q and o.article_id == q.article_id and o.paragraph == q.paragraph and o.speaker == q.speaker
            for o in quotations
        )
    )


def _given(q: Quotation, query: Query) -> bool:
    pid = f"{q.article_id}#p{q.paragraph}"
    return any(p == pid and s < q.end and q.start < e for p, s, e in query.exclude)


def _names_someone(who: str) -> bool:
    """Whether a question's phrase is a proper name ("Wendy Williams", "the Home Office", "Europol"): its
    words after a leading article all capitalised, but for small joining words."""
    words = [w for w in re.findall(r"[\w’'\-]+", who) if w.lower() not in ("of", "for", "and", "the", "de", "von")]
    return bool(words) and all(w[:1].isupper() for w in words)


def _listing(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ------------------------------------------------------------------------------ ordinary answers


def trusted(asked: PersonQuestion) -> bool:
    """Whether the answer from the quotations stands on its own: "Who said …?" (found from the passages
    that answer it), or the question names someone ("Wendy Williams", "the Home Office") or asks for all a
    speaker said. A description and a topic ("What did
    the inspector say about X?") may mean a speaker other than the one the description fits, so the
    ordinary answer is found too (``prefer``)."""
    return asked.kind == "who" or _names_someone(asked.who) or not asked.topic


def prefer(by_person: Answer | None, ordinary: Answer) -> Answer:
    """The answer from the quotations if the ordinary path agrees on who speaks (its first quote is one of
    theirs) or finds nothing; else the ordinary answer. "The articles never quote X" lists the passages
    the ordinary path found nearest, as not answering it."""
    if by_person is not None and by_person.outcome == NOT_FOUND:
        nearest = ordinary.citations or ordinary.closest
        return replace(by_person, closest=tuple(replace(c, n=n) for n, c in enumerate(nearest, start=1)))
    if by_person is None or by_person.outcome != ANSWERED:
        return ordinary
    if ordinary.outcome != ANSWERED or not ordinary.used:
        return by_person
    speakers = {c.speaker for c in by_person.citations}
    return by_person if ordinary.used[0].speaker in speakers else ordinary
