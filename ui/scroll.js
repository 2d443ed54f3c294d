export default function ({ data }) {
  // For a moment after a rerun the page still moves under the target (elements of the last run are
  // swapped out, the app may scroll itself), so the target is brought back into view whenever it
  // moves, until the reader takes over with the wheel, a touch, a key or a click.
  //
  // With a chat box, Streamlit keeps the page stuck to its bottom (scrolling there again 34 ms after
  // it finds itself elsewhere) until it sees a scroll it did not make, and it looks at scrolls at
  // most every 100 ms. So the target is brought into view only once the page has been still for
  // QUIET ms: then Streamlit takes that scroll as the reader's own and lets go of the bottom.
  const QUIET = 150;
  const block = data.block || "center";
  let stopped = false;
  for (const name of ["wheel", "touchstart", "keydown", "mousedown"]) {
    window.addEventListener(name, () => { stopped = true; }, { once: true, capture: true });
  }
  let lastScroll = 0;
  const onScroll = () => { lastScroll = performance.now(); };
  document.addEventListener("scroll", onScroll, { capture: true, passive: true });
  // Streamlit marks its app root while the script still runs: the page is not settled before it ends.
  const running = () => document.querySelector("[data-test-script-state='running']") !== null;
  let placed = null;  // where the target was left the last time it was brought into view
  let still = 0;  // checks in a row, after the run, in which it stayed put: 2 s of that, and it has settled
  let tries = 300;  // 30 s at most
  const bring = () => {
    const element = document.getElementsByClassName(data.target)[0];
    if (stopped || !element) return document.removeEventListener("scroll", onScroll, { capture: true });
    if (placed === null || Math.abs(element.getBoundingClientRect().top - placed) > 1) {
      still = 0;
      if (performance.now() - lastScroll > QUIET) {
        element.scrollIntoView({ block });
        placed = element.getBoundingClientRect().top;
      }
    } else if (!running()) {
      still += 1;
    }
    if (still < 20 && tries-- > 0) setTimeout(bring, 100);
    else document.removeEventListener("scroll", onScroll, { capture: true });
  };
  bring();
}
