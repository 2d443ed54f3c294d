"""The sidebar: settings, the collection (uploads, removal, replacement), the quote basket, export."""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from citeqa import STYLES, Engine, cite
from citeqa.citations import render
from ui.collection import found_ids, picked_ids
from ui.components import copy_button
from ui.workbench import Workbench, remember_setting

MAX_SOURCES = 10
SCOPES = {"all": "All articles", "found": "Those found under “Collection”", "picked": "Those I pick"}
CONVERSATIONS_PAGE = 10


@dataclass(frozen=True)
class Settings:
    k: int
    articles: list[str] | None  # ids to search, or None for all
    style: str


def header(bench: Workbench) -> None:
    with st.sidebar:
        st.header("citeqa")
        if st.button(
            "New conversation",
            key="new",
            icon=":material/add_comment:",
            use_container_width=True,
            help="Starts an empty conversation with an empty quote basket. This one stays saved under "
            "“Past conversations”.",
        ):
            bench.new_conversation()
            st.rerun()


def sidebar(engine: Engine, bench: Workbench) -> Settings:
    with st.sidebar:
        remember = {"on_change": remember_setting, "args": (bench,)}
        with st.expander("Settings", expanded=True):
            most = min(MAX_SOURCES, engine.passage_count)
            if most > 1:
                st.session_state["k"] = min(max(1, st.session_state.get("k", engine.config.k)), most)
                k = st.slider("Sources per answer", 1, most, key="k", kwargs={"name": "k"}, **remember)
            else:
                k = 1
            chosen = articles_to_search(engine)
            style = st.selectbox(
                "Citation style",
                STYLES,
                key="style",
                format_func={"plain": "Plain", "markdown": "Markdown", "apa": "APA", "mla": "MLA"}.get,
                kwargs={"name": "style"},
                **remember,
            )
    return Settings(k=k, articles=chosen, style=style)


def articles_to_search(engine: Engine) -> list[str] | None:
    """The ids of the articles questions search (None: all), chosen the way the collection is browsed:
    all of them, those the collection's search and filters find, or those picked one by one."""
    if st.session_state.pop("scope-picked", False):  # an article was just picked
        st.session_state["scope"] = "picked"
    scope = st.radio("Articles to search", list(SCOPES), format_func=SCOPES.get, key="scope")
    if scope == "all":
        return None
    ids = found_ids(engine) if scope == "found" else picked_ids(engine)
    if not ids:
        st.caption("None yet: questions search all articles. Find or pick articles under “Collection”.")
        return None
    titles = "; ".join(engine.article(i).title for i in ids[:3])
    more = f"; and {len(ids) - 3} more" if len(ids) > 3 else ""
    st.caption(render.escape(f"{len(ids)} of {len(engine.articles)}: {titles}{more}"))
    return ids


def past_conversations(bench: Workbench) -> None:
    """This browser's saved conversations, the latest first, a page at a time; the open one marked."""
    shown = st.session_state.setdefault("conversations-shown", CONVERSATIONS_PAGE)
    total, summaries = bench.past(shown)
    if not total:
        return
    with st.expander(f"Past conversations: {total}", key="past", on_change="rerun"):
        for summary in summaries:
            current = summary.id == bench.conversation
            label = f"{summary.title} ({summary.turns})"
            tip = f"{summary.turns} questions, last on {summary.updated:%d %b %Y, %H:%M}"
            icon = ":material/chat:" if current else ":material/history:"
            if summary.unreadable:  # lost in part or whole with a damaged file
                label, icon = f"{label}: could not all be read", ":material/broken_image:"
                tip += ". " + render.escape(summary.unreadable)
            if st.button(
                render.escape(label),
                key=f"conversation-{summary.id}",
                icon=icon,
                disabled=current or not summary.turns,
                use_container_width=True,
                help=tip,
            ):
                bench.open(summary.id)
                st.rerun()
        if total > shown and st.button("Show more", key="conversations-more"):
            st.session_state["conversations-shown"] = shown + CONVERSATIONS_PAGE
            st.rerun()
        if bench.conversation and not bench.read_only:
            with st.popover("Delete this conversation", icon=":material/delete:", use_container_width=True):
                st.write("It and its quote basket are deleted for good, also for anyone it was shared with.")
                if st.button("Delete it", key="conversation-delete", type="primary"):
                    bench.delete()
                    st.rerun()


def export(bench: Workbench, style: str) -> None:
    if bench.messages:
        turns = tuple(bench.messages)
        st.download_button(
            "Export conversation (Markdown)",
            lambda: render.conversation_markdown(list(turns), style),  # made only when clicked
            on_click="ignore",
            key="export",
            file_name="citeqa-conversation.md",
            mime="text/markdown",
            icon=":material/download:",
            use_container_width=True,
        )


def basket(bench: Workbench, style: str) -> None:
    """The conversation's pinned quotes: each with its note, removable and movable up or down."""
    pins = bench.basket
    with st.expander(f"Quote basket: {len(pins)} pinned", key="basket-panel"):
        if not pins:
            st.caption("Pin quotes from the answers to collect them here.")
            return
        for i, pin in enumerate(list(pins)):
            with st.container(border=True, key=f"pin-{i}"):
                st.markdown(f"{i + 1}\\. {render.escape(cite(pin.citation, style))}")
                if bench.read_only:
                    if pin.note:
                        st.caption(render.escape(f"Note: {pin.note}"))
                    continue
                note = st.text_input("Note", value=pin.note, key=f"note-{pin.key}", placeholder="A note for yourself")
                if note != pin.note:
                    pins[i] = replace(pin, note=note)
                    bench.save_basket()
                with st.container(horizontal=True):
                    if st.button("↑", key=f"up-{pin.key}", help="Move up", disabled=i == 0):
                        pins[i - 1], pins[i] = pins[i], pins[i - 1]
                        bench.save_basket()
                        st.rerun()
                    if st.button("↓", key=f"down-{pin.key}", help="Move down", disabled=i == len(pins) - 1):
                        pins[i + 1], pins[i] = pins[i], pins[i + 1]
                        bench.save_basket()
                        st.rerun()
                    if st.button("Remove", key=f"remove-{pin.key}", icon=":material/close:"):
                        del pins[i]
                        bench.save_basket()
                        st.rerun()
        copy_button(
            "Copy basket",
            "Copy all pinned quotes with citations and notes",
            render.basket_text(pins, style),
            key="copy-basket",
            html=render.basket_html(pins, style),
        )
        kept = list(pins)
        st.download_button(
            "Download quotes (Markdown)",
            lambda: render.basket_markdown(kept, style),  # made only when clicked
            on_click="ignore",
            key="basket-download",
            file_name="citeqa-quotes.md",
            mime="text/markdown",
            use_container_width=True,
        )
        if not bench.read_only and st.button("Empty the basket", use_container_width=True):
            pins.clear()
            bench.save_basket()
            st.rerun()
