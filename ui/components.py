"""The page's own small components: a copy button, previews of an answer's sources, and scrolling or
focusing an element.

Their JavaScript and CSS live in files beside this one. Untrusted text reaches them only as data, and
the elements they look up are named here, never from text.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent


def _read(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


@st.cache_resource(show_spinner=False)
def copy_component():
    """A button that puts a given text (and its HTML) on the clipboard. The text is data: never markup."""
    return st.components.v2.component(
        "citeqa_copy",
        html='<button type="button">Copy</button><span role="status" aria-live="polite" class="sr"></span>',
        css=_read("copy.css"),
        js=_read("copy.js"),
    )


@st.cache_resource(show_spinner=False)
def scroll_component():
    """Scrolls the page to the element with a given class (made here, never from text): ``block`` says
    where it lands ("center" for a paragraph, "start" for a new answer, so its first line shows)."""
    return st.components.v2.component("citeqa_scroll", js=_read("scroll.js"))


@st.cache_resource(show_spinner=False)
def preview_component():
    """Previews of an answer's sources beside its markers [n], on hover, keyboard focus and tap. The
    previews are data (see ``render.preview``), put on the page as text, never as markup."""
    return st.components.v2.component("citeqa_preview", js=_read("preview.js"))


def marker_previews(previews: list[dict], key: str) -> None:
    """The previews of one answer's markers; ``key`` starts with "previews-" (page.css hides its room)."""
    preview_component()(data={"items": previews}, key=key, height=0)


@st.cache_resource(show_spinner=False)
def focus_component():
    """Puts the keyboard in the chat box, so a question can be typed as soon as the page opens."""
    return st.components.v2.component("citeqa_focus", js=_read("focus.js"))


def copy_button(label: str, name: str, text: str, key: str, html: str = "") -> None:
    """A button that copies ``text`` (and ``html``, the same with its italics) to the clipboard."""
    data = {"label": label, "name": name, "text": text, "html": html}
    copy_component()(data=data, key=key, width="content", height="content")


@st.cache_resource(show_spinner=False)
def cookie_component():
    """Keeps a value (made here, never from text) in a cookie of this browser for a year."""
    return st.components.v2.component("citeqa_cookie", js=_read("cookie.js"))


def page_style() -> None:
    """The page's own CSS (ours, never from text); a style element takes no room on the page."""
    st.html(f"<style>{_read('page.css')}</style>")
