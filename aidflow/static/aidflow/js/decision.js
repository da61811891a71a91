/* Fields that depend on the decision - the reasons, the missing materials, a lower amount - appear
   with the decision that needs them (data-show-for="reject return" on the field). A hidden field is
   also disabled, so what was typed under another decision is not sent with this one. Without
   scripts every field shows and the server checks what applies. */
(function () {
  const FIELD_INPUTS = "input, textarea, select";

  // The radio group the fields depend on: the decision, or another one the form names
  // (data-choice-field="relationship" on the filing form: a guardian names the patient).
  function field(form) { return form.dataset.choiceField || "decision"; }

  function chosen(form) {
    const checked = form.querySelector('input[name="' + field(form) + '"]:checked');
    return checked ? checked.value : "";
  }

  function update(form) {
    const decision = chosen(form);
    for (const field of form.querySelectorAll("[data-show-for]")) {
      const show = field.dataset.showFor.split(" ").includes(decision);
      const cell = field.closest(".mdc-layout-grid__cell") || field;
      cell.hidden = !show;
      for (const input of cell.querySelectorAll(FIELD_INPUTS)) { input.disabled = !show; }
    }
  }

  function start() {
    for (const form of document.querySelectorAll("form[data-decision-form]")) {
      update(form);
      form.addEventListener("change", (event) => {
        if (event.target.name === field(form)) { update(form); }
      });
      // The Material fields render their inputs after the page loads: apply again when they appear.
      new MutationObserver(() => update(form)).observe(form, {childList: true, subtree: true});
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
