"""The two pages: the chat, with answers and their sources, and the reader, one whole article."""

from __future__ import annotations

import streamlit as st

from citeqa import Answer, Citation, CiteqaError, Engine, Turn, cite, format_answer, render
from citeqa.cite import cite_html, format_answer_html
from citeqa.records import CLOSEST, NOT_FOUND, Pin
from ui.components import copy_button, focus_component, scroll_component
from ui.links import reader_link, whole_number
from ui.sidebar import Settings

HISTORY_TURNS = 3  # earlier turns a follow-up question is resolved against
FULL_TURNS = 1  # the latest answers shown with all their sources and buttons


def chat(engine: Engine, settings: Settings) -> None:
    st.title("Ask the articles")
    st.caption("Answers are the articles' own words. Every sentence is quoted exactly and cited to its paragraph.")
    messages: list[Answer] = st.session_state.setdefault("messages", [])
    if not engine.articles:
        st.info(
            f"The collection is empty. Add articles under “Collection” in the sidebar, or put .txt, .md or "
            f".html files in {render.escape(str(engine.config.corpus))} and re-read the folder."
        )
    opened = st.session_state.setdefault("opened", set())
    for turn, answer in enumerate(messages):
        # Earlier answers show in summary unless opened: a long conversation stays quick to redraw.
        show_turn(turn, answer, settings.style, full=turn >= len(messages) - FULL_TURNS or turn in opened)
    question = st.chat_input("Ask a question about the articles")
    focus_component()(key="focus", height=0)
    from_url = st.query_params.get("q")
    if question is None and from_url and st.session_state.get("asked_from_url") != from_url:
        st.session_state["asked_from_url"] = question = from_url
    if question is None:
        if not messages:
            st.info("Try: “Who submitted the super-complaint?” or “What did Shaun Sawyer say?”")
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
    messages.append(answer)
    show_turn(len(messages) - 1, answer, settings.style)
    # The new answer into view, its first line at the top: on a phone it would land below its sources.
    scroll_component()(
        data={"target": f"st-key-turn-{len(messages) - 1}", "block": "start"}, key="scroll-answer", height=0
    )


def show_turn(turn: int, answer: Answer, style: str, *, full: bool = True) -> None:
    """One question and its answer; ``full`` shows every source with its buttons, else a summary."""
    with st.container(key=f"turn-{turn}"):
        _show_turn(turn, answer, style, full=full)


def _show_turn(turn: int, answer: Answer, style: str, *, full: bool) -> None:
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
                    show_source(citation, style, f"{prefix}c", full=False)
            return
        if answer.outcome == NOT_FOUND:
            reason = render.escape(render.sentence(answer.reason))
            st.error(f"**Not in these articles.** {reason}", icon=":material/block:")
            if answer.closest and full:
                with st.expander("Nearest passages — they do not answer it"):
                    for citation in answer.closest[:3]:
                        show_source(citation, style, f"{prefix}n", full=False)
            return
        st.markdown(render.answer_markdown(answer, prefix if full else None))
        copy_button(
            "Copy all",
            "Copy the whole answer with its sources",
            format_answer(answer, style),
            key=f"copy-{prefix}-all",
            html=format_answer_html(answer, style),
        )
        if not full:
            st.caption(
                render.escape(
                    "Sources: " + "; ".join(f"[{c.n}] {c.article.title}, para. {c.paragraph}" for c in answer.used)
                )
            )
            if st.button("Show the sources", key=f"open-{prefix}", icon=":material/unfold_more:"):
                st.session_state.setdefault("opened", set()).add(turn)
                st.rerun()
            return
        used = answer.used
        st.markdown("**Sources**")
        for citation in used:
            show_source(citation, style, prefix)
        further = [c for c in answer.citations if c not in used]
        if further:
            with st.expander(f"{len(further)} more passages found, not quoted in the answer"):
                for citation in further:
                    show_source(citation, style, prefix, full=False)


def show_source(citation: Citation, style: str, prefix: str, *, full: bool = True) -> None:
    """A cited paragraph with its quote highlighted, a copy button and a pin button; ``full`` adds the
    anchor the answer's marker links to and the neighbouring paragraphs."""
    article = citation.article
    end = citation.quote_start + len(citation.quote)
    key = f"{prefix}-{citation.n}"
    with st.container(border=True):
        if full:  # an empty element with the id the marker links to; the id is made here, not from text
            st.html(f'<span id="{render.anchor(prefix, citation.n)}"></span>')
        st.markdown(
            f"**\\[{citation.n}\\] {render.escape(article.title)}**  \n"
            f":gray[{render.escape(render.byline(article))} · paragraph {citation.paragraph} · "
            f"[open in reader]({reader_link(article.id, citation.paragraph, citation)})]\n\n"
            + render.highlighted(citation.text, citation.quote_start, end)
        )
        with st.container(horizontal=True, vertical_alignment="center"):
            copy_button(
                "Copy quote + citation",
                f"Copy quote {citation.n} with its citation",
                cite(citation, style),
                key=f"copy-{key}",
                html=cite_html(citation, style),
            )
            pins: list[Pin] = st.session_state.setdefault("basket", [])
            pin = Pin(citation)
            taken = any(p.key == pin.key for p in pins)
            if st.button(
                "Pinned ✓" if taken else "Pin to basket",
                key=f"pin-{key}",
                icon=":material/push_pin:",
                disabled=taken,
                help=f"Keep quote {citation.n} in the quote basket",
            ):
                pins.append(pin)
                st.rerun()
        if full:
            with st.expander("Paragraphs around it"):
                st.markdown(
                    "\n\n".join(
                        f"**▶ ¶ {number}** {render.highlighted(citation.text, citation.quote_start, end)}"
                        if number == citation.paragraph
                        else f"**¶ {number}** {render.escape(article.paragraphs[number - 1])}"
                        for number in (citation.paragraph - 1, citation.paragraph, citation.paragraph + 1)
                        if 1 <= number <= len(article.paragraphs)
                    )
                )


def reader(engine: Engine, article_id: str, paragraph: str | None) -> None:
    """One whole article with numbered paragraphs; the linked one boxed and scrolled to, with the quoted
    sentence highlighted in it when the link says which (``s`` and ``e``, its offsets)."""
    if st.button("Back to questions", key="back", icon=":material/arrow_back:"):
        st.query_params.clear()
        st.rerun()
    try:
        article = engine.article(article_id)
    except CiteqaError:
        st.error(f"There is no article {render.escape(article_id)!s} in this collection.")
        return
    target = whole_number(paragraph)
    st.title(render.escape(article.title))
    url = render.safe_url(article.url)
    st.caption(render.escape(render.byline(article)) + (f" · [original]({url})" if url else ""))
    for extra in (article.subtitle, article.standfirst):
        if extra:
            st.markdown(f"*{render.escape(extra)}*")
    if paragraph and target is None:
        st.warning(f"“{render.escape(paragraph[:20])}” is not a paragraph number; here is the whole article.")
    if target is not None and not 1 <= target <= len(article.paragraphs):
        st.warning(f"This article has {len(article.paragraphs)} paragraphs; there is no paragraph {target}.")
    for number, text in enumerate(article.paragraphs, start=1):
        if number == target:
            start, end = whole_number(st.query_params.get("s")), whole_number(st.query_params.get("e"))
            if start is None or end is None or not 0 <= start < end <= len(text):
                start, end = 0, len(text)
            with st.container(border=True, key=f"para-{number}"):
                st.markdown(f"**¶ {number}** " + render.highlighted(text, start, end))
        else:
            st.markdown(f"**¶ {number}** {render.escape(text)}")
    if target is not None:
        scroll_component()(data={"target": f"st-key-para-{target}"}, key="scroll", height=0)
