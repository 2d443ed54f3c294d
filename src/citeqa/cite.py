"""Citation formats: a quote with its source, ready to paste, in plain, Markdown, APA and MLA styles.

Quotes are never altered (a Markdown citation only escapes characters, so that it renders as written).
A field the article lacks is left out, or marked the way the style marks it (APA "n.d."), never made up.
"""

from __future__ import annotations

import re

from citeqa.errors import QuestionError
from citeqa.formats import web_url
from citeqa.records import Answer, Article, Citation

STYLES = ("plain", "markdown", "apa", "mla")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def check_style(style: str) -> str:
    if style not in STYLES:
        raise QuestionError(f"citation style {style!r} is not one of {', '.join(STYLES)}")
    return style


def cite(citation: Citation, style: str = "plain") -> str:
    """The quote of ``citation`` followed by its source, in ``style``."""
    article, para, quote = citation.article, citation.paragraph, nested(citation.quote)
    check_style(style)
    if style == "plain":
        return f"“{quote}” — {source(article, para, 'plain')}"
    if style == "markdown":
        return f"“{markdown_escape(quote)}” — {source(article, para, 'markdown')}"
    if style == "apa":
        year = str(article.date.year) if article.date else "n.d."
        return f"“{quote}” ({_short_author(article, '&')}, {year}, para. {para})\n{reference(article, 'apa')}"
    return f"“{quote}” ({_short_author(article, 'and')}, par. {para})\n{reference(article, 'mla')}"


def nested(quote: str) -> str:
    """``quote`` as it reads inside double quotation marks: its own double marks become single ones (the
    rule for a quote within a quote), so that “She said: ‘We accept …’” opens and closes as it should."""
    return quote.translate(_NESTED)


_NESTED = str.maketrans({"“": "‘", "”": "’", '"': "'"})


def source(article: Article, paragraph: int, style: str = "plain") -> str:
    """Where a paragraph comes from, without the quote: the line of a numbered list of sources."""
    check_style(style)
    if style in ("apa", "mla"):
        mark = "para." if style == "apa" else "par."
        return f"{reference(article, style)} ({mark} {paragraph})"
    date = _day_month_year(article) or "undated"
    if style == "markdown":
        title = f"“{markdown_escape(article.title)}”"
        url = _url(article)
        if url:
            title = f"[{title}](<{url.replace('>', '%3E').replace('<', '%3C')}>)"
        parts = [
            f"*{markdown_escape(article.outlet)}*" if article.outlet else None,
            title,
            markdown_escape(article.author or "") or None,
        ]
    else:
        parts = [article.outlet, f"“{article.title}”", article.author]
    return ", ".join([p for p in parts if p] + [date, f"para. {paragraph}"])


def reference(article: Article, style: str) -> str:
    """The article's entry in a reference list (APA) or list of works cited (MLA)."""
    if style == "apa":
        date = f"({article.date.year}, {article.date:%B} {article.date.day})" if article.date else "(n.d.)"
        title = _end_with_period(article.title)
        head = f"{_apa_authors(article.author)} {date}. {title}" if article.author else f"{title} {date}."
        tail = [f"{article.outlet}." if article.outlet else "", _url(article)]
        return " ".join(p for p in [head, *tail] if p)
    if style == "mla":
        parts = [_end_with_period(_mla_author(article.author)) if article.author else ""]
        parts.append(f"“{_end_with_period(article.title)}”")
        container = ", ".join(p for p in [article.outlet, _day_month_year(article), _url(article)] if p)
        if container:
            parts.append(f"{container}.")
        return " ".join(p for p in parts if p)
    raise QuestionError(f"reference lists are for the apa and mla styles, not {style!r}")


def format_answer(answer: Answer, style: str = "plain") -> str:
    """The answer text followed by its numbered sources: what "Copy all" copies."""
    if not answer.found:
        return answer.answer
    lines = [answer.answer, "", "Sources:"]
    lines += [f"[{c.n}] {source(c.article, c.paragraph, style)}" for c in answer.citations]
    return "\n".join(lines)


def _url(article: Article) -> str:
    """The article's address if it is a web address: a javascript: link never reaches a citation."""
    return (web_url(article.url) if article.url else None) or ""


def _day_month_year(article: Article) -> str | None:
    return f"{article.date.day} {article.date:%B %Y}" if article.date else None


def markdown_escape(text: str) -> str:
    """``text`` with the characters that are Markdown syntax escaped, for Markdown documents."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _end_with_period(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _names(author: str) -> list[str]:
    return [n.strip() for n in re.split(r",|\band\b|&", author) if n.strip()]


def _apa_authors(author: str) -> str:
    names = [_apa_name(n) for n in _names(author)]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def _apa_name(name: str) -> str:
    parts = name.split()
    if len(parts) == 1:
        return _end_with_period(parts[0])
    initials = " ".join(f"{p[0]}." for p in parts[:-1])
    return f"{parts[-1]}, {initials}"


def _mla_author(author: str) -> str:
    names = _names(author)
    parts = names[0].split()
    first = f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else names[0]
    if len(names) == 2:
        return f"{first}, and {names[1]}"
    return f"{first}, et al" if len(names) > 2 else first


def _short_title(article: Article) -> str:
    words = article.title.split()
    return " ".join(words[:4]) + ("…" if len(words) > 4 else "")


def _short_author(article: Article, joiner: str) -> str:
    """The in-text name: a surname or two (joined by ``joiner``), else the start of the headline."""
    if not article.author:
        return f"“{_short_title(article)}”"
    surnames = [n.split()[-1] for n in _names(article.author)]
    if len(surnames) > 2:
        return f"{surnames[0]} et al."
    return f" {joiner} ".join(surnames)
