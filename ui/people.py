"""The people the articles quote: a list in the sidebar (name, role, how many quotations; a page at a time,
over the articles chosen), and a page of one person's quotations, each with its citation to copy or pin."""

from __future__ import annotations

import streamlit as st

from citeqa import CiteqaError, Engine
from citeqa.citations import render
from ui.collection import current_filter, found_ids
from ui.links import READER_PARAMS
from ui.sidebar import Settings
from ui.workbench import Workbench

PAGE_PEOPLE = 20  # people listed at a time
PAGE_QUOTES = 20  # a person's quotations shown at a time
PERSON_PARAM = "person"


def scope(engine: Engine, settings: Settings) -> list[str] | None:
    """The ids of the articles the list counts (None: all): those questions search, narrowed to those the
    collection's search finds when one is set."""
    ids = settings.articles
    if not current_filter().is_empty:
        found = found_ids(engine)
        ids = found if ids is None else [i for i in ids if i in set(found)]
    return ids


def people_panel(engine: Engine, settings: Settings) -> None:
    """ "People quoted": drawn only while open, so a closed panel costs a rerun nothing."""
    panel = st.expander("People quoted", key="people", icon=":material/record_voice_over:", on_change="rerun")
    if not panel.open:
        return
    with panel:
        st.text_input("Find a person", key="people-words", placeholder="A name or a role", on_change=_first_page)
        ids = scope(engine, settings)
        if ids == []:
            st.caption("No article is chosen, so no one is quoted.")
            return
        try:
            people = engine.people(articles=ids, words=st.session_state.get("people-words", ""))
        except CiteqaError as exc:
            st.error(render.escape(str(exc)))
            return
        pages = max(1, -(-len(people) // PAGE_PEOPLE))
        number = min(max(1, st.session_state.get("people-page", 1)), pages)
        where = f" · page {number} of {pages}" if pages > 1 else ""
        among = "all articles" if ids is None else f"{len(ids):,} articles"
        st.caption(f"{len(people):,} people and bodies quoted in {among}{where}")
        for person in people[(number - 1) * PAGE_PEOPLE : number * PAGE_PEOPLE]:
            times = f"{person.count} quotation{'s' if person.count != 1 else ''}"
            label = f"{person.name} · {person.role} · {times}" if person.role else f"{person.name} · {times}"
            st.button(
                render.escape(label),
                key=f"person-{person.key}",
                use_container_width=True,
                help=f"Show every quotation of {render.escape(person.name)}",
                on_click=_open_person,
                args=(person.key,),
            )
        if pages > 1:  # callbacks, so that a click costs one run of the page, not two
            with st.container(horizontal=True):
                st.button("Previous", key="people-previous", disabled=number == 1, on_click=_turn, args=(number - 1,))
                st.button("Next", key="people-next", disabled=number == pages, on_click=_turn, args=(number + 1,))


def _first_page() -> None:
    st.session_state["people-page"] = 1


def _turn(number: int) -> None:
    st.session_state["people-page"] = number


def _open_person(key: str) -> None:
    for name in READER_PARAMS:  # from the reader too; the conversation's own address stays
        st.query_params.pop(name, None)
    st.query_params[PERSON_PARAM] = key
    st.session_state["person-page"] = 1


def person_page(engine: Engine, settings: Settings, bench: Workbench) -> None:
    """Every quotation of the person the address names, in reading order, each with its citation."""
    from ui.pages import show_source  # the chat's source card: quote highlighted, copy, pin, open

    if st.button("Back to the conversation", key="person-back", icon=":material/arrow_back:"):
        st.query_params.pop(PERSON_PARAM, None)
        st.rerun()
    key = st.query_params.get(PERSON_PARAM, "")
    ids = scope(engine, settings)
    person = next((p for p in engine.people(articles=ids) if p.key == key), None) if ids != [] else None
    if person is None:
        st.warning(f"No one called “{render.echo(key)}” is quoted in the articles chosen.")
        return
    st.title(render.escape(person.name))
    role = f"{render.escape(person.role)} · " if person.role else ""
    st.caption(f"{role}{person.count} quotations in {person.articles} articles")
    quotes = engine.quotations(key=key, articles=ids)
    pages = max(1, -(-len(quotes) // PAGE_QUOTES))
    number = min(max(1, st.session_state.get("person-page", 1)), pages)
    for citation in quotes[(number - 1) * PAGE_QUOTES : number * PAGE_QUOTES]:
        show_source(citation, settings.style, f"q{number}", bench, full=False)
    if pages > 1:
        st.caption(f"Page {number} of {pages}")
        with st.container(horizontal=True):
            if st.button("Previous", key="person-previous", disabled=number == 1):
                st.session_state["person-page"] = number - 1
                st.rerun()
            if st.button("Next", key="person-next", disabled=number == pages):
                st.session_state["person-page"] = number + 1
                st.rerun()
