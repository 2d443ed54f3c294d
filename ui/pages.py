"""The two pages: the chat, with answers and their sources, and the reader, one whole article."""

from __future__ import annotations

import streamlit as st

from citeqa import Answer, Article, Citation, CiteqaError, Engine, Turn, cite, format_answer
from citeqa.answers.matching import marks
from citeqa.citations import render
from citeqa.citations.cite import cite_html, format_answer_html
from citeqa.records import CLOSEST, NOT_FOUND, Pin
from ui.components import copy_button, focus_component, marker_previews, scroll_component
from ui.links import (
    READER_PARAMS,
    paragraph_number,
    paragraph_param,
    reader_params,
    version,
    version_of,
    whole_number,
)
from ui.sidebar import Settings
from ui.workbench import PAGE_TURNS, Workbench

HISTORY_TURNS = 3  # earlier turns a follow-up question is resolved against
FULL_TURNS = 1  # the latest answers shown with all their sources and buttons


def chat(engine: Engine, settings: Settings, bench: Workbench) -> None:
    st.title("Ask the articles")
    st.caption("Answers are the articles' own words. Every sentence is quoted exactly and cited to its paragraph.")
    if bench.problem:
        st.warning(f"Not saved: {render.escape(bench.problem)}", icon=":material/cloud_off:")
    if bench.read_only:
        st.info(
            "This conversation was shared with you: you can read it and copy from it, not add to it.",
            icon=":material/visibility:",
        )
        if st.button("Continue in a copy of my own", key="copy-conversation", icon=":material/content_copy:"):
            bench.copy_to_own()
            st.rerun()
    if not engine.articles:
        st.info(
            f"The collection is empty. Add articles under “Collection” in the sidebar, or put .txt, .md or "
            f".html files in {render.escape(str(engine.config.corpus))} and re-read the folder."
        )
    # A question being asked counts as a turn already, so that the earlier turns are drawn as they will
    # stay, and their buttons keep working. (A chat box's value is in the session state before it is drawn.)
    question = st.session_state.get("question")
    from_url = st.query_params.get("q")
    if question is None and from_url and not bench.read_only and st.session_state.get("asked_from_url") != from_url:
        st.session_state["asked_from_url"] = question = from_url
    messages = bench.messages
    turns = len(messages) + (question is not None)
    first = max(0, turns - bench.shown)  # only the latest turns are drawn: a long conversation stays quick
    if first and st.button(f"Show earlier questions ({first} not shown)", key="earlier", icon=":material/expand_less:"):
        bench.shown += PAGE_TURNS
        st.rerun()
    for turn in range(first, len(messages)):
        # Earlier answers show in summary unless opened.
        full = turn >= turns - FULL_TURNS or turn in bench.opened
        show_turn(turn, messages[turn], settings.style, bench, full=full)
    if bench.return_to:  # back from the reader: to the source it was opened from
        scroll_component()(data={"target": bench.return_to, "block": "center"}, key="scroll-back", height=0)
        bench.return_to = None
    st.chat_input(
        "Read-only: continue in a copy to ask" if bench.read_only else "Ask a question about the articles",
        disabled=bench.read_only,
        key="question",
    )
    focus_component()(key="focus", height=0)
    if question is None:
        if not messages:
            st.info(hint(engine))
        return
    history = [Turn(a.question, a) for a in messages[-HISTORY_TURNS:]]
    try:
        with st.spinner("Searching the articles…"):
            answer = engine.ask(question, k=settings.k, articles=settings.articles, history=history)
    except CiteqaError as exc:
        with st.chat_message("user"):
            st.markdown(render.escape(question[:500]))
        st.error(render.escape(str(exc)))
        return
    bench.record(answer)
    if bench.problem:
        st.warning(f"Not saved: {render.escape(bench.problem)}", icon=":material/cloud_off:")
    show_turn(len(messages) - 1, answer, settings.style, bench)
    # The new answer into view, its first line at the top: on a phone it would land below its sources.
    scroll_component()(
        data={"target": f"st-key-turn-{len(messages) - 1}", "block": "start"}, key="scroll-answer", height=0
    )


DEFAULT_HINT = "Try: “Who submitted the super-complaint?” or “What did Shaun Sawyer say?”"
DEFAULT_ARTICLE = "police-failings-allow-trafficking-to-continue"  # of the default corpus, which the hint is about


def hint(engine: Engine) -> str:
    if any(a.id == DEFAULT_ARTICLE for a in engine.articles):
        return DEFAULT_HINT
    return "Ask in your own words: the answer quotes the articles and cites the paragraph of every quote."


def show_turn(turn: int, answer: Answer, style: str, bench: Workbench, *, full: bool = True) -> None:
    """One question and its answer; ``full`` shows every source with its buttons, else a summary."""
    with st.container(key=f"turn-{turn}"):
        _show_turn(turn, answer, style, bench, full=full)


def _show_turn(turn: int, answer: Answer, style: str, bench: Workbench, *, full: bool) -> None:
    with st.chat_message("user"):
        st.markdown(render.escape(answer.question))
    with st.chat_message("assistant"):
        for note in answer.notes:
            st.caption(render.escape(note))
        prefix = f"t{turn}"
        if answer.outcome == CLOSEST:
            # Shown as what it is: passages on the subject, in a box that says they may not answer it.
            with st.container(border=True, key=f"closest-{prefix}"):
                st.warning(
                    f"**Closest passages — they may not answer this.** {render.escape(render.sentence(answer.reason))}",
                    icon=":material/help:",
                )
                for citation in answer.closest[: 3 if full else 1]:
                    show_source(citation, style, f"{prefix}c", bench, full=False)
            return
        if answer.outcome == NOT_FOUND:
            reason = render.escape(render.sentence(answer.reason))
            st.error(f"**Not in these articles.** {reason}", icon=":material/block:")
            if answer.closest and full:
                with st.expander("Nearest passages — they do not answer it"):
                    for citation in answer.closest[:3]:
                        show_source(citation, style, f"{prefix}n", bench, full=False)
            return
        caveat = render.caveat(answer)
        if caveat:  # the answer's first source leaves a part of the question unmatched: not a full answer
            st.warning(render.escape(caveat), icon=":material/rule:")
        st.markdown(render.answer_markdown(answer, prefix if full else None))
        if full:
            marker_previews([render.preview(c, prefix) for c in answer.used], key=f"previews-{prefix}")
        copy_button(
            "Copy all",
            "Copy the whole answer with its sources",
            format_answer(answer, style),
            key=f"copy-{prefix}-all",
            html=format_answer_html(answer, style),
        )
        if not full:
            st.caption(
                render.escape("Sources: " + "; ".join(f"[{c.n}] {c.article.title}, {c.locator}" for c in answer.used))
            )
            if st.button("Show the sources", key=f"open-{prefix}", icon=":material/unfold_more:"):
                bench.opened.add(turn)
                st.rerun()
            return
        used = answer.used
        st.markdown("**Sources**")
        for citation in used:
            show_source(citation, style, prefix, bench)
        further = [c for c in answer.citations if c not in used]
        if further:
            with st.expander(f"{len(further)} more passages found, not quoted in the answer"):
                for citation in further:
                    show_source(citation, style, prefix, bench, full=False)


def show_source(citation: Citation, style: str, prefix: str, bench: Workbench, *, full: bool = True) -> None:
    """A cited paragraph with its quote highlighted, a copy button and a pin button; ``full`` adds the
    anchor the answer's marker links to and the neighbouring paragraphs."""
    article = citation.article
    end = citation.quote_start + len(citation.quote)
    key = f"{prefix}-{citation.n}"
    with st.container(border=True, key=f"source-{key}"):
        if full:  # an element with the id the marker links to; the id is made here, not from text
            st.html(f'<span id="{render.anchor(prefix, citation.n)}" class="citeqa-anchor" tabindex="-1"></span>')
        matches = render.matches_line(citation)
        marks = matched_words(citation)
        st.markdown(
            f"**\\[{citation.n}\\] {render.escape(article.title)}**  \n"
            f":gray[{render.escape(render.byline(article))} · {render.place(citation.paragraph)}]{story_line(citation)}"
            + (f"  \n{matches}" if matches else "")
            + "\n\n"
            + render.highlighted(citation.text, citation.quote_start, end, marks=marks)
        )
        if citation.speaker:  # whose words the quote is
            role = f", {citation.role}" if citation.role else ""
            st.caption(render.escape(f"Quoted: {citation.speaker}{role}"))
        with st.container(horizontal=True, vertical_alignment="center"):
            copy_button(
                "Copy quote + citation",
                f"Copy quote {citation.n} with its citation",
                cite(citation, style),
                key=f"copy-{key}",
                html=cite_html(citation, style),
            )
            pin = Pin(citation)
            taken = any(p.key == pin.key for p in bench.basket)
            if st.button(
                "Pinned ✓" if taken else "Pin to basket",
                key=f"pin-{key}",
                icon=":material/push_pin:",
                disabled=taken or bench.read_only,
                help=f"Keep quote {citation.n} in the quote basket",
            ):
                bench.basket.append(pin)
                bench.save_basket()
                st.rerun()
            if st.button("Open in reader", key=f"read-{key}", icon=":material/menu_book:"):
                bench.return_to = f"st-key-source-{key}"
                st.query_params.update(reader_params(article.id, citation.paragraph, citation))
                st.rerun()
        if full:
            with st.expander("Paragraphs around it"):
                order = article.numbers()
                at = order.index(citation.paragraph) if citation.paragraph in order else 0
                quoted = render.highlighted(citation.text, citation.quote_start, end, marks=marks)
                st.markdown(
                    "\n\n".join(
                        f"**▶ {_mark(number)}** {quoted}"
                        if number == citation.paragraph
                        else f"**{_mark(number)}** {render.escape(article.text(number) or '')}"
                        for number in order[max(0, at - 1) : at + 2]
                    )
                )


def _mark(number: int) -> str:
    """A passage's mark in a list of paragraphs: "¶ 3", or "Standfirst"."""
    return f"¶ {number}" if number >= 1 else render.place(number).capitalize()


def matched_words(citation: Citation) -> list[tuple[int, int]]:
    """Where the paragraph has the words of the question its source matches, to set them in bold."""
    return marks(citation.text, citation.matched) if citation.matched else []


def reader(engine: Engine, bench: Workbench) -> None:
    """One whole article with numbered paragraphs; the linked one boxed and scrolled to, with the quoted
    sentence highlighted in it when the link says which (``s`` and ``e``, its offsets). When the link's
    version (``v``) is not the article's current one, the paragraph as quoted is shown apart, from this
    conversation's saved answers, and then the current text."""
    if st.button("Back to the conversation", key="back", icon=":material/arrow_back:"):
        for name in READER_PARAMS:
            st.query_params.pop(name, None)
        st.rerun()
    article_id, paragraph = st.query_params.get("article", ""), st.query_params.get("p")
    asked = st.query_params.get("v")
    wanted = version(asked)
    if asked and wanted is None:
        st.warning(f"“{render.echo(asked)}” does not name a version of an article; here is the article as it is now.")
    try:
        article: Article | None = engine.article(article_id)
    except CiteqaError:
        article = None
    if wanted is not None and (article is None or version_of(article) != wanted):
        quoted = quoted_version(bench, article_id, wanted)
        if quoted is not None:
            changed_article(article, quoted, paragraph_number(paragraph))
            return
        if article is not None:
            st.warning(
                "This article has changed since the link was made, and the version it quoted is not in this "
                "conversation: here is the article as it is now, with nothing marked."
            )
            whole_article(article, None, None)
            return
    if article is None:
        st.error(f"There is no article “{render.echo(article_id)}” in this collection.")
        return
    if paragraph and paragraph_number(paragraph) is None:
        st.warning(f"“{render.echo(paragraph, 20)}” is not a paragraph number; here is the whole article.")
    target = paragraph_number(paragraph)
    if target is not None and article.text(target) is None:
        if target >= 1:
            st.warning(f"This article has {len(article.paragraphs)} paragraphs; there is no paragraph {target}.")
        else:
            st.warning(f"This article has no {render.place(target)}.")
    whole_article(article, target, _span())


def _span() -> tuple[int, int] | None:
    """The quote's offsets in its paragraph, from the link (checked against the paragraph when drawn)."""
    start, end = whole_number(st.query_params.get("s")), whole_number(st.query_params.get("e"))
    return (start, end) if start is not None and end is not None else None


def _within(span: tuple[int, int] | None, text: str) -> tuple[int, int]:
    """``span`` if it is a span of ``text``, else the whole of it."""
    return span if span is not None and 0 <= span[0] < span[1] <= len(text) else (0, len(text))


def whole_article(article: Article, target: int | None, span: tuple[int, int] | None, *, first: bool = True) -> None:
    """The article's headline, byline and paragraphs; paragraph ``target`` boxed with ``span`` highlighted
    and scrolled to. ``first``: the page's own article (else it follows another on the page, unscrolled)."""
    (st.title if first else st.header)(render.escape(article.title))
    url = render.safe_url(article.url)
    st.caption(render.escape(render.byline(article)) + (f" · [original]({url})" if url else ""))
    for number in article.numbers():
        text = article.text(number) or ""
        # The subtitle and standfirst in italics, unnumbered (a citation names them); paragraphs numbered.
        label = f"**¶ {number}** " if number >= 1 else ""
        if number == target:
            start, end = _within(span, text)
            with st.container(border=True, key=f"para-{paragraph_param(number)}"):
                shown = render.highlighted(text, start, end)
                st.markdown(label + shown if number >= 1 else f"**{render.place(number).capitalize()}** {shown}")
        elif number >= 1:
            st.markdown(label + render.escape(text))
        else:
            st.markdown(f"*{render.escape(text)}*")
    if first and target is not None and article.text(target) is not None:
        scroll_component()(data={"target": f"st-key-para-{paragraph_param(target)}"}, key="scroll", height=0)


def quoted_version(bench: Workbench, article_id: str, wanted: str) -> Article | None:
    """The article ``article_id`` in version ``wanted``, as this conversation's answers or basket quote it
    (they keep the articles as quoted, also once saved), or None."""
    citations = [c for a in bench.messages for c in a.citations + a.closest] + [p.citation for p in bench.basket]
    return next((c.article for c in citations if c.article.id == article_id and version_of(c.article) == wanted), None)


def changed_article(current: Article | None, quoted: Article, paragraph: int | None) -> None:
    """A quote from a version of an article that has since changed (or gone): the paragraph as quoted,
    apart, then the current text (with the quote marked where it still reads the same)."""
    if current is None:
        st.warning(
            "This article has been removed from the collection since it was quoted: the quote as given is below.",
            icon=":material/history:",
        )
    else:
        st.warning(
            "This article has changed since it was quoted: the quote as given is below; the current text follows.",
            icon=":material/history:",
        )
    st.title(render.escape(quoted.title))
    st.caption(render.escape(render.byline(quoted)))
    quote = None
    with st.container(border=True, key="as-quoted"):
        text = quoted.text(paragraph) if paragraph is not None else None
        if paragraph is not None and text is not None:
            start, end = _within(_span(), text)
            quote = text[start:end]
            st.markdown(f"**As quoted, {_mark(paragraph)}** " + render.highlighted(text, start, end))
        else:
            st.markdown("**As quoted:** the link names no paragraph of it.")
    scroll_component()(data={"target": "st-key-as-quoted"}, key="scroll", height=0)
    if current is None:
        return
    st.divider()
    st.markdown("**The article as it is now**")
    now = next((n for n in current.numbers() if quote and quote in (current.text(n) or "")), None)
    if quote is not None:
        st.info(
            f"The quote still reads the same, in {'' if now >= 1 else 'the '}{render.place(now)}."
            if now is not None
            else "The quote is not in the current text."
        )
    start = (current.text(now) or "").find(quote) if now is not None and quote else 0
    whole_article(current, now, (start, start + len(quote)) if now is not None and quote else None, first=False)


def story_line(citation: Citation) -> str:
    """The line under a source's byline that gives its section and the near-duplicate stories that
    hold the same paragraph (the answer quotes one story once), as Markdown; empty when neither."""
    parts = [f"Section: {render.escape(citation.article.section)}"] if citation.article.section else []
    if citation.also_in:
        # A copy filed under the same headline is said to be one, so the line does not seem to name itself.
        same = citation.article.title
        titles = [f"“{render.escape(t)}”" + (" (another copy)" if t == same else "") for t in citation.also_in]
        parts.append("Also in: " + "; ".join(titles))
    return f"  \n:gray[{' · '.join(parts)}]" if parts else ""
