"""The collection in the sidebar: finding articles among thousands, reading, picking, removing or
replacing one, and adding new ones (checked at once, indexed in the background)."""

from __future__ import annotations

import datetime as dt
import math

import streamlit as st

from citeqa import CiteqaError, Engine
from citeqa.articles import catalog
from citeqa.articles.finder import Snippet
from citeqa.citations import render
from citeqa.loader import EngineLoader
from citeqa.records import Article
from citeqa.workbench.jobs import UploadStatus
from ui.links import reader_params

PAGE_ARTICLES = 20  # articles listed at a time
SNIPPET_CHARS = 120  # a line of the article around the words found: a few lines of the narrow sidebar
SKIPPED_LISTED = 50  # skipped files named; `citeqa articles` lists them all


SORT_LABELS = {"relevance": "Relevance", "newest": "Newest first", "oldest": "Oldest first", "headline": "Headline"}


def finder(engine: Engine) -> tuple[catalog.Filter, str]:
    """Search, filters and order over the collection; their values are also what “Those found” searches."""
    first = {"on_change": _first_page}  # a new search starts at its first page
    st.text_input(
        "Find articles", key="find-words", placeholder="Words of the text, a headline, an outlet or an author", **first
    )
    sections = catalog.sections(engine.articles)
    if sections:
        st.multiselect("Sections", sections, key="find-sections", placeholder="All sections", **first)
    outlets = catalog.outlets(engine.articles)
    if len(outlets) > 1:
        st.multiselect("Outlets", outlets, key="find-outlets", placeholder="All outlets", **first)
    dates = catalog.date_range(engine.articles)
    if dates:
        earliest, latest = catalog.date_bounds(dates, today=dt.date.today())
        st.date_input(
            "Published between",
            value=(),
            # Wider than the collection's dates: a range that starts before its first article or ends
            # after its last is taken as it is (the browser would refuse it otherwise, in silence).
            min_value=earliest,
            max_value=latest,
            key="find-dates",
            help=f"The articles are dated {_day(dates[0])} to {_day(dates[1])}.",
            **first,
        )
        st.checkbox("Include undated articles", value=True, key="find-undated", **first)
    st.selectbox(
        "Sort by",
        catalog.SORTS,
        format_func=SORT_LABELS.get,
        key="find-sort",
        help="Relevance to the words found (without words, the collection's order); undated articles come last "
        "in a sort by date.",
        **first,
    )
    return current_filter(), current_sort()


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _first_page() -> None:
    st.session_state["collection-page"] = 1


def current_filter() -> catalog.Filter:
    """The collection's search and filters as last set (the widgets keep them in the session)."""
    chosen = st.session_state.get("find-dates") or ()
    since = chosen[0] if len(chosen) > 0 and isinstance(chosen[0], dt.date) else None
    until = chosen[1] if len(chosen) > 1 and isinstance(chosen[1], dt.date) else since
    return catalog.Filter(
        words=st.session_state.get("find-words", ""),
        outlets=frozenset(st.session_state.get("find-outlets", ())),
        since=since,
        until=until,
        undated=st.session_state.get("find-undated", True),
        sections=frozenset(st.session_state.get("find-sections", ())),
    )


def current_sort() -> str:
    sort = st.session_state.get("find-sort", "relevance")
    return sort if sort in catalog.SORTS else "relevance"


def found_ids(engine: Engine) -> list[str]:
    chosen = current_filter()
    return [] if chosen.is_empty else [a.id for a in engine.catalog.find(chosen).articles]


def picked_ids(engine: Engine) -> list[str]:
    known = {a.id for a in engine.articles}  # a removed article leaves the choice
    return [i for i in st.session_state.get("picked", []) if i in known]


def article_row(
    article: Article, picked: list[str], found: catalog.Catalog, terms: tuple[str, ...], *, edit: bool
) -> None:
    """One article of the list: headline, byline, section and length; where the words found are in it;
    the story it nearly repeats; buttons to read, pick and (``edit``) remove or replace it."""
    lines = [
        f"**{render.escape(article.title)}**",
        f":gray[{render.escape(' · '.join(filter(None, (render.byline(article), article.section))))} · "
        f"{len(article.paragraphs)} paragraphs]",
    ]
    shown = found.snippet(article, terms, SNIPPET_CHARS)
    if shown is not None:
        lines.append(marked(shown))
    others = found.duplicates.others(article.id)
    if others:
        titles = "; ".join(f"“{render.escape(found_title(found, i))}” ({render.escape(i)})" for i in others)
        lines.append(f":orange[Near-duplicate:] :gray[the same story as {titles}]")
    st.markdown("  \n".join(lines))
    with st.container(horizontal=True, gap="small"):
        if st.button("Read", key=f"read-article-{article.id}"):
            st.query_params.update(reader_params(article.id))
            st.rerun()
        taken = article.id in picked
        if st.button(
            "Picked ✓" if taken else "Pick",
            key=f"pick-{article.id}",
            help="Search only the articles picked (“Those I pick” in the settings); click again to drop it",
        ):
            picked.remove(article.id) if taken else picked.append(article.id)
            st.session_state["scope-picked"] = True  # the next run searches the picked articles
            st.rerun()
        if edit and st.button("Edit", key=f"manage-{article.id}", help="Remove or replace it"):
            st.session_state["managing"] = article.id
            st.rerun()


def marked(shown: Snippet) -> str:
    """A snippet as Markdown on one line, every character escaped, the words found in bold."""
    parts, at = [], 0
    for start, end in shown.marks:
        parts += [render.escape(shown.text[at:start]), f"**{render.escape(shown.text[start:end])}**"]
        at = end
    return "".join([*parts, render.escape(shown.text[at:])])


def found_title(found: catalog.Catalog, article_id: str) -> str:
    return next((a.title for a in found.articles if a.id == article_id), article_id)


def skipped(engine: Engine) -> None:
    problems = engine.problems
    with st.expander(f"Skipped files: {len(problems)}", key="skipped"):
        lines = [f"- {render.escape(p.path)}: {render.escape(p.reason)}" for p in problems[:SKIPPED_LISTED]]
        if len(problems) > SKIPPED_LISTED:
            lines.append(f"- and {len(problems) - SKIPPED_LISTED} more: `citeqa articles` lists them all")
        st.markdown("\n".join(lines))


def collection(engine: Engine) -> None:
    """The collection a page at a time: found by words of the text, section, outlet and date, in the
    order chosen; each article to read, to pick for searching, or to remove or replace; then the skipped
    files, re-reading and uploads."""
    articles = engine.articles
    indexing = engine.indexing
    # Keyed and without on_change, Streamlit names the panel by its key alone: it stays the same panel,
    # open or shut as the person left it, when its label changes as an upload finishes. (With an
    # on_change its name would include the label, and a new label would make a new, folded panel.)
    with st.expander(f"Collection: {len(articles):,} articles", key="collection"):
        if indexing is not None:
            st.caption(f"Indexing: {indexing[0]:,} of {indexing[1]:,} articles can be searched so far.")
        chosen, sort = finder(engine)
        found_in = engine.catalog
        found = found_in.find(chosen, sort)
        shown = catalog.page(found.articles, st.session_state.get("collection-page", 1), PAGE_ARTICLES)
        where = f" · page {shown.number} of {shown.pages}" if shown.pages > 1 else ""
        st.caption(f"{shown.total:,} of {len(articles):,} articles{where}")
        picked = st.session_state.setdefault("picked", [])
        for article in shown.articles:
            article_row(article, picked, found_in, found.terms, edit=indexing is None and "/" not in article.path)
        if shown.pages > 1:
            with st.container(horizontal=True):
                if st.button("Previous", key="collection-previous", disabled=shown.number == 1):
                    st.session_state["collection-page"] = shown.number - 1
                    st.rerun()
                if st.button("Next", key="collection-next", disabled=shown.number == shown.pages):
                    st.session_state["collection-page"] = shown.number + 1
                    st.rerun()
        if st.session_state.get("managing") in {a.id for a in articles}:
            manage(engine, st.session_state["managing"])
        if engine.problems:
            skipped(engine)
        if indexing is not None:  # a change would wait for the whole collection to be indexed
            st.caption("Re-reading the folder and adding articles can be done once the collection is indexed.")
            return
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
    # Outside the expander, so the outcome of an upload is seen even if the collection is folded.
    if "removed" in st.session_state:
        st.success(f"Removed “{render.escape(st.session_state.pop('removed'))}”.", icon=":material/check_circle:")
    statuses = [s for s in map(engine.upload_status, st.session_state.get("uploads", [])) if s is not None]
    if not all(s.finished for s in statuses):
        upload_progress(engine)
    else:
        for status in statuses:
            show_upload(status)


def manage(engine: Engine, chosen: str) -> None:
    """Remove an article, or replace it with a new version of its file (it keeps its id and links)."""
    article = engine.article(chosen)
    st.markdown(f"**Remove or replace “{render.escape(article.title)}”**")
    if st.button("Cancel", key="manage-cancel"):
        del st.session_state["managing"]
        st.rerun()
    sure = st.checkbox(f"Yes, remove “{render.escape(article.title)}” from the collection", key="manage-sure")
    if st.button("Remove the article", key="manage-remove", disabled=not sure, icon=":material/delete:"):
        try:
            engine.remove_article(chosen)
            st.session_state["removed"] = article.title
            del st.session_state["managing"]
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


@st.fragment(run_every=2.0)
def indexing_note(loader: EngineLoader) -> None:
    """While a first build goes on, redrawn every two seconds: how many articles can be searched so far
    and the time left; once the build is done and saved, the whole page is drawn again."""
    engine = loader.usable()
    if loader.wait(0) or engine is None:
        st.rerun(scope="app")
    if engine.indexing is None:  # every article is indexed; the build is being saved
        st.info("The collection is indexed; the index is being saved.", icon=":material/hourglass_bottom:")
        return
    done, total = engine.indexing
    state = loader.state
    st.info(
        f"Indexing the collection: {done:,} of {total:,} articles can be searched so far, and questions search "
        "those. The rest are added as they are indexed.",
        icon=":material/hourglass_top:",
    )
    st.progress(state.done / state.total if state.total else 0.0, text=render.escape(state.describe()))
