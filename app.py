"""citeqa in the browser: ask about the articles, read the cited paragraphs, copy quotes with citations.

Layout only: answering, citing, escaping and saving live in the citeqa package. Untrusted text
(articles, questions, file names) reaches the page only through ``render.escape``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import streamlit as st

from citeqa import STYLES, Answer, Citation, CiteqaError, Config, Engine, Turn, cite, format_answer, render
from citeqa.cite import cite_html, format_answer_html
from citeqa.jobs import UploadStatus
from citeqa.loader import EngineLoader
from citeqa.records import CLOSEST, NOT_FOUND, Pin

HISTORY_TURNS = 3  # earlier turns a follow-up question is resolved against
FULL_TURNS = 1  # the latest answers shown with all their sources and buttons
MAX_SOURCES = 10

COPY_JS = """
export default function (component) {
  const { data, parentElement } = component;
  const button = parentElement.querySelector("button");
  const status = parentElement.querySelector("[role=status]");
  button.textContent = data.label;
  button.setAttribute("aria-label", data.name);
  button.title = data.name;
  button.onclick = async () => {
    let copied = true;
    try {
      // Plain text, and HTML so that italics survive a paste into a word processor.
      await navigator.clipboard.write([new ClipboardItem({
        "text/plain": new Blob([data.text], { type: "text/plain" }),
        "text/html": new Blob([data.html || ""], { type: "text/html" }),
      })]);
    } catch (error) {
      try {
        await navigator.clipboard.writeText(data.text);
      } catch (again) {
        // Outside a secure context the clipboard API is missing: fall back to a selected text area.
        const area = document.createElement("textarea");
        area.value = data.text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";  // no jump of the page while it is briefly there
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        copied = document.execCommand("copy");
        area.remove();
      }
    }
    button.textContent = copied ? "Copied ✓" : "Copy failed: select the text instead";
    status.textContent = copied ? "Copied to the clipboard" : "Copying failed";
    setTimeout(() => { button.textContent = data.label; status.textContent = ""; }, 2000);
  };
}
"""
COPY_CSS = """
button { font: inherit; font-size: 0.85rem; padding: 0.2rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
         border: 1px solid rgba(49, 51, 63, 0.25); background: transparent; color: inherit; }
button:hover { border-color: #ff4b4b; color: #ff4b4b; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
"""


@dataclass(frozen=True)
class Settings:
    k: int
    articles: list[str] | None  # ids to search, or None for all
    style: str


@st.cache_resource(show_spinner=False)
def engine_loader() -> EngineLoader:
    """The one engine of this server, shared by every session: loaded once, in the background."""
    return EngineLoader(Config.from_env)  # a bad CITEQA_* setting shows as a message, not a traceback


@st.cache_resource(show_spinner=False)
def copy_component():
    """A button that puts a given text on the clipboard. The text is data: it never becomes markup."""
    return st.components.v2.component(
        "citeqa_copy",
        html='<button type="button">Copy</button><span role="status" aria-live="polite" class="sr"></span>',
        css=COPY_CSS,
        js=COPY_JS,
    )


@st.cache_resource(show_spinner=False)
def scroll_component():
    """Scrolls the page to the element with a given class (made here, never from text): ``block`` says
    where it lands ("center" for a paragraph, "start" for a new answer, so its first line shows)."""
    js = """
    export default function ({ data }) {
      const element = document.getElementsByClassName(data.target)[0];
      if (element) element.scrollIntoView({ block: data.block || "center" });
    }
    """
    return st.components.v2.component("citeqa_scroll", js=js)


@st.cache_resource(show_spinner=False)
def focus_component():
    """Puts the keyboard in the chat box, so a question can be typed as soon as the page opens."""
    js = """
    export default function () {
      let tries = 20;  // the chat box may be drawn a moment after this runs
      const focus = () => {
        const box = document.querySelector("[data-testid=stChatInputTextArea]");
        const active = document.activeElement;
        if (active && active.matches("input, textarea, select, [contenteditable]")) return;  // a field in use
        if (box) box.focus();
        else if (tries-- > 0) setTimeout(focus, 100);
      };
      focus();
    }
    """
    return st.components.v2.component("citeqa_focus", js=js)


def copy_button(label: str, name: str, text: str, key: str, html: str = "") -> None:
    """A button that copies ``text`` (and ``html``, the same with its italics) to the clipboard."""
    data = {"label": label, "name": name, "text": text, "html": html}
    copy_component()(data=data, key=key, width="content", height="content")


def main() -> None:
    st.set_page_config(page_title="citeqa", page_icon="📰", layout="wide")
    engine = open_engine()
    settings = sidebar(engine)
    if "article" in st.query_params:
        reader(engine, st.query_params["article"], st.query_params.get("p"))
    else:
        chat(engine, settings)
    with st.sidebar:  # after the chat, so that they include the answer just given
        collection(engine)
        basket(settings.style)
        export(settings.style)


def open_engine() -> Engine:
    """The shared engine; until it is ready, a progress bar instead of a blank page."""
    loader = engine_loader()
    if not loader.wait(0):
        st.title("citeqa")
        bar = st.progress(0.0, text="Starting…")
        while not loader.wait(0.2):
            state = loader.state
            fraction = state.done / state.total if state.total else 0.0
            detail = f" ({state.done} of {state.total})" if state.total else ""
            bar.progress(fraction, text=f"{state.stage}…{detail}")
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
        for message in report.messages:
            st.toast(render.escape(message))
    engine.notice_new_build()  # a build made by `citeqa index` is switched to in the background
    if engine.warning:
        st.warning(render.escape(engine.warning), icon=":material/warning:")
    return engine


def sidebar(engine: Engine) -> Settings:
    with st.sidebar:
        st.header("citeqa")
        if st.button("New conversation", key="new", icon=":material/add_comment:", use_container_width=True):
            st.session_state["messages"] = []
            st.session_state["opened"] = set()
            st.query_params.clear()
            st.rerun()
        articles = engine.articles
        keep_article_choice([a.id for a in articles])
        with st.expander("Settings", expanded=True):
            most = min(MAX_SOURCES, engine.passage_count)
            k = st.slider("Sources per answer", 1, most, min(engine.config.k, most), key="k") if most > 1 else 1
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


def export(style: str) -> None:
    history = st.session_state.get("messages", [])
    if history:
        turns = tuple(history)
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
                f"{len(article.paragraphs)} paragraphs · [read]({reader_link(article.id)})"
            )
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


def basket(style: str) -> None:
    """The quotes pinned in this session: each with its note, removable and movable up or down."""
    pins: list[Pin] = st.session_state.setdefault("basket", [])
    with st.expander(f"Quote basket: {len(pins)} pinned", key="basket-panel"):
        if not pins:
            st.caption("Pin quotes from the answers to collect them here.")
            return
        for i, pin in enumerate(list(pins)):
            with st.container(border=True, key=f"pin-{i}"):
                st.markdown(f"{i + 1}\\. {render.escape(cite(pin.citation, style))}")
                note = st.text_input("Note", value=pin.note, key=f"note-{pin.key}", placeholder="A note for yourself")
                if note != pin.note:
                    pins[i] = replace(pin, note=note)
                with st.container(horizontal=True):
                    if st.button("↑", key=f"up-{pin.key}", help="Move up", disabled=i == 0):
                        pins[i - 1], pins[i] = pins[i], pins[i - 1]
                        st.rerun()
                    if st.button("↓", key=f"down-{pin.key}", help="Move down", disabled=i == len(pins) - 1):
                        pins[i + 1], pins[i] = pins[i], pins[i + 1]
                        st.rerun()
                    if st.button("Remove", key=f"remove-{pin.key}", icon=":material/close:"):
                        del pins[i]
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
        if st.button("Empty the basket", use_container_width=True):
            pins.clear()
            st.rerun()


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
    target = _number(paragraph)
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
            start, end = _number(st.query_params.get("s")), _number(st.query_params.get("e"))
            if start is None or end is None or not 0 <= start < end <= len(text):
                start, end = 0, len(text)
            with st.container(border=True, key=f"para-{number}"):
                st.markdown(f"**¶ {number}** " + render.highlighted(text, start, end))
        else:
            st.markdown(f"**¶ {number}** {render.escape(text)}")
    if target is not None:
        scroll_component()(data={"target": f"st-key-para-{target}"}, key="scroll", height=0)


def _number(value: str | None) -> int | None:
    """A whole number from a link's parameter, or None for anything else ("²", 5,000 digits, "-3")."""
    return int(value) if value and re.fullmatch(r"[0-9]{1,6}", value) else None


def reader_link(article_id: str, paragraph: int | None = None, citation: Citation | None = None) -> str:
    params = {"article": article_id} | ({"p": paragraph} if paragraph else {})
    if citation is not None:
        params |= {"s": citation.quote_start, "e": citation.quote_end}
    return "?" + urlencode(params)


main()
