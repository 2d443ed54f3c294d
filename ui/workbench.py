"""This browser's work: who it is, the conversation open in it and its quote basket, saved as they change.

The owner is a random token kept in a cookie, so a reload or a new tab is the same person; the open
conversation's id is in the address (``?c=``), so a reload, a new tab or a shared link reopens it
(read-only for anyone but its owner). Everything is kept in the session too: if saving fails the work
stays on the page, with a warning that says why it is not saved, and the questions not saved are saved
with the next one. A conversation the saved file lost (set aside damaged) is saved again from the page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from citeqa import STYLES, Answer
from citeqa.citations import render
from citeqa.records import Pin
from citeqa.workbench.saved.store import ConversationStore, MissingConversation, SaveError, Summary, is_token, new_token
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
    saved: int = 0  # how many of ``messages`` are saved; the rest are saved with the next question
    problem: str | None = None  # why the last change was not saved
    notice: str | None = None  # said once at the top of the next page: a conversation that could not be read
    return_to: str | None = None  # the source card the reader was opened from, to scroll back to

    def record(self, answer: Answer) -> None:
        """A new question and answer: on the page at once, and saved (with any earlier ones not saved yet)."""
        self.messages.append(answer)
        if self.store is None:
            return
        try:
            while self.saved < len(self.messages):
                if self.conversation is None:
                    self.conversation = self.store.start(self.owner, self.messages[self.saved])
                else:
                    earlier = self.messages[: self.saved]  # the file may have lost some (set aside damaged)
                    self.store.add_turn(self.conversation, self.owner, self.messages[self.saved], earlier=earlier)
                self.saved += 1
            self.problem = None
        except SaveError as exc:
            self._not_saved(exc)
        if self.conversation:  # the address names it, and a question asked by ?q= leaves the address
            st.query_params.from_dict({"c": self.conversation})

    def save_basket(self) -> None:
        if self.store is None or self.conversation is None or self.read_only:
            return
        try:
            self.store.save_basket(self.conversation, self.owner, self.basket)
            self.problem = None
        except SaveError as exc:
            self._not_saved(exc)

    def _not_saved(self, exc: SaveError) -> None:
        """Why a change was not saved; a conversation the file lost (not deleted) is saved again from the page."""
        if isinstance(exc, MissingConversation) and not exc.deleted and self.saved:
            try:
                self.store.restore(self.conversation, self.owner, self.messages, self.basket)
                self.saved, self.problem = len(self.messages), None
                log.warning(
                    "conversation %s was lost from the saved file and is saved again from a page", self.conversation
                )
                return
            except SaveError as again:
                exc = again
        if isinstance(exc, MissingConversation) and exc.deleted:
            self.problem = f"{exc}. What is on this page stays here until you leave it: export it, or copy from it."
        else:
            self.problem = f"{exc}. It stays on this page, and saving is tried again with your next change."

    def open(self, conversation_id: str) -> None:
        """The saved conversation ``conversation_id``; the rest of the address (a reader link) stays."""
        try:
            saved = self.store.load(conversation_id) if self.store is not None else None
        except SaveError as exc:  # the address stays, so the next page tries again
            self.notice = f"This conversation cannot be opened now: {exc}."
            return
        self._reset()
        if saved is None or not saved.turns:
            if saved is None:
                self.notice = "There is no saved conversation at this address; here is a new one."
            else:
                self.notice = f"This conversation could not be read: {saved.unreadable}"
            st.query_params.pop("c", None)
            return
        self.conversation, self.messages, self.basket = saved.id, list(saved.turns), list(saved.basket)
        self.saved = len(self.messages)
        self.read_only = not saved.owned_by(self.owner)
        if saved.unreadable:
            self.notice = f"Part of this conversation could not be read: {saved.unreadable}"
        st.query_params["c"] = saved.id

    def new_conversation(self) -> None:
        """An empty conversation and basket; the one left stays saved under its address."""
        self._reset()
        st.query_params.clear()

    def _reset(self) -> None:
        self.conversation, self.messages, self.basket, self.read_only = None, [], [], False
        self.opened, self.shown, self.saved, self.problem = set(), PAGE_TURNS, 0, None

    def delete(self) -> None:
        """The open conversation, deleted for good; an empty one takes its place."""
        try:
            self.store.delete(self.conversation, self.owner)
        except MissingConversation:
            pass  # deleted already, in another tab
        except SaveError as exc:
            self.problem = str(exc)
            return
        self.new_conversation()

    def copy_to_own(self) -> None:
        """Someone else's conversation, copied with its basket into one of this owner's, and opened."""
        try:
            self.open(self.store.copy(self.conversation, self.owner))
        except SaveError as exc:
            self.problem = str(exc)

    def past(self, limit: int) -> tuple[int, list[Summary]]:
        """How many conversations this owner has saved, and the latest ``limit`` of them."""
        if self.store is None:
            return 0, []
        try:
            return self.store.count(self.owner), self.store.recent(self.owner, limit=limit)
        except SaveError as exc:
            st.warning(
                f"Past conversations cannot be listed now: {render.escape(str(exc))}.", icon=":material/cloud_off:"
            )
            return 0, []


@st.cache_resource(show_spinner=False)
def conversation_store(path: str) -> ConversationStore | str:
    """The server's one store of saved conversations, or why there is none (shown as a warning)."""
    try:
        return ConversationStore(Path(path))
    except SaveError as exc:
        log.warning("%s", exc)
        return f"Conversations are not saved: {exc}."


def store_warning(store: ConversationStore) -> None:
    """What happened to the saved conversations' file (set aside damaged, read-only, locked): said once in
    each session, and again whenever it changes."""
    if store.warning and st.session_state.get("store_warning_seen") != store.warning:
        st.session_state["store_warning_seen"] = store.warning
        st.warning(render.escape(store.warning), icon=":material/cloud_off:")


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
    if bench.notice:
        st.warning(render.escape(bench.notice), icon=":material/warning:")
        bench.notice = None
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
    try:
        style, k = store.preference(owner, "style"), store.preference(owner, "k")
    except SaveError as exc:  # the defaults, this time
        log.warning("settings not restored: %s", exc)
        return
    if style in STYLES:
        st.session_state["style"] = style
    if k and k.isdigit():
        st.session_state["k"] = int(k)


def remember_setting(bench: Workbench, name: str) -> None:
    """Keep a setting the owner changed (an on_change callback of its widget)."""
    if bench.store is not None:
        try:
            bench.store.set_preference(bench.owner, name, str(st.session_state[name]))
        except SaveError as exc:
            bench.problem = str(exc)
