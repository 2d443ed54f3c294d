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
