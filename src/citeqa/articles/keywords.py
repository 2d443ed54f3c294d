"""Word tokens for the BM25 keyword index: lower case, English stop words out, Snowball stems."""

from __future__ import annotations

import threading
from functools import lru_cache

import bm25s
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

# Keeps numbers whole ("8.5", "13,000", "45") as well as words of two letters or more.
TOKEN_PATTERN = r"(?u)\b(?:\d+(?:[.,]\d+)*|\w\w+)\b"
# Question words too: "how many" must not match every paragraph that says "many".
STOPWORDS = sorted(set(STOPWORDS_EN_PLUS) | {"many", "much", "whose", "would", "could", "also"})
_local = threading.local()  # a PyStemmer stemmer must not be shared between threads


def _stemmer() -> Stemmer.Stemmer:
    if not hasattr(_local, "stemmer"):
        _local.stemmer = Stemmer.Stemmer("english")
    return _local.stemmer


def tokenize(texts: list[str]) -> bm25s.tokenization.Tokenized:
    """Token ids and vocabulary of a corpus, as ``bm25s.BM25.index`` takes them."""
    return bm25s.tokenize(
        texts, token_pattern=TOKEN_PATTERN, stopwords=STOPWORDS, stemmer=_stemmer(), show_progress=False
    )


def terms(text: str) -> list[str]:
    """The stemmed terms of one text (a question), as ``bm25s.BM25.get_scores`` takes them."""
    return bm25s.tokenize(
        [text],
        token_pattern=TOKEN_PATTERN,
        stopwords=STOPWORDS,
        stemmer=_stemmer(),
        return_ids=False,
        show_progress=False,
    )[0]


@lru_cache(maxsize=65_536)
def term_set(text: str) -> frozenset[str]:
    """The terms of a passage's sentence, remembered: the same sentences are weighed for many questions."""
    return frozenset(terms(text))
