/* Errors that stay, and a confirmation before what cannot be undone (templates/aidflow/_form_errors.html
   and _confirm.html include this script).
   - The error summary of a failed submit takes focus when the page loads, so it is read out and in
     view; each entry moves focus to its field (the control inside a Material field). Material
     fields show their first error below the input; the input is marked invalid and described by it.
   - A confirmation the server rendered inline opens as a modal dialog: focus moves into it, Esc or
     "back" closes it, and focus returns to the button that asked. Its own form posts the values
     again, confirmed; without scripts it simply stays where it is, at the top of the page.
   Turbo may show pages without reloading this script: the page's parts are set up once each. */
(function () {
  "use strict";
  if (window.aidflowForms) { window.aidflowForms.start(); return; }

  const CONTROLS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), " +
    "textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex='-1'])";

  // The control behind an id an error names: the element itself when it takes input, else a
  // Material field's own input (<id>_control) or the first control inside it.
  function controlOf(element) {
    if (!element) { return null; }
    if (element.matches("input, select, textarea, button")) { return element; }
    return document.getElementById(element.id + "_control") || element.querySelector(CONTROLS);
  }

  function moveTo(id) {
    const element = document.getElementById(id);
    if (!element) { return false; }
    const control = controlOf(element) || element;
    (control.closest(".mdc-layout-grid__cell, label, .af-field") || control).scrollIntoView({block: "center"});
    if (control === element && !element.matches(CONTROLS)) { element.setAttribute("tabindex", "-1"); }
    control.focus({preventScroll: true});
    return document.activeElement === control;
  }

  function describe(control, helper) {
    control.setAttribute("aria-invalid", "true");
    const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (helper && !ids.includes(helper.id)) {
      control.setAttribute("aria-describedby", [...ids, helper.id].join(" "));
    }
  }

  function markInvalid() {
    for (const field of document.querySelectorAll("[error][id]")) {
      const helper = field.querySelector(".mdc-text-field-helper-text, .mdc-select-helper-text, .vf-field__help-text, [class*=helper-text]");
      if (helper && !helper.id) { helper.id = field.id + "_error"; }
      const controls = field.querySelectorAll("input:not([type=hidden]), select, textarea");
      for (const control of controls) { describe(control, helper); }
    }
    for (const message of document.querySelectorAll(".af-field-error[id]")) {
      const control = document.getElementById(message.id.replace(/-error$/, ""));
      if (control) { describe(control, message); }
    }
  }

  function returnFocus(dialog) {
    const opener = document.getElementById(dialog.dataset.opener || "");
    const back = dialog.querySelector("[data-confirm-cancel]");
    const section = back ? document.getElementById(back.getAttribute("href").slice(1)) : null;
    const target = opener || section;
    if (!target) { return; }
    if (!target.matches(CONTROLS)) { target.setAttribute("tabindex", "-1"); }
    target.focus({preventScroll: true});
    target.scrollIntoView({block: "center"});
  }

  function openDialog(dialog) {
    if (typeof dialog.showModal !== "function") { return; }
    // Rendered open inline (for pages without scripts): opened again as a modal.
    if (dialog.open) { dialog.close(); }
    dialog.addEventListener("close", () => {
      // The close event of the inline dialog above arrives after it opened again: not this one.
      if (dialog.open || dialog.hidden) { return; }
      dialog.hidden = true;
      returnFocus(dialog);
    });
    dialog.showModal();
    const first = dialog.querySelector("[autofocus]");
    if (first && document.activeElement !== first) { first.focus(); }
  }

  let marking = 0;
  function start() {
    for (const dialog of document.querySelectorAll("dialog[data-confirm-dialog]:not([data-ready])")) {
      dialog.dataset.ready = "1";
      openDialog(dialog);
    }
    const summary = document.querySelector("[data-error-summary]:not([data-ready])");
    if (summary && !document.querySelector("dialog[data-confirm-dialog][open]")) {
      summary.dataset.ready = "1";
      summary.focus({preventScroll: true});
      summary.scrollIntoView({block: "center"});
    }
    markInvalid();
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-error-target]");
    if (link && moveTo(link.dataset.errorTarget)) { event.preventDefault(); return; }
    const back = event.target.closest("[data-confirm-cancel]");
    const dialog = back && back.closest("dialog[data-confirm-dialog]");
    if (dialog && dialog.open) { event.preventDefault(); dialog.close(); }
  });
  // Material fields draw their inputs after the page has loaded: mark them once they are there.
  new MutationObserver(() => {
    if (marking || !document.querySelector("[error], .af-field-error")) { return; }
    marking = window.requestAnimationFrame(() => { marking = 0; markInvalid(); });
  }).observe(document.documentElement, {childList: true, subtree: true});

  window.aidflowForms = {start};
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("turbo:load", start);
})();
