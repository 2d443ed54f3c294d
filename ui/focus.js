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

