/* Keyboard and screen-reader fixes to the Material widgets, applied again whenever they re-render.
   - The sidebar: the Material list marks its links tabindex=-1 (a roving focus that only arrow keys
     would move); every link is given back to the Tab order, also after the list resets it.
   - Icon buttons inside fields (choose a file, pick a date, show the password): their only text is
     the icon's ligature name ("file_upload", "today"), which a screen reader would read out. They are
     named from the page's <meta name="af-control-names" data-<icon>="... {label} ...">, with the
     field's own translated label; the hidden file input is named after that label too. */
(function () {
  const names = (document.querySelector("meta[name=af-control-names]") || {dataset: {}}).dataset;
  function release(root) {
    for (const link of root.querySelectorAll(".vf-page__menu-list-item")) {
      if (link.getAttribute("tabindex") === "-1") { link.setAttribute("tabindex", "0"); }
    }
  }
  function setName(element, name) {
    if (name && element.getAttribute("aria-label") !== name) { element.setAttribute("aria-label", name); }
  }
  function nameFieldButtons(root) {
    for (const button of root.querySelectorAll(".vf-text-field__button")) {
      const field = button.closest("[label]");
      const label = field ? field.getAttribute("label") : "";
      const icon = button.querySelector(".material-icons");
      if (!icon) { continue; }
      if (icon.getAttribute("aria-hidden") !== "true") { icon.setAttribute("aria-hidden", "true"); }
      setName(button, (names[icon.textContent.trim()] || "{label}").replace("{label}", label));
    }
    // A field's leading icon (the person before the user name, the lock before the password) only
    // decorates; Material gives it role=button all the same.
    for (const icon of root.querySelectorAll(".mdc-text-field__icon--leading:not([aria-hidden])")) {
      icon.setAttribute("aria-hidden", "true");
    }
    for (const input of root.querySelectorAll("input.vf-field__file-input[label]")) {
      setName(input, input.getAttribute("label"));
    }
  }
  // A card whose wide table scrolls sideways (on a phone) must scroll from the keyboard too: when
  // nothing inside it takes focus, the card itself does, named after its heading.
  function focusableScrollers(root) {
    for (const card of root.querySelectorAll(".af-card")) {
      const scrolls = card.scrollWidth > card.clientWidth + 1;
      const focusable = card.querySelector("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])");
      if (scrolls && !focusable && !card.hasAttribute("tabindex")) {
        const heading = card.querySelector("h1, h2, h3");
        card.setAttribute("tabindex", "0");
        card.setAttribute("role", "region");
        if (heading) { card.setAttribute("aria-label", heading.textContent.trim()); }
      }
    }
  }
  function fix() { release(document); nameFieldButtons(document); focusableScrollers(document); }
  const watcher = new MutationObserver(fix);
  function start() {
    fix();
    watcher.observe(document.body, {subtree: true, attributes: true, attributeFilter: ["tabindex"], childList: true, characterData: true});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("turbo:load", fix);
  window.addEventListener("resize", () => focusableScrollers(document));
})();
