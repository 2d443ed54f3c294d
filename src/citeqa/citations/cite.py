"""Citation formats: a quote with its source, ready to paste, in plain, Markdown, APA 7 and MLA 9 styles.

A quote that is someone's quotation in the article is introduced by its speaker, their role and the
article's verb of saying ("Wendy Williams, HM Inspector of Constabulary, told The Independent: “…”"); in
APA and MLA its source is then cited as the source of a person quoted in it ("as cited in", "qtd. in").

The quote itself is never altered, but for what the styles require of a quote set inside a sentence:
its own double quotation marks become single ones (a quote within a quote), and in APA and MLA its
closing full stop moves after the parenthetical citation. A field the article lacks is left out, or
marked the way the style marks it (APA "n.d."), never made up.

Each citation is built once as rich text (runs of text, some italic) and rendered as plain text, as
Markdown, or as HTML for the clipboard, so that italics survive a paste into a word processor.

Headlines keep the capitalisation their outlet gave them, except where a style asks for title case
(MLA titles; a short title standing in for a missing author in APA): ``title_case`` capitalises the
major words and leaves acronyms, names with inner capitals ("iPod", "McDonald") and figures as they
are, and small words (articles, short prepositions, conjunctions) in lower case unless they open or
close the title or follow a colon.
"""

from __future__ import annotations

import html
import re

from citeqa.articles.formats import web_url
from citeqa.errors import QuestionError
from citeqa.records import Answer, Article, Citation, locator

STYLES = ("plain", "markdown", "apa", "mla")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$])")  # "$": viewers that show maths take $…$ as a formula
# Where a Markdown viewer would start a link in plain text: the colon of "https://" (any scheme) or
# "mailto:", a dot between the words of a domain name ("www.example.org", "example.org"), the "@" of an
# address. A backslash before each renders as nothing, and the viewers that find links as they parse
# (GitHub's cmark-gfm, markdown-it's linkify) no longer see one.
_BARE_LINK = re.compile(r"(?=://)|(?i:(?<=\bmailto)(?=:))|(?<=[A-Za-z0-9])(?=\.[A-Za-z])|(?=@)")
_NESTED = str.maketrans({"“": "‘", "”": "’", '"': "'"})
_SMALL_WORDS = frozenset(
    "a an the and but for nor or so yet as at by in of off on per to up via vs vs. with from into onto over "
    "than upon".split()
)
_MLA_MONTHS = ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
_SHORT_TITLE_WORDS = 5

Rich = list[tuple[str, bool]]  # runs of (text, italic); a run whose text is a URL below is a link
_LINK = re.compile(r"https?://\S+")


def check_style(style: str) -> str:
    if style not in STYLES:
        raise QuestionError(f"citation style {style!r} is not one of {', '.join(STYLES)}")
    return style


def cite(citation: Citation, style: str = "plain") -> str:
    """The quote of ``citation`` with its source, in ``style``, as text (Markdown for "markdown")."""
    return _render(_cite(citation, check_style(style)), style)


def cite_html(citation: Citation, style: str = "plain") -> str:
    """The same as HTML, for the clipboard: outlets in italics, every character escaped."""
    return _html(_cite(citation, check_style(style)))


def source(article: Article, paragraph: int, style: str = "plain") -> str:
    """Where a paragraph comes from, without the quote: the line of a numbered list of sources."""
    return _render(_source(article, paragraph, check_style(style)), style)


def reference(article: Article, style: str) -> str:
    """The article's entry in a reference list (APA) or list of works cited (MLA), as plain text."""
    if style not in ("apa", "mla"):
        raise QuestionError(f"reference lists are for the apa and mla styles, not {style!r}")
    return _plain(_reference(article, style))


def format_answer(answer: Answer, style: str = "plain") -> str:
    """What "Copy all" copies: the answer, each quote in quotation marks with its marker, then the
    sources it quotes (each once), then apart the passages found but not quoted."""
    return _render(_answer(answer, check_style(style)), style)


def format_answer_html(answer: Answer, style: str = "plain") -> str:
    return _html(_answer(answer, check_style(style)))


def quoted_answer(answer: Answer) -> str:
    """The answer's text with each quote in quotation marks, followed by its marker: “…” [1] “…” [2].
    (``Answer.answer`` joins the bare quotes, as the page shows them beside their highlighted sources.)
    Pasted into a report, the articles' words must never read as the writer's own."""
    if not answer.found or not answer.used:
        return answer.answer
    return " ".join(f"{_lead(c)}“{nested(c.quote)}” [{c.n}]" for c in answer.used)


def _lead(citation: Citation) -> str:
    return f"{speaking(citation)} " if citation.speaker else ""


def nested(quote: str) -> str:
    """``quote`` as it reads inside double quotation marks: its own double marks become single ones (the
    rule for a quote within a quote), so that “She said: ‘We accept …’” opens and closes as it should."""
    return quote.translate(_NESTED)


def title_case(text: str) -> str:
    """``text`` in title case (see the module's docstring); only the case of letters changes."""
    tokens = re.split(r"(\s+)", text.strip())
    words = [i for i, t in enumerate(tokens) if t and not t.isspace()]
    out = list(tokens)
    for position, i in enumerate(words):
        edge = position in (0, len(words) - 1) or tokens[words[position - 1]].endswith((":", "—", "–", "?", "!"))
        out[i] = "-".join(_capitalise(part, edge or n > 0) for n, part in enumerate(tokens[i].split("-")))
    return "".join(out)


def _capitalise(word: str, force: bool) -> str:
    lead = len(word) - len(word.lstrip("“‘\"'([{"))
    core = word[lead:]
    letters = re.sub(r"[^\w]", "", core)
    if not letters or any(c.isdigit() for c in letters) or any(c.isupper() for c in letters[1:]):
        return word  # an acronym, a name like "iPod" or "McDonald", a figure: as written
    bare = core.rstrip(".,;:!?’'\")]}").lower()
    if not force and bare in _SMALL_WORDS:
        return word[:lead] + core.lower()
    return word[:lead] + core[:1].upper() + core[1:]


# --- Building the rich text ----------------------------------------------------------------------


def _cite(citation: Citation, style: str) -> Rich:
    article, paragraph = citation.article, citation.paragraph
    quote = nested(citation.quote)
    # Someone quoted in the article is named before their words, as the article names them.
    lead = f"{speaking(citation, role=True)} " if citation.speaker else ""
    if style in ("plain", "markdown"):
        return [(f"{lead}“{quote}” — ", False), *_source(article, paragraph, style)]
    # The sentence's full stop goes after the citation: “… these cases” (Bulman, 2021, para. 10).
    inside = re.sub(r"\.([’'\"]*)$", r"\1", quote)
    where = _in_text(article, paragraph, style)
    if citation.speaker:  # a person quoted in a source: APA's "as cited in", MLA's "qtd. in"
        where = f"as cited in {where}" if style == "apa" else f"qtd. in {where}"
    return [(f"{lead}“{inside}” ({where}).\n", False), *_reference(article, style)]


def speaking(citation: Citation, *, role: bool = False) -> str:
    """Who speaks and how, before a quotation's words: "Wendy Williams told The Independent:", or with
    ``role`` "Wendy Williams, HM Inspector of Constabulary, told The Independent:". The words are
    citeqa's, from the article's own verb of saying; empty when the speaker is unknown."""
    if not citation.speaker:
        return ""
    name = citation.speaker[:1].upper() + citation.speaker[1:]
    shown_role = citation.role if role and citation.role and not _POSSESSIVE_ROLE.match(citation.role) else None
    who = f"{name}, {shown_role}," if shown_role else name
    return f"{who} {citation.said or 'said:'}"


# "its leader", "his son": a role that leans on a name the copy does not give.
_POSSESSIVE_ROLE = re.compile(r"(?:[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Oo]ur|[Mm]y)\s+(?!Majesty)")


def _source(article: Article, paragraph: int, style: str) -> Rich:
    if style in ("apa", "mla"):
        return [*_reference(article, style), (f" ({locator(paragraph)})", False)]
    date = _day_month_year(article) or "undated"
    rich: Rich = []
    if article.outlet:
        rich += [(article.outlet, True), (", ", False)]
    rich.append((f"“{article.title}”", False))
    rest = [p for p in (article.author, date, locator(paragraph)) if p]
    rich.append((", " + ", ".join(rest), False))
    url = _url(article)
    return rich + ([(", ", False), (url, False)] if url else [])


def _reference(article: Article, style: str) -> Rich:
    url = _url(article)
    if style == "apa":
        date = f"({article.date.year}, {article.date:%B} {article.date.day})" if article.date else "(n.d.)"
        title = _end_with_period(article.title)
        head = f"{_apa_authors(article.author)} {date}. {title}" if article.author else f"{title} {date}."
        rich: Rich = [(head, False)]
        if article.outlet:
            rich += [(" ", False), (article.outlet, True), (".", False)]
        return rich + ([(" ", False), (url, False)] if url else [])
    rich = [(f"{_end_with_period(_mla_authors(article.author))} ", False)] if article.author else []
    rich.append((f"“{_end_with_period(title_case(article.title))}”", False))
    date = _mla_date(article)
    if article.outlet:
        rich += [(" ", False), (_mla_outlet(article.outlet), True), (f", {date}" if date else "", False)]
    elif date:
        rich.append((f" {date}", False))
    if url:
        rich += [(", " if article.outlet or date else " ", False), (url, False)]
    if article.outlet or date or url:
        rich.append((".", False))
    return rich


def _in_text(article: Article, paragraph: int, style: str) -> str:
    """The parenthetical citation: (Bulman, 2021, para. 10) in APA, or (Bulman, 2021, standfirst) for the
    lines between the headline and the body, which have no paragraph number; (Bulman) in MLA."""
    if style == "apa":
        year = str(article.date.year) if article.date else "n.d."
        if article.author:
            return f"{_surnames(article.author, '&')}, {year}, {locator(paragraph)}"
        return f"“{_short_title(article)},” {year}, {locator(paragraph)}"
    # MLA gives paragraph numbers only where the source numbers its paragraphs; news articles do not.
    return _surnames(article.author, "and") if article.author else f"“{_short_title(article)}”"


def _answer(answer: Answer, style: str) -> Rich:
    if not answer.found:
        return [(answer.answer, False)]
    used = answer.used
    quoted = {c.passage_id for c in used}
    others = [c for c in answer.citations if c.passage_id not in quoted]
    rich: Rich = []
    if style in ("apa", "mla"):
        rich.append((" ".join(_plain(_cite(c, style)).split("\n")[0] for c in used), False))
        rich.append(("\n\nReferences" if style == "apa" else "\n\nWorks Cited", False))
        articles = {c.article.id: c.article for c in used}.values()
        for article in sorted(articles, key=lambda a: _plain(_reference(a, style)).lower()):
            rich += [("\n", False), *_reference(article, style)]
        lines = [_source(c.article, c.paragraph, style) for c in others]
    else:
        rich.append((f"{quoted_answer(answer)}\n\nSources:", False))
        for citation in used:
            rich += [(f"\n[{citation.n}] ", False), *_source(citation.article, citation.paragraph, style)]
        lines = [[(f"[{c.n}] ", False), *_source(c.article, c.paragraph, style)] for c in others]
    if lines:
        rich.append(("\n\nAlso found, not quoted:", False))
        for line in lines:
            rich += [("\n", False), *line]
    return rich


# --- Rendering -------------------------------------------------------------------------------------


def _render(rich: Rich, style: str) -> str:
    return _markdown(rich) if style == "markdown" else _plain(rich)


def _plain(rich: Rich) -> str:
    return "".join(text for text, _ in rich)


def _markdown(rich: Rich) -> str:
    return "".join(
        f"<{text.replace('>', '%3E')}>"
        if _LINK.fullmatch(text)
        else f"*{markdown_escape(text)}*"
        if italic
        else markdown_escape(text)
        for text, italic in rich
    )


def _html(rich: Rich) -> str:
    def run(text: str, italic: bool) -> str:
        shown = html.escape(text).replace("\n", "<br>\n")
        if _LINK.fullmatch(text):
            return f'<a href="{shown}">{shown}</a>'
        return f"<i>{shown}</i>" if italic else shown

    return "".join(run(text, italic) for text, italic in rich)


def markdown_escape(text: str) -> str:
    """``text`` for a Markdown document, rendering as exactly ``text``: the characters that are Markdown
    syntax (or a formula's "$") escaped, and no web or e-mail address in it a live link."""
    return _BARE_LINK.sub(r"\\", _MD_SPECIAL.sub(r"\\\1", text))


# --- Parts of a reference --------------------------------------------------------------------------


def _url(article: Article) -> str:
    """The article's address if it is a web address: a javascript: link never reaches a citation."""
    return (web_url(article.url) if article.url else None) or ""


def _day_month_year(article: Article) -> str | None:
    return f"{article.date.day} {article.date:%B %Y}" if article.date else None


def _mla_date(article: Article) -> str | None:
    return f"{article.date.day} {_MLA_MONTHS[article.date.month - 1]} {article.date.year}" if article.date else None


def _mla_outlet(outlet: str) -> str:
    """A newspaper's name as MLA gives it: without a leading "The" (*Independent*)."""
    return re.sub(r"^The\s+", "", outlet)


def _end_with_period(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _short_title(article: Article) -> str:
    """The first few words of the headline in title case, standing in for a missing author."""
    words = article.title.split()[:_SHORT_TITLE_WORDS]
    while len(words) > 1 and words[-1].lower().strip(",;:.") in _SMALL_WORDS:
        words.pop()
    return title_case(" ".join(words)).rstrip(",;:.—–-")


def _names(author: str) -> list[str]:
    return [n.strip() for n in re.split(r",|\band\b|&", author) if n.strip()]


def _surnames(author: str | None, joiner: str) -> str:
    surnames = [n.split()[-1] for n in _names(author or "")]
    if len(surnames) > 2:
        return f"{surnames[0]} et al."
    return f" {joiner} ".join(surnames)


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


def _mla_authors(author: str) -> str:
    names = _names(author)
    parts = names[0].split()
    first = f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else names[0]
    if len(names) == 2:
        return f"{first}, and {names[1]}"
    return f"{first}, et al" if len(names) > 2 else first
