export default function ({ data }) {
  // The page may still change above the target for a moment (older answers collapse when the rerun
  // ends), so the target is brought back into view while it moves, until the reader scrolls themselves.
  const block = data.block || "center";
  let stopped = false;
  const stop = () => { stopped = true; };
  for (const name of ["wheel", "touchstart", "keydown", "mousedown"]) {
    window.addEventListener(name, stop, { once: true, capture: true });
  }
  let last = null;
  let tries = 30;
  const bring = () => {
    const element = document.getElementsByClassName(data.target)[0];
    if (stopped || !element) return;
    const top = element.getBoundingClientRect().top;
    if (last === null || Math.abs(top - last) > 1) element.scrollIntoView({ block });
    last = element.getBoundingClientRect().top;
    if (tries-- > 0) setTimeout(bring, 100);
  };
  bring();
}
