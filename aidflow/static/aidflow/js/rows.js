/* Rows added and removed on the filing form (stays, household members, documents): a Django formset
   whose section carries data-rows="<prefix>". "Add" copies the section's <template> (the formset's
   empty form, "__prefix__" and "{n}" standing for the row's index and number), puts focus in the
   new row and says so in the section's status line; "remove" takes a row out and numbers the rows
   after it again, so the names stay <prefix>-0-... to <prefix>-(n-1)-... and TOTAL_FORMS says n.
   Without scripts the buttons stay hidden and the rows the server drew are sent as they are. */
(function () {
  "use strict";
  const FIELDS = "input:not([type=hidden]), select, textarea";

  function say(section, text) {
    const status = section.querySelector("[data-rows-status]");
    if (!status) { return; }
    // Emptied first, so the same sentence twice is read twice.
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  }

  function setup(section) {
    if (section.dataset.rowsReady) { return; }
    section.dataset.rowsReady = "1";
    const prefix = section.dataset.rows;
    const list = section.querySelector("[data-rows-list]");
    const template = section.querySelector("template[data-row-template]");
    const total = section.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const add = section.querySelector("[data-row-add]");
    const min = Number(section.dataset.rowsMin || 0);
    const max = Number(section.dataset.rowsMax || 1000);
    const pattern = new RegExp(`(${prefix}-)(\\d+|__prefix__)(-)`, "g");

    const rows = () => [...list.querySelectorAll(":scope > [data-row]")];
    const titleOf = (number) => fill(section.dataset.rowTitle, {n: number});

    // Names, ids and the references between them, from one index to another.
    function renumber(row, index) {
      for (const element of [row, ...row.querySelectorAll("*")]) {
        for (const attribute of [...element.attributes]) {
          if (attribute.value.includes(`${prefix}-`)) {
            const value = attribute.value.replace(pattern, `$1${index}$3`);
            if (value !== attribute.value) { element.setAttribute(attribute.name, value); }
          }
        }
      }
      const title = row.querySelector("[data-row-title]");
      if (title) { title.textContent = titleOf(index + 1); }
      const remove = row.querySelector("[data-row-remove]");
      if (remove) { remove.textContent = fill(section.dataset.rowRemove, {n: index + 1}); }
    }

    function refresh() {
      const count = rows().length;
      total.value = String(count);
      add.setAttribute("aria-disabled", count >= max ? "true" : "false");
      for (const remove of list.querySelectorAll("[data-row-remove]")) {
        remove.hidden = false;
        remove.setAttribute("aria-disabled", count <= min ? "true" : "false");
      }
    }

    function changed() {
      // The live calculation and anything else listening hear of it like of typing.
      section.dispatchEvent(new Event("change", {bubbles: true}));
    }

    add.hidden = false;
    add.addEventListener("click", () => {
      const count = rows().length;
      if (count >= max) { say(section, section.dataset.atMax); return; }
      const html = template.innerHTML.split("__prefix__").join(String(count)).split("{n}").join(String(count + 1));
      const holder = document.createElement("div");
      holder.innerHTML = html.trim();
      const row = holder.firstElementChild;
      list.appendChild(row);
      refresh();
      document.dispatchEvent(new CustomEvent("aidflow:row-added", {detail: {row, prefix}}));
      const first = row.querySelector(FIELDS);
      if (first) { first.focus(); }
      say(section, fill(section.dataset.added, {row: titleOf(count + 1)}));
      changed();
    });

    list.addEventListener("click", (event) => {
      const button = event.target.closest("[data-row-remove]");
      if (!button || !list.contains(button)) { return; }
      const all = rows();
      if (all.length <= min) { say(section, section.dataset.atMin); return; }
      const row = button.closest("[data-row]");
      const index = all.indexOf(row);
      row.remove();
      const left = rows();
      left.slice(index).forEach((later, offset) => renumber(later, index + offset));
      refresh();
      // Focus to the row that took its place, else the one before, else the add button.
      const next = left[index] || left[index - 1];
      const target = next ? next.querySelector(FIELDS) : add;
      if (target) { target.focus(); }
      let message = fill(section.dataset.removed, {row: titleOf(index + 1)});
      if (index < left.length) { message += section.dataset.renumbered; }
      say(section, message);
      changed();
    });

    refresh();
  }

  function start() {
    for (const section of document.querySelectorAll("[data-rows]")) { setup(section); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("turbo:load", start);
})();
