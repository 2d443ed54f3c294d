"""This browser's work: who it is, the conversation open in it and its quote basket, saved as they change.

The owner is a random token kept in a cookie, so a reload or a new tab is the same person; the open
conversation's id is in the address (``?c=``), so a reload, a new tab or a shared link reopens it
(read-only for anyone but its owner). Everything is kept in the session too: if saving fails the work
stays on the page, with a warning that says why it is not saved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from citeqa import STYLES, Answer
from citeqa.records import Pin
from citeqa.saved import ConversationStore, SaveError, is_token, new_token
from ui.components import cookie_component

log = logging.getLogger(__name__)

OWNER_COOKIE = "citeqa_owner"
PAGE_TURNS = 10  # the latest turns drawn; earlier ones come a page at a time


@dataclass
class Workbench:
    owner: str
    store: ConversationStore | None  # the server's; None when conversations cannot be saved
    conversation: str | None = None  # the saved conversation's id; None until the first question
    messages: list[Answer] = field(default_factory=list)
    basket: list[Pin] = field(default_factory=list)
    read_only: bool = False  # someone else's conversation, opened by its link
    opened: set[int] = field(default_factory=set)  # earlier turns shown with all their sources
    shown: int = PAGE_TURNS  # how many of the latest turns are drawn
    problem: str | None = None  # why the last change was not saved
    return_to: str | None = None  # the source card the reader was opened from, to scroll back to

    def record(self, answer: Answer) -> None:
        """A new question and answer: on the page at once, and saved."""
        self.messages.append(answer)
        if self.store is None:
            return
        try:
            if self.conversation is None:
                self.conversation = self.store.start(self.owner, answer)
            else:
                self.store.add_turn(self.conversation, self.owner, answer)
            self.problem = None
        except SaveError as exc:
            self.problem = str(exc)
        if self.conversation:  # the address names it, and a question asked by ?q= leaves the address
            st.query_params.from_dict({"c": self.conversation})

    def save_basket(self) -> None:
        if self.store is None or self.conversation is None or self.read_only:
            return
        try:
            self.store.save_basket(self.conversation, self.owner, self.basket)
            self.problem = None
        except SaveError as exc:
            self.problem = str(exc)

    def open(self, conversation_id: str) -> None:
        """The saved conversation ``conversation_id``; the rest of the address (a reader link) stays."""
        saved = self.store.load(conversation_id) if self.store is not None else None
        self._reset()
        if saved is None:
            st.warning("There is no saved conversation at this address; here is a new one.")
            st.query_params.pop("c", None)
            return
        self.conversation, self.messages, self.basket = saved.id, list(saved.turns), list(saved.basket)
        self.read_only = not saved.owned_by(self.owner)
        st.query_params["c"] = saved.id

    def new_conversation(self) -> None:
        """An empty conversation and basket; the one left stays saved under its address."""
        self._reset()
        st.query_params.clear()

    def _reset(self) -> None:
        self.conversation, self.messages, self.basket, self.read_only = None, [], [], False
        self.opened, self.shown, self.problem = set(), PAGE_TURNS, None

    def delete(self) -> None:
        """The open conversation, deleted for good; an empty one takes its place."""
        try:
            self.store.delete(self.conversation, self.owner)
            self.new_conversation()
        except SaveError as exc:
            self.problem = str(exc)

    def copy_to_own(self) -> None:
        """Someone else's conversation, copied with its basket into one of this owner's, and opened."""
        try:
            self.open(self.store.copy(self.conversation, self.owner))
        except SaveError as exc:
            self.problem = str(exc)


@st.cache_resource(show_spinner=False)
def conversation_store(path: str) -> ConversationStore | str:
    """The server's one store of saved conversations, or why there is none (shown as a warning)."""
    try:
        return ConversationStore(Path(path))
    except SaveError as exc:
        log.warning("%s", exc)
        return f"Conversations are not saved: {exc}."


def workbench(store: ConversationStore | None) -> Workbench:
    """This session's workbench, set to the conversation the address names."""
    bench: Workbench | None = st.session_state.get("workbench")
    if bench is None:
        bench = st.session_state["workbench"] = Workbench(owner=_owner(), store=store)
        _restore_settings(store, bench.owner)
    wanted = st.query_params.get("c")
    if wanted and wanted != bench.conversation:
        bench.open(wanted)
    elif bench.conversation and not wanted:
        st.query_params["c"] = bench.conversation  # the address always names the open conversation
    return bench


def _owner() -> str:
    """The owner token from this browser's cookie, or a new one that the cookie keeps from now on."""
    token = st.context.cookies.get(OWNER_COOKIE)
    if is_token(token):
        return token
    token = new_token()
    cookie_component()(data={"name": OWNER_COOKIE, "value": token}, key="owner-cookie", height=0)
    return token


def _restore_settings(store: ConversationStore | None, owner: str) -> None:
    """The citation style and number of sources this owner chose last time."""
    if store is None:
        return
    style = store.preference(owner, "style")
    if style in STYLES:
        st.session_state["style"] = style
    k = store.preference(owner, "k")
    if k and k.isdigit():
        st.session_state["k"] = int(k)


def remember_setting(bench: Workbench, name: str) -> None:
    """Keep a setting the owner changed (an on_change callback of its widget)."""
    if bench.store is not None:
        try:
            bench.store.set_preference(bench.owner, name, str(st.session_state[name]))
        except SaveError as exc:
            bench.problem = str(exc)
