"""From articles to passages: one per body paragraph, and one for the subtitle and for the standfirst
when the article has them (a standfirst often says in one sentence what the report found, and who made
it), with the text each is embedded and searched by.

A short news paragraph ("She said: ...") often makes sense only with the one before it and its
article's headline. Each passage therefore has a vector of its own and one in context (headline,
previous paragraph, the paragraph), and each of its sentences has one too, to choose the quote and to
judge whether anything answers (see vectors.py). Its keyword text carries its article's headline and
byline, and the paragraph it continues, if it continues one. A citation still points to exactly one
paragraph, and its quote is a sentence of that paragraph.
"""

from __future__ import annotations

import re

from citeqa.articles.sentences import split_sentences
from citeqa.records import Article, Passage

# A paragraph that goes on from the one before: it opens with a quotation mark, a pronoun or a word that
# links it to what was said ("Instead ...", "But ..."), or its speaker is a pronoun ("..., she said.").
_CONNECTIVES = (
    r"Instead|But|However|Yet|Still|Meanwhile|Nevertheless|Nonetheless|Moreover|Furthermore|Also|And|So|Then|"
    r"Otherwise|Indeed|Even so|As a result|In addition|In turn|By contrast|At the same time"
)
_CONNECTIVE = re.compile(rf"(?:{_CONNECTIVES})\b")
_CONTINUES = re.compile(
    rf"^(?:[“\"‘']|(?:She|He|They|It|This|These|Those|{_CONNECTIVES})\b|(?:His|Her|Their|Its)\s+[a-z])"
    r"|\b(?:she|he|they) (?:said|added|told|warned|explained|argued|insisted)\b"
)
# Names: runs of two or more capitalised words ("Wendy Williams", "Home Office"), and acronyms.
_NAMES = re.compile(r"\b(?:[A-Z][\w’'\-]+(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'\-]+)+|[A-Z]{2,}\b)")


def build_passages(articles: tuple[Article, ...] | list[Article]) -> list[Passage]:
    """The passages of ``articles``, each article's in reading order: subtitle, standfirst, paragraphs."""
    return [
        Passage(
            id=article.paragraph_id(number),
            article_id=article.id,
            number=number,
            text=text,
            sentences=split_sentences(text),
        )
        for article in articles
        for number in article.numbers()
        if (text := article.text(number))
    ]


def continues(article: Article, number: int) -> bool:
    """Whether paragraph ``number`` goes on from the one before it (and there is one)."""
    return number > 1 and _CONTINUES.search(article.paragraphs[number - 1]) is not None


def keyword_text(article: Article, number: int) -> str:
    """What BM25 sees: the paragraph; for a continuation, what it leans on (the whole paragraph before,
    for one that goes on with "Instead ..." or "But ..."; the name of whoever "she" or "it" is, for one
    that goes on with a pronoun or a quotation); and what the story has told the reader by then, its
    headline, opening paragraph, outlet, author and year. A paragraph deep in a story is about the
    story's subject even when it only says "he", and "What did May Bulman report about ..." or "the 2021
    report" finds the article. The subtitle and standfirst carry the headline and byline alone."""
    text = article.text(number) or ""
    parts = [text]
    if continues(article, number):
        if _CONNECTIVE.match(text):
            parts.append(article.paragraphs[number - 2])
        else:  # the nearest names before it: a quotation can run over two paragraphs
            names = next(
                (n for b in (number - 1, number - 2) if b >= 1 and (n := _NAMES.findall(article.paragraphs[b - 1]))), []
            )
            parts.append(" ".join(names))
    if number > 1:
        parts.append(article.paragraphs[0])
    parts.append(article.title)
    parts += [p for p in (article.outlet, article.author, str(article.date.year) if article.date else None) if p]
    return "\n".join(p for p in parts if p)
