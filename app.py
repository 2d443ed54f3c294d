"""citeqa in the browser: ask about the articles, read the cited paragraphs, copy quotes with citations.

Layout only, and this file only puts the page together: the pages, the sidebar and the small
components are in ``ui/``; answering, citing, escaping and saving live in the citeqa package.
Untrusted text (articles, questions, file names) reaches the page only through ``render.escape``.
"""

from __future__ import annotations

import streamlit as st

from citeqa import CiteqaError, Config, Engine
from citeqa.citations import render
from citeqa.loader import EngineLoader
from ui.collection import collection, indexing_note
from ui.components import page_style
from ui.pages import chat, reader
from ui.people import PERSON_PARAM, people_panel, person_page
from ui.sidebar import basket, export, header, past_conversations, sidebar
from ui.workbench import conversation_store, store_warning, workbench


@st.cache_resource(show_spinner=False)
def engine_loader() -> EngineLoader:
    """The one engine of this server, shared by every session: loaded once, in the background."""
    return EngineLoader(Config.from_env)  # a bad CITEQA_* setting shows as a message, not a traceback


def main() -> None:
    st.set_page_config(page_title="citeqa", page_icon="📰", layout="wide")
    page_style()
    engine = open_engine()
    store = conversation_store(str(engine.config.conversations))
    if isinstance(store, str):  # why conversations cannot be saved
        st.warning(render.escape(store), icon=":material/cloud_off:")
        store = None
    notices = st.container()  # filled last: what happened to the saved file, during this page too
    bench = workbench(store)
    header(bench)
    past = st.sidebar.container()  # filled after the chat, so that it lists a conversation just started
    settings = sidebar(engine, bench)
    if "article" in st.query_params:
        reader(engine, bench)
    elif PERSON_PARAM in st.query_params:
        person_page(engine, settings, bench)
    else:
        chat(engine, settings, bench)
    with past:
        past_conversations(bench)
    with st.sidebar:  # after the chat, so that they include the answer just given
        collection(engine)
        people_panel(engine, settings)
        basket(bench, settings.style)
        export(bench, settings.style)
    if store is not None:
        with notices:
            store_warning(store)


def open_engine() -> Engine:
    """The shared engine; until it can answer, a progress bar instead of a blank page. On a first build
    of a large collection it answers from the articles indexed so far, and a note says how far it is."""
    loader = engine_loader()
    if not loader.wait(0):
        engine = loader.usable()
        if engine is not None:
            indexing_note(loader)
            return engine
        st.title("citeqa is getting ready")
        st.caption(
            "On the first start with a collection, every paragraph is read by the language model once "
            "(a few seconds for a few articles, minutes for thousands); questions can be asked as soon as "
            "the first articles are indexed. Later starts take seconds."
        )
        work = st.empty()
        bar = st.progress(0.0, text="Starting…")
        while not loader.wait(0.5) and loader.usable() is None:
            state = loader.state
            if state.detail:
                work.markdown(render.escape(state.detail))
            bar.progress(state.done / state.total if state.total else 0.0, text=render.escape(state.describe()))
        st.rerun()
    try:
        engine, report = loader.result()
    except CiteqaError as exc:
        st.error(f"citeqa cannot start: {render.escape(str(exc))}")
        if st.button("Try again"):
            engine_loader.clear()
            st.rerun()
        st.stop()
    if report.messages and not st.session_state.get("start_messages_seen"):
        st.session_state["start_messages_seen"] = True
        for message in report.messages[:3]:  # a few, not a screenful over the chat box
            st.toast(render.escape(message))
        if len(report.messages) > 3:
            st.toast(f"and {len(report.messages) - 3} more messages: `citeqa index` prints them all")
    engine.notice_new_build()  # a build made by `citeqa index` is switched to in the background
    if engine.warning:
        st.warning(render.escape(engine.warning), icon=":material/warning:")
    return engine


main()
