// A preview of an answer's source beside its marker [n]: opened by hovering over the marker, by
// focusing it from the keyboard, or by tapping it (a second tap follows the link to the source card);
// closed by Escape, by tapping or clicking elsewhere, or by leaving it. Each answer registers its
// markers' previews, keyed by the links' addresses (made by the app, never from text). The text of a
// preview is data: it only ever reaches the page as textContent.
const ID = "citeqa-preview";

function install() {
  // ``armed``: the tap going on began on the marker whose preview was open, so it follows the link.
  const state = { items: new Map(), marker: null, closing: 0, armed: false };
  const box = document.createElement("div");
  box.id = ID;
  box.className = "citeqa-preview";
  box.setAttribute("role", "tooltip");
  box.hidden = true;
  document.body.appendChild(box);

  const markerOf = (target) => {
    const link = target instanceof Element ? target.closest("a[href^='#']") : null;
    return link && state.items.has(link.getAttribute("href")) ? link : null;
  };
  const fill = (item) => {
    const part = (tag, className, text) => {
      const element = document.createElement(tag);
      element.className = className;
      element.textContent = text;
      return element;
    };
    box.replaceChildren(
      part("blockquote", "citeqa-preview-quote", item.quote),  // verbatim, set apart as a quotation
      part("div", "citeqa-preview-title", `[${item.n}] ${item.title}`),
      part("div", "citeqa-preview-source", `${item.byline} · ${item.place}`),
    );
  };
  const place = () => {
    if (!state.marker) return;
    if (!state.marker.isConnected) return close();  // the answer was drawn anew
    const at = state.marker.getBoundingClientRect();
    const width = box.offsetWidth, height = box.offsetHeight;
    const left = Math.max(8, Math.min(at.left, window.innerWidth - width - 8));
    const below = at.bottom + 6;
    box.style.left = `${left}px`;
    box.style.top = `${below + height > window.innerHeight - 8 && at.top - height - 6 > 8 ? at.top - height - 6 : below}px`;
  };
  const open = (marker) => {
    clearTimeout(state.closing);
    if (state.marker === marker && !box.hidden) return;
    if (state.marker) state.marker.removeAttribute("aria-describedby");
    state.marker = marker;
    fill(state.items.get(marker.getAttribute("href")));
    box.hidden = false;
    marker.setAttribute("aria-describedby", ID);
    place();
  };
  const close = () => {
    clearTimeout(state.closing);
    if (state.marker) state.marker.removeAttribute("aria-describedby");
    state.marker = null;
    box.hidden = true;
  };
  const closeSoon = () => {
    clearTimeout(state.closing);
    state.closing = setTimeout(close, 300);  // time to move the pointer onto the preview
  };

  document.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse") return;
    const marker = markerOf(event.target);
    if (marker) open(marker);
    else if (box.contains(event.target)) clearTimeout(state.closing);
  });
  document.addEventListener("pointerout", (event) => {
    if (event.pointerType !== "mouse" || box.hidden) return;
    const from = markerOf(event.target) || box.contains(event.target);
    const to = event.relatedTarget && (markerOf(event.relatedTarget) === state.marker || box.contains(event.relatedTarget));
    if (from && !to && document.activeElement !== state.marker) closeSoon();
  });
  document.addEventListener("focusin", (event) => {
    const marker = markerOf(event.target);
    if (marker) open(marker);
    else if (!box.hidden) close();
  });
  document.addEventListener("focusout", (event) => {
    if (markerOf(event.target) === state.marker && !box.contains(event.relatedTarget)) close();
  });
  document.addEventListener("pointerdown", (event) => {
    const marker = markerOf(event.target);
    // A tap on the marker whose preview is open goes to the source; any other tap opens it first.
    state.armed = marker !== null && marker === state.marker && !box.hidden;
    if (!marker && !box.contains(event.target)) close();
  }, true);
  document.addEventListener("click", (event) => {
    const marker = markerOf(event.target);
    if (!marker) return;
    if ((event.pointerType === "touch" || event.pointerType === "pen") && !state.armed) {
      event.preventDefault();  // the first tap shows where the quote comes from; the next one goes there
      open(marker);
    } else {
      close();
    }
    state.armed = false;
  }, true);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !box.hidden) close();
  }, true);
  window.addEventListener("resize", place);
  document.addEventListener("scroll", place, { capture: true, passive: true });
  return state;
}

export default function ({ data }) {
  window.citeqaPreviews = window.citeqaPreviews || install();
  const { items } = window.citeqaPreviews;
  for (const item of data.items) items.set(item.href, item);
  return () => {
    for (const item of data.items) if (items.get(item.href) === item) items.delete(item.href);
  };
}
