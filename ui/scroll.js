export default function ({ data }) {
  // For a moment after a rerun the page still moves under the target (elements of the last run are
  // swapped out, the app may scroll itself), so the target is brought back into view whenever it
  // moves, until the reader takes over with the wheel, a touch, a key or a click.
  const block = data.block || "center";
  let stopped = false;
  for (const name of ["wheel", "touchstart", "keydown", "mousedown"]) {
    window.addEventListener(name, () => { stopped = true; }, { once: true, capture: true });
  }
  // Streamlit marks its app root while the script still runs: the page is not settled before it ends.
  const running = () => document.querySelector("[data-test-script-state='running']") !== null;
  let last = null;
  let still = 0;  // checks in a row, after the run, in which it did not move: 2 s of that, and it has settled
  let tries = 300;  // 30 s at most
  const bring = () => {
    const element = document.getElementsByClassName(data.target)[0];
    if (stopped || !element) return;
    const top = element.getBoundingClientRect().top;
    if (last === null || Math.abs(top - last) > 1) {
      element.scrollIntoView({ block });
      still = 0;
    } else if (!running()) {
      still += 1;
    }
    last = element.getBoundingClientRect().top;
    if (still < 20 && tries-- > 0) setTimeout(bring, 100);
  };
  bring();
}
