"""A build's three vector sets, and the model runs that make them.

One model run per paragraph gives both the paragraph's vector and its sentences': a sentence's vector
is the mean of its own tokens as the model read them in the paragraph (late chunking), so a sentence
that says "she" is read with the names around it, and costs no run of its own.

The in-context vector is not a model run either. It is the mean of the unit vectors of the article's
headline, the paragraph before (the standfirst, before the first) and the paragraph, weighted by their
lengths as the model's window would read them together: of a long previous paragraph only what fits
in ``CONTEXT_CHARS`` counts. A build so runs the model about once per paragraph, plus once or twice
per article for its headline and standfirst.

Vectors are kept and found again by key, so that what is at hand (a previous build, an interrupted
one) is never embedded twice: ("passage", paragraph), ("sentence", span and paragraph), ("heading",
headline or standfirst) and ("context", headline, previous paragraph and paragraph).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from citeqa.index.embed import Embedder
from citeqa.records import STANDFIRST, Article, Passage

KINDS = ("passage", "context", "sentence")  # the vector sets of a build
# About 200 word pieces of English news: what of the headline, previous paragraph and paragraph the
# model would read together within its 256.
CONTEXT_CHARS = 900

Key = tuple[str, str]  # (kind, key text)
Lookup = Callable[[Key], "np.ndarray | None"]


@dataclass(frozen=True)
class Run:
    """One text through the model: a paragraph with its sentences' spans, or a heading."""

    kind: str  # "passage" or "heading"
    text: str
    spans: tuple[tuple[int, int], ...] = ()


def keys(articles: Iterable[Article], passages: Sequence[Passage]) -> dict[str, list[str]]:
    """The key of each row of each vector set."""
    by_id = {a.id: a for a in articles}
    return {
        "passage": [p.text for p in passages],
        "context": [_context_key(by_id[p.article_id], p.number) for p in passages],
        "sentence": [_sentence_key(p.text, span) for p in passages for span in p.sentences],
    }


def runs(articles: Iterable[Article], passages: Sequence[Passage], lookup: Lookup) -> list[Run]:
    """The model runs still needed for the vectors of ``passages``, given those ``lookup`` finds."""
    by_id = {a.id: a for a in articles}
    needed: dict[Key, Run] = {}
    for p in passages:
        if lookup(("passage", p.text)) is None or any(
            lookup(("sentence", _sentence_key(p.text, span))) is None for span in p.sentences
        ):
            needed.setdefault(("passage", p.text), Run("passage", p.text, p.sentences))
        article = by_id[p.article_id]
        if lookup(("context", _context_key(article, p.number))) is None:
            # Before the first paragraph, what comes before is a heading's vector (standfirst, subtitle).
            headings = (_headline(article), _previous(article, p.number) if p.number <= 1 else "")
            for text in headings:
                if text and lookup(("heading", text)) is None:
                    needed.setdefault(("heading", text), Run("heading", text))
    return list(needed.values())


def embed(embedder: Embedder, batch: Sequence[Run], *, background: bool = True) -> dict[Key, np.ndarray]:
    """The vectors ``batch`` gives, by key."""
    paragraphs = [r for r in batch if r.kind == "passage"]
    headings = [r for r in batch if r.kind == "heading"]
    out: dict[Key, np.ndarray] = {}
    if paragraphs:
        texts, spans = [r.text for r in paragraphs], [r.spans for r in paragraphs]
        vectors, sentences = embedder.encode_spans(texts, spans, background=background)
        for run, vector, rows in zip(paragraphs, vectors, sentences, strict=True):
            out[("passage", run.text)] = vector
            out |= {("sentence", _sentence_key(run.text, span)): v for span, v in zip(run.spans, rows, strict=True)}
    if headings:
        vectors = embedder.encode([r.text for r in headings], background=background)
        out |= {("heading", r.text): v for r, v in zip(headings, vectors, strict=True)}
    return out


def matrices(
    articles: Iterable[Article], passages: Sequence[Passage], lookup: Lookup, dim: int
) -> dict[str, np.ndarray]:
    """The three vector sets of ``passages``, row by row, from vectors ``lookup`` finds (every one
    ``runs`` asked for has been embedded); missing in-context vectors are composed."""
    by_id = {a.id: a for a in articles}
    rows = keys(by_id.values(), passages)
    out = {kind: _stack([_found(lookup, (kind, key)) for key in rows[kind]], dim) for kind in ("passage", "sentence")}
    contexts = [lookup(("context", key)) for key in rows["context"]]
    for row, p in enumerate(passages):
        if contexts[row] is None:
            contexts[row] = _compose(by_id[p.article_id], p.number, lookup)
    out["context"] = _stack(contexts, dim)
    return out


def _stack(rows: list[np.ndarray], dim: int) -> np.ndarray:
    return np.stack(rows).astype(np.float32, copy=False) if rows else np.zeros((0, dim), np.float32)


def _compose(article: Article, number: int, lookup: Lookup) -> np.ndarray:
    headline, paragraph = _headline(article), article.text(number) or ""
    previous = _previous(article, number)
    parts = [
        (len(headline), _found(lookup, ("heading", headline))),
        (len(paragraph), _found(lookup, ("passage", paragraph))),
    ]
    room = min(len(previous), CONTEXT_CHARS - len(headline) - len(paragraph))
    if previous and room > 0:
        parts.append((room, _found(lookup, ("passage" if number > 1 else "heading", previous))))
    total = sum(weight * vector for weight, vector in parts)
    return (total / max(float(np.linalg.norm(total)), 1e-12)).astype(np.float32)


def _found(lookup: Lookup, key: Key) -> np.ndarray:
    vector = lookup(key)
    if vector is None:
        raise KeyError(f"no vector for {key[0]} {key[1][:60]!r}: it was not embedded")
    return vector


def _headline(article: Article) -> str:
    return article.title + "."


def _previous(article: Article, number: int) -> str:
    """What a reader has just read before paragraph ``number``: the paragraph before it, or before the
    first, the standfirst or subtitle; before the standfirst, the subtitle."""
    if number > 1:
        return article.paragraphs[number - 2]
    if number == 1:
        return article.standfirst or article.subtitle or ""
    return (article.subtitle or "") if number == STANDFIRST else ""


def _context_key(article: Article, number: int) -> str:
    return "\n".join((_headline(article), _previous(article, number), article.text(number) or ""))


def _sentence_key(text: str, span: tuple[int, int]) -> str:
    return f"{span[0]}:{span[1]}\n{text}"
