"""Finding articles by their words: every word asked for in the headline, outlet, author, section or
body, ranked by BM25 (bm25s), with the words shown where they are in a one-line snippet.

Words are matched as the keyword index matches them (keywords.py: stemmed, English stop words out),
after folding case and accents, so "Société" is found by "societe" and "rises" by "rise". An article's
words are worked out once and kept while it is unchanged, so a new index of a changed collection only
reads the articles that changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from citeqa.articles import keywords
from citeqa.records import Article

SNIPPET_CHARS = 180  # about one line of the collection panel, or of a terminal
_WORD = re.compile(keywords.TOKEN_PATTERN)


def fold(text: str) -> str:
    """Lower case without accents, for matching: "Société" finds "societe"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _NON_ASCII.sub(_drop_combining, decomposed)  # a Python call per character outside ASCII only


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _drop_combining(match: re.Match[str]) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


@dataclass(frozen=True)
class Words:
    """An article's stemmed terms: of its headline and other metadata, and of its body, in order."""

    key: tuple[str, str, str | None]  # (id, sha256, section): what they were worked out from
    header: tuple[str, ...]
    body: tuple[str, ...]


@dataclass(frozen=True)
class Snippet:
    """One line of an article around the words asked for; ``marks`` are the [start, end) offsets of
    those words in ``text``, which is an exact slice of the article's headline or a paragraph, with
    "…" before or after where it was cut."""

    text: str
    marks: tuple[tuple[int, int], ...]


def words_of(articles: Sequence[Article], known: Mapping[tuple, Words] | None = None) -> list[Words]:
    """The words of each article; those ``known`` holds under the same key are reused."""
    known = known or {}
    out: list[Words | None] = [known.get(_key(a)) for a in articles]
    todo = [i for i, found in enumerate(out) if found is None]
    if todo:
        texts = [_header(articles[i]) for i in todo] + ["\n".join(articles[i].paragraphs) for i in todo]
        terms = _tokens([fold(text) for text in texts])
        for n, i in enumerate(todo):
            out[i] = Words(_key(articles[i]), tuple(terms[n]), tuple(terms[len(todo) + n]))
    return out  # type: ignore[return-value]


def _key(article: Article) -> tuple[str, str, str | None]:
    return article.id, article.sha256, article.section


def _header(article: Article) -> str:
    return "\n".join(filter(None, (article.title, article.outlet, article.author, article.section)))


def _tokens(texts: list[str]) -> list[list[str]]:
    return bm25s.tokenize(
        texts,
        token_pattern=keywords.TOKEN_PATTERN,
        stopwords=keywords.STOPWORDS,
        stemmer=keywords._stemmer(),
        return_ids=False,
        show_progress=False,
    )


def query_terms(text: str) -> list[str]:
    """The distinct terms of what was typed, in its order."""
    return list(dict.fromkeys(keywords.terms(fold(text))))


class Finder:
    """A BM25 index of whole articles (headline, outlet, author, section and body)."""

    def __init__(self, words: Sequence[Words]) -> None:
        self.size = len(words)
        self._bm25 = bm25s.BM25()
        if words:
            self._bm25.index([[*w.header, *w.body] for w in words], show_progress=False)

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """Each article's BM25 score for ``terms``, or -1 for an article that lacks any of them."""
        total = np.zeros(self.size, np.float32)
        vocabulary = self._bm25.vocab_dict if self.size else {}
        for term in terms:
            if term not in vocabulary:
                return np.full(self.size, -1.0, np.float32)
            score = np.asarray(self._bm25.get_scores([term]), np.float32)
            total = np.where((score > 0) & (total >= 0), total + score, -1.0)
        return total


def snippet(article: Article, terms: Sequence[str], size: int = SNIPPET_CHARS) -> Snippet | None:
    """The paragraph of ``article`` that shows most of ``terms`` (the earliest of equals), else its
    headline, cut to about ``size`` characters around their first; None if they are in neither."""
    wanted = frozenset(terms)
    best: tuple[int, str, list[tuple[int, int]]] | None = None
    for text in (*article.paragraphs, article.title):
        if best is not None and text is article.title:
            break  # the headline is shown above the snippet already: only when no paragraph has the words
        marks = _matches(text, wanted)
        found = len({fold(text[a:b]) for a, b in marks})
        if marks and (best is None or found > best[0]):
            best = (found, text, marks)
            if found == len(wanted):
                break
    if best is None:
        return None
    _, text, marks = best
    return _cut(text, marks, size)


def _matches(text: str, wanted: frozenset[str]) -> list[tuple[int, int]]:
    spans = [m.span() for m in _WORD.finditer(text)]
    if not spans:
        return []
    stems = keywords._stemmer().stemWords([fold(text[a:b]) for a, b in spans])
    return [span for span, stem in zip(spans, stems, strict=True) if stem in wanted]


def _cut(text: str, marks: list[tuple[int, int]], size: int) -> Snippet:
    """``text`` cut at spaces to about ``size`` characters, starting a little before the first mark."""
    if len(text) <= size:
        return Snippet(text, tuple(marks))
    start = max(0, marks[0][0] - size // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < marks[0][0] else marks[0][0]
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > marks[0][1] else max(end, marks[0][1])
    before, after = ("…" if start else ""), ("…" if end < len(text) else "")
    shift = len(before) - start
    kept = tuple((a + shift, b + shift) for a, b in marks if a >= start and b <= end)
    return Snippet(before + text[start:end] + after, kept)
