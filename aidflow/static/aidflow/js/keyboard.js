/* Keyboard users reach the sidebar: the Material list marks its links tabindex=-1 (a roving focus
   that only arrow keys would move); every link is given back to the Tab order, also after the
   list resets it. */
(function () {
  function release(root) {
    for (const link of root.querySelectorAll(".vf-page__menu-list-item")) {
      if (link.getAttribute("tabindex") === "-1") { link.setAttribute("tabindex", "0"); }
    }
  }
  const watcher = new MutationObserver(() => release(document));
  function start() {
    release(document);
    watcher.observe(document.body, {subtree: true, attributes: true, attributeFilter: ["tabindex"], childList: true});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("turbo:load", () => release(document));
})();
