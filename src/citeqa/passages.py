"""From articles to passages: one per body paragraph, with the text each is embedded and searched by.

A short news paragraph ("She said: ...") often makes sense only with the one before it and its
article's headline. Each passage is therefore embedded on its own and in context (headline, previous
paragraph, the paragraph), and each of its sentences is embedded too, to choose the quote and to judge
whether anything answers. A citation still points to exactly one paragraph, and its quote is a
sentence of that paragraph.
"""

from __future__ import annotations

import re

from citeqa.records import Article, Passage
from citeqa.sentences import split_sentences

# A paragraph that goes on from the one before: it opens with a pronoun or a quotation mark, or its
# speaker is a pronoun ("..., she said.").
_CONTINUES = re.compile(
    r"^(?:[“\"‘']|(?:She|He|They|It|This|These|Those)\b|(?:His|Her|Their)\s+[a-z])"
    r"|\b(?:she|he|they) (?:said|added|told|warned)\b"
)
# Names: runs of two or more capitalised words ("Wendy Williams", "Home Office"), and acronyms.
_NAMES = re.compile(r"\b(?:[A-Z][\w’'\-]+(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'\-]+)+|[A-Z]{2,}\b)")
_LOOK_BACK = 2


def build_passages(articles: tuple[Article, ...] | list[Article]) -> list[Passage]:
    return [
        Passage(
            id=article.paragraph_id(number),
            article_id=article.id,
            number=number,
            text=text,
            sentences=split_sentences(text),
        )
        for article in articles
        for number, text in enumerate(article.paragraphs, start=1)
    ]


def context_text(article: Article, number: int) -> str:
    """Headline, previous paragraph and the paragraph itself: what a reader has in mind at that point."""
    previous = article.paragraphs[number - 2] if number > 1 else (article.standfirst or article.subtitle or "")
    return " ".join(part for part in (article.title + ".", previous, article.paragraphs[number - 1]) if part)


def keyword_text(article: Article, number: int) -> str:
    """What BM25 sees: the paragraph, and for one that goes on from the paragraph before ("She said:
    ...") the names that paragraph gives, so that "What did Wendy Williams say" finds it."""
    text = article.paragraphs[number - 1]
    if not _CONTINUES.search(text):
        return text
    for before in range(number - 1, max(number - 1 - _LOOK_BACK, 0), -1):
        names = _NAMES.findall(article.paragraphs[before - 1])
        if names:
            return f"{text}\n{' '.join(names)}"
    return text
