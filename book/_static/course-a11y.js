// The theme's table of contents opens and closes a chapter's sub-pages with a <details> whose
// <summary> holds only an arrow icon, so a screen reader announces it without a name (axe rule
// summary-name). Name each one after the chapter it belongs to.
document.addEventListener("DOMContentLoaded", () => {
  for (const summary of document.querySelectorAll("details > summary")) {
    if (summary.textContent.trim() || summary.hasAttribute("aria-label")) continue;
    const item = summary.closest("li");
    const link = item && item.querySelector(":scope > a");
    const chapter = link ? link.textContent.trim() : "this chapter";
    summary.setAttribute("aria-label", `Show or hide the pages under ${chapter}`);
  }
});
