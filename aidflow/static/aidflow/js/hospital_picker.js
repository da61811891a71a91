/* The designated-hospital picker of each stay (an ARIA 1.2 combobox with a list box): typing part of
   a name lists the register's hospitals (name, county, level; the clerk's county first); the arrow
   keys move through them, Enter or a click picks one, Esc closes the list. Picking fills the stay's
   hospital name, its hidden hospital_code and its hospital level; typing another name afterwards
   clears the code, and a name not on the register is sent as typed (the calculation then says the
   stay does not count). Without scripts the field is a plain text field matched by name. */
(function () {
  "use strict";
  const form = document.getElementById("filing-form");
  if (!form || !form.dataset.hospitalsUrl) { return; }
  const text = form.dataset;
  let sequence = 0;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  }

  function partsOf(input) {
    const field = input.closest("[data-hospital-field]");
    const row = input.closest("[data-row]");
    return {
      field,
      list: field.querySelector("[role=listbox]"),
      code: field.querySelector("[data-hospital-code]"),
      hint: field.querySelector(".af-hospital__hint"),
      flag: field.querySelector("[data-hospital-flag]"),
      level: row ? row.querySelector("[data-hospital-level]") : null,
    };
  }

  // The register's own spelling, as the server compares names: spaces and full-width forms aside.
  function normal(name) { return name.normalize("NFKC").replace(/\s+/g, "").toLowerCase(); }

  function close(input) {
    const {list} = partsOf(input);
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function options(list) { return [...list.querySelectorAll("[role=option]")]; }

  function activate(input, option) {
    const {list} = partsOf(input);
    for (const item of options(list)) { item.setAttribute("aria-selected", item === option ? "true" : "false"); }
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function status(message) {
    const live = document.getElementById("hospital-picker-status");
    if (!live) { return; }
    live.textContent = "";
    window.setTimeout(() => { live.textContent = message; }, 50);
  }

  function pick(input, option) {
    const {code, level, hint, flag} = partsOf(input);
    flag.hidden = true;
    input.value = option.dataset.name;
    input.dataset.picked = option.dataset.name;
    code.value = option.dataset.code;
    if (level) { level.value = option.dataset.level; }
    hint.textContent = fill(text.labelPicked, {name: option.dataset.name, detail: option.dataset.detail});
    close(input);
    input.focus();
    status(hint.textContent);
    // The live calculation reads the form again.
    input.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function render(input, answer) {
    const {list} = partsOf(input);
    list.textContent = "";
    answer.results.forEach((hospital, index) => {
      const option = document.createElement("li");
      option.id = `${input.id}-option-${index}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.className = "af-hospital__option";
      option.dataset.name = hospital.name;
      option.dataset.code = hospital.code;
      option.dataset.level = String(hospital.level);
      option.dataset.detail = hospital.detail;
      const name = document.createElement("span");
      name.className = "af-hospital__name";
      name.textContent = hospital.name;
      const detail = document.createElement("span");
      detail.className = "af-hospital__detail";
      detail.textContent = hospital.detail + (hospital.note ? ` · ${hospital.note}` : "");
      option.append(name, detail);
      list.appendChild(option);
    });
    const found = answer.results.length;
    list.hidden = !found;
    input.setAttribute("aria-expanded", found ? "true" : "false");
    activate(input, null);
    if (!found) {
      status(text.labelNoMatch);
      return;
    }
    status(fill(text.labelMatches, {count: found}) + (answer.more ? ` ${text.labelMore}` : ""));
  }

  async function lookup(input) {
    const url = `${text.hospitalsUrl}?q=${encodeURIComponent(input.value.trim())}`;
    const response = await fetch(url, {headers: {"X-Requested-With": "fetch"}});
    return response.ok ? response.json() : null;
  }

  async function search(input) {
    const mine = ++sequence;
    try {
      const answer = await lookup(input);
      if (!answer || mine !== sequence || document.activeElement !== input) { return; }
      render(input, answer);
    } catch (error) {
      close(input);
    }
  }

  // Left with a name typed by hand: the register's hospital of exactly that name is taken as
  // picked; any other name is flagged beside the field at once.
  async function settle(input) {
    const {code, flag, level, hint} = partsOf(input);
    if (code.value || !input.value.trim()) { flag.hidden = true; return; }
    if (form.dataset.submitting || input.dataset.settled === input.value) { return; }
    input.dataset.settled = input.value;
    let answer = null;
    try { answer = await lookup(input); } catch (error) { return; }
    if (!answer || code.value) { return; }
    const same = answer.results.find((hospital) => normal(hospital.name) === normal(input.value));
    if (same) {
      input.value = same.name;
      input.dataset.picked = same.name;
      code.value = same.code;
      if (level && !level.value) { level.value = String(same.level); }
      hint.textContent = fill(text.labelPicked, {name: same.name, detail: same.detail});
      flag.hidden = true;
      input.dispatchEvent(new Event("change", {bubbles: true}));
    } else {
      flag.hidden = false;
    }
  }

  function enhance(input) {
    if (input.dataset.pickerReady) { return; }
    input.dataset.pickerReady = "1";
    const {list, code} = partsOf(input);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    if (code.value) { input.dataset.picked = input.value; }
  }

  let timer = null;
  form.addEventListener("input", (event) => {
    const input = event.target.closest("[data-hospital]");
    if (!input) { return; }
    enhance(input);
    const {code, hint, flag} = partsOf(input);
    flag.hidden = true;
    delete input.dataset.settled;
    // Another name than the one picked: no longer that register entry.
    if (input.dataset.picked !== undefined && input.value !== input.dataset.picked) {
      code.value = "";
      delete input.dataset.picked;
      hint.textContent = hint.dataset.initial || hint.textContent;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(() => search(input), 200);
  });

  form.addEventListener("keydown", (event) => {
    const input = event.target.closest("[data-hospital]");
    if (!input) { return; }
    const {list} = partsOf(input);
    const all = options(list);
    const current = all.findIndex((option) => option.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden) { search(input); return; }
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = all[(current + step + all.length) % all.length];
      activate(input, next);
    } else if (event.key === "Enter" && !list.hidden && current >= 0) {
      event.preventDefault();
      pick(input, all[current]);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close(input);
    }
  });

  // A pointer picks without taking focus from the field first.
  form.addEventListener("mousedown", (event) => {
    const option = event.target.closest(".af-hospital__option");
    if (!option) { return; }
    event.preventDefault();
    const input = option.closest("[data-hospital-field]").querySelector("[data-hospital]");
    pick(input, option);
  });

  form.addEventListener("focusout", (event) => {
    const input = event.target.closest && event.target.closest("[data-hospital]");
    if (!input) { return; }
    window.setTimeout(() => {
      if (document.activeElement !== input) { close(input); settle(input); }
    }, 150);
  });

  function start() {
    for (const input of form.querySelectorAll("[data-hospital]")) {
      enhance(input);
      const {hint} = partsOf(input);
      hint.dataset.initial = hint.textContent;
    }
  }
  document.addEventListener("aidflow:row-added", (event) => {
    const input = event.detail.row.querySelector("[data-hospital]");
    if (input) { enhance(input); partsOf(input).hint.dataset.initial = partsOf(input).hint.textContent; }
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
