"""The sidebar: settings, the collection (uploads, removal, replacement), the quote basket, export."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import streamlit as st

from citeqa import STYLES, CiteqaError, Engine, cite, render
from citeqa.cite import cite_html
from citeqa.jobs import UploadStatus
from ui.components import copy_button
from ui.links import reader_params
from ui.workbench import Workbench, remember_setting

MAX_SOURCES = 10
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
        articles = engine.articles
        keep_article_choice([a.id for a in articles])
        remember = {"on_change": remember_setting, "args": (bench,)}
        with st.expander("Settings", expanded=True):
            most = min(MAX_SOURCES, engine.passage_count)
            if most > 1:
                st.session_state["k"] = min(max(1, st.session_state.get("k", engine.config.k)), most)
                k = st.slider("Sources per answer", 1, most, key="k", kwargs={"name": "k"}, **remember)
            else:
                k = 1
            chosen = st.multiselect(
                "Articles to search",
                [a.id for a in articles],
                default=None if "articles" in st.session_state else [a.id for a in articles],
                format_func=lambda i: engine.article(i).title,
                key="articles",
                help="Leave all selected to search the whole collection.",
            )
            style = st.selectbox(
                "Citation style",
                STYLES,
                key="style",
                format_func={"plain": "Plain", "markdown": "Markdown", "apa": "APA", "mla": "MLA"}.get,
                kwargs={"name": "style"},
                **remember,
            )
    selected = None if len(chosen) == len(articles) else chosen
    return Settings(k=k, articles=selected, style=style)


def keep_article_choice(ids: list[str]) -> None:
    """Keep the article selection valid as the collection changes: an added article joins a selection
    of all articles, and a removed one leaves it."""
    known = st.session_state.get("known_articles")
    chosen = st.session_state.get("articles")
    if known is not None and chosen is not None and set(known) != set(ids):
        st.session_state["articles"] = ids if set(chosen) == set(known) else [i for i in chosen if i in ids]
    st.session_state["known_articles"] = ids


def past_conversations(bench: Workbench) -> None:
    """This browser's saved conversations, the latest first, a page at a time; the open one marked."""
    if bench.store is None:
        return
    total = bench.store.count(bench.owner)
    if not total:
        return
    shown = st.session_state.setdefault("conversations-shown", CONVERSATIONS_PAGE)
    with st.expander(f"Past conversations: {total}", key="past", on_change="rerun"):
        for summary in bench.store.recent(bench.owner, limit=shown):
            current = summary.id == bench.conversation
            label = f"{summary.title} ({summary.turns})"
            if st.button(
                render.escape(label),
                key=f"conversation-{summary.id}",
                icon=":material/chat:" if current else ":material/history:",
                disabled=current,
                use_container_width=True,
                help=f"{summary.turns} questions, last on {summary.updated:%d %b %Y, %H:%M}",
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


def collection(engine: Engine) -> None:
    # Keyed, so it stays open when its label changes as articles are added.
    with st.expander(f"Collection: {len(engine.articles)} articles", key="collection", on_change="rerun"):
        for article in engine.articles:
            st.markdown(
                f"**{render.escape(article.title)}**  \n{render.escape(render.byline(article))} · "
                f"{len(article.paragraphs)} paragraphs"
            )
            if st.button("Read", key=f"read-article-{article.id}", icon=":material/menu_book:"):
                st.query_params.update(reader_params(article.id))
                st.rerun()
        for problem in engine.problems:
            st.warning(f"Skipped {render.escape(problem.path)}: {render.escape(problem.reason)}")
        if st.button("Re-read the corpus folder", use_container_width=True):
            try:
                for message in engine.refresh().messages or ("The index is up to date.",):
                    st.info(render.escape(message))
            except CiteqaError as exc:
                st.error(render.escape(str(exc)))
        if not engine.config.uploads:
            st.caption("Adding articles is turned off on this server.")
            return
        with st.form("upload", clear_on_submit=True):
            files = st.file_uploader(
                "Add articles (.txt, .md, .html)",
                type=["txt", "md", "html", "htm"],
                accept_multiple_files=True,
                max_upload_size=math.ceil(engine.config.max_article_mb),
            )
            submitted = st.form_submit_button("Add to the collection", key="upload-submit")
        if submitted:
            if not files:
                st.warning(
                    f"No file was received. Choose a .txt, .md or .html file of at most "
                    f"{engine.config.max_article_mb:g} MB, then add it."
                )
            for file in files or []:
                try:
                    status = engine.submit_article(file.name, file.getvalue())
                    st.session_state.setdefault("uploads", []).append(status.id)
                except CiteqaError as exc:
                    st.error(f"{render.escape(file.name)} was not added: {render.escape(str(exc))}")
        if engine.articles:
            manage(engine)
    # Outside the expander, so the outcome of an upload is seen even if the collection is folded.
    if "removed" in st.session_state:
        st.success(f"Removed “{render.escape(st.session_state.pop('removed'))}”.", icon=":material/check_circle:")
    statuses = [s for s in map(engine.upload_status, st.session_state.get("uploads", [])) if s is not None]
    if not all(s.finished for s in statuses):
        upload_progress(engine)
    else:
        for status in statuses:
            show_upload(status)


def manage(engine: Engine) -> None:
    """Remove an article, or replace it with a new version of its file (it keeps its id and links)."""
    st.markdown("**Remove or replace an article**")
    ids = [a.id for a in engine.articles]
    chosen = st.selectbox(
        "Article", ids, key="manage-article", format_func=lambda i: engine.article(i).title, index=None
    )
    if chosen is None:
        return
    article = engine.article(chosen)
    sure = st.checkbox(f"Yes, remove “{render.escape(article.title)}” from the collection", key="manage-sure")
    if st.button("Remove the article", key="manage-remove", disabled=not sure, icon=":material/delete:"):
        try:
            engine.remove_article(chosen)
            st.session_state["removed"] = article.title
            del st.session_state["manage-article"]
            st.rerun()
        except CiteqaError as exc:
            st.error(f"{render.escape(article.path)} was not removed: {render.escape(str(exc))}")
    with st.form("replace", clear_on_submit=True):
        file = st.file_uploader(
            f"Replace it with a new version (saved as {render.escape(article.path)})",
            type=[article.path.rsplit(".", 1)[-1]],
            max_upload_size=math.ceil(engine.config.max_article_mb),
        )
        if st.form_submit_button("Replace the article", key="manage-replace") and file is not None:
            try:
                status = engine.submit_article(article.path, file.getvalue(), replacing=True)
                st.session_state.setdefault("uploads", []).append(status.id)
            except CiteqaError as exc:
                st.error(f"{render.escape(article.path)} was not replaced: {render.escape(str(exc))}")


@st.fragment(run_every=1.0)
def upload_progress(engine: Engine) -> None:
    """This session's uploads while they are indexed in the background, redrawn every second; once
    all have finished, the whole page reruns so that the collection and the picker include them."""
    statuses = [s for s in map(engine.upload_status, st.session_state.get("uploads", [])) if s is not None]
    for status in statuses:
        show_upload(status)
    if all(s.finished for s in statuses):
        st.rerun(scope="app")


def show_upload(status: UploadStatus) -> None:
    name = render.escape(status.name)
    if status.state == "added":
        st.success(f"{name}: {render.escape(status.message)}", icon=":material/check_circle:")
    elif status.state == "failed":
        st.error(f"{name} was not added: {render.escape(status.message)}")
    else:
        label = {"queued": "waiting its turn", "embedding": "reading", "indexing": "adding to the index"}[status.state]
        fraction = status.done / status.total if status.total else 0.0
        st.progress(fraction, text=f"{name}: {label} ({status.done} of {status.total} texts)")


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
            html="<br>\n<br>\n".join(cite_html(p.citation, style) for p in pins),
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
