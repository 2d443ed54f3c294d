"""Who speaks in a citation: the quotation its quote is part of, and quotations given as citations.

An ordinary answer's citation carries the speaker (and role) of the quotation its quote lies within
(``with_speakers``); the people path and the browsing of a person's quotations give each quotation as a
citation of its paragraph, the quote its exact slice (``citations_of``, ``quotations_of``).
"""

from __future__ import annotations

from dataclasses import replace

from citeqa.answers.directory import directory
from citeqa.index.base import IndexData
from citeqa.quotations.saying import said
from citeqa.records import Answer, Article, Citation, Quotation


def citations_of(
    quotations: list[Quotation], articles: dict[str, Article], scores: dict[Quotation, float] | None
) -> tuple[Citation, ...]:
    out = []
    for n, q in enumerate(quotations, start=1):
        article = articles[q.article_id]
        text = article.paragraphs[q.paragraph - 1]
        score = round(scores.get(q, 0.0), 4) if scores else 0.0
        shown = said(q) if q.speaker is not None else None
        out.append(
            Citation(
                n=n,
                article=article,
                paragraph=q.paragraph,
                text=text,
                quote=text[q.start : q.end],
                quote_start=q.start,
                score=score,
                speaker=q.speaker,
                role=q.role,
                said=shown,
            )
        )
    return tuple(out)


def with_speakers(answer: Answer, data: IndexData) -> Answer:
    """``answer`` with the speaker of each citation whose quote is (part of) quotations of one known
    speaker: every letter and figure of the quote inside them."""

    def attributed(citation: Citation) -> Citation:
        if citation.speaker is not None:
            return citation
        found = speaker_of(citation, directory(data).in_paragraph(citation.article.id, citation.paragraph))
        if found is None:
            return citation
        return replace(citation, speaker=found.speaker, role=found.role, said=said(found))

    return replace(
        answer,
        citations=tuple(attributed(c) for c in answer.citations),
        closest=tuple(attributed(c) for c in answer.closest),
    )


def speaker_of(citation: Citation, quotations: list[Quotation]) -> Quotation | None:
    """The quotation whose speaker a citation's quote is the words of, if one speaker's quotations hold
    every letter and figure of it (the quotation marks and spaces around them aside)."""
    start, end = citation.quote_start, citation.quote_end
    letters = [i for i in range(start, end) if citation.text[i].isalnum()]
    if not letters:
        return None
    by_speaker: dict[str, list[Quotation]] = {}
    for q in quotations:
        if q.speaker is not None and q.start < end and start < q.end:
            by_speaker.setdefault(q.speaker, []).append(q)
    for qs in by_speaker.values():
        if all(any(q.start <= i < q.end for q in qs) for i in letters):
            return max(qs, key=lambda q: min(q.end, end) - max(q.start, start))
    return None


def quotations_of(
    data: IndexData, *, keys: list[str] | None = None, allowed: frozenset[str] | None = None
) -> tuple[Citation, ...]:
    """The quotations of the speakers ``keys`` (None: every quotation, with a speaker or not) in the
    articles ``allowed`` (None: all), in reading order, each as a citation of its paragraph."""
    people = directory(data)
    if keys is None:
        chosen = [q for q in data.quotations if allowed is None or q.article_id in allowed]
    else:
        rows = sorted({r for key in keys for r in people.rows(key, allowed)})
        chosen = [data.quotations[r] for r in rows]
    return citations_of(chosen, {a.id: a for a in data.articles}, scores=None)
