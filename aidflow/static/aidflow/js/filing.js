/* The filing form's live calculation: the form as it stands, posted to the preview URL. The answer
   is the amount with its explanation, the stays that do not count and why, the warnings, and beside
   each stay what the register and the referrals say of it; a stay already claimed elsewhere (409)
   shows that instead of an amount, beside the stay and in the calculation. */
(function () {
  "use strict";
  const form = document.getElementById("filing-form");
  if (!form) { return; }
  const body = document.querySelector("#calculation-preview .af-preview__body");
  const summary = document.querySelector("#calculation-summary .af-preview-summary__amount");
  const text = form.dataset;
  let timer = null;
  let sequence = 0;

  function escape(value) { const div = document.createElement("div"); div.textContent = value; return div.innerHTML; }
  function fill(template, values) { return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole)); }
  function stayRows() { return [...form.querySelectorAll("[data-rows=stays] [data-rows-list] > [data-row]")]; }
  function stayTitle(row) { return fill(text.labelStay, {n: row + 1}); }

  // Beside each stay: [{kind: "excluded" | "warning" | "ok" | "conflict", text}], and a link to the
  // referrals screen where a referral is missing.
  function showStayNotes(notesByRow, referralRows) {
    stayRows().forEach((row, index) => {
      const box = row.querySelector("[data-stay-notes]");
      if (!box) { return; }
      const notes = notesByRow[index] || [];
      box.innerHTML = notes.map((note) => `<p class="af-stay-note af-stay-note--${escape(note.kind)}">${escape(note.text)}</p>`).join("") +
        (referralRows.has(index) ? `<p class="af-stay-note"><a href="${escape(text.referralsUrl)}" target="_blank" rel="noopener">${escape(text.labelReferrals)}</a></p>` : "");
    });
  }

  function entriesList(entries) {
    const items = (entries || []).map((entry) => `<li>${entry.label ? `${escape(entry.label)}：` : ""}${escape(entry.message)}</li>`).join("");
    return items ? `<ul class="af-errors">${items}</ul>` : "";
  }

  function showConflict(result) {
    const notes = {};
    for (const [row, messages] of Object.entries(result.stays || {})) {
      notes[Number(row)] = messages.map((message) => ({kind: "conflict", text: message}));
    }
    showStayNotes(notes, new Set());
    summary.textContent = text.labelConflict;
    summary.classList.add("af-amount--no");
    body.innerHTML = `<p class="af-amount af-amount--no"><strong>${escape(text.labelConflict)}</strong></p>` +
      `<p>${escape(text.labelConflictLead)}</p>` + entriesList(result.entries);
  }

  function showResult(result) {
    const notes = {};
    const referrals = new Set();
    const excluded = [];
    for (const stay of result.stays_checked || []) {
      notes[stay.row] = stay.notes;
      if (stay.referral_missing) { referrals.add(stay.row); }
      if (!stay.counted) {
        const why = stay.notes.filter((note) => note.kind === "excluded").map((note) => note.text).join(" ");
        excluded.push(`<li>${escape(stayTitle(stay.row))}（${escape(stay.hospital)}）：${escape(why)}</li>`);
      }
    }
    showStayNotes(notes, referrals);
    summary.textContent = result.eligible ? `${result.amount} ${text.labelYuan}` : text.labelNotEligible;
    summary.classList.toggle("af-amount--no", !result.eligible);
    const reasons = result.reasons.map((reason) => `<li>${escape(reason.message)}</li>`).join("");
    const warnings = (result.warnings || []).map((warning) => `<li>${escape(warning.message)}</li>`).join("");
    const lines = result.explanation.map((line) => `<li>${escape(line)}</li>`).join("");
    body.innerHTML = `<p class="af-amount ${result.eligible ? "" : "af-amount--no"}">${escape(result.eligible ? text.labelAmount : text.labelNotEligible)}: <strong>${escape(result.amount)}</strong> ${escape(text.labelYuan)}</p>` +
      (reasons ? `<ul class="af-reasons">${reasons}</ul>` : "") +
      (excluded.length ? `<h3 class="af-preview__heading">${escape(text.labelExcluded)}</h3><ul class="af-reasons">${excluded.join("")}</ul>` : "") +
      (warnings ? `<div class="af-warnings"><h3 class="af-preview__heading">${escape(text.labelWarnings)}</h3><ul>${warnings}</ul></div>` : "") +
      `<ol class="af-explanation">${lines}</ol>`;
  }

  async function refresh() {
    if (form.dataset.submitting) { return; }
    const mine = ++sequence;
    const data = new FormData(form);
    for (const input of form.querySelectorAll("input[type=file]")) { data.delete(input.name); }
    const response = await fetch(text.previewUrl, {method: "POST", body: data, headers: {"X-Requested-With": "fetch"}});
    const result = await response.json();
    if (mine !== sequence) { return; }  // an older answer arriving after a newer one
    if (response.status === 409) { showConflict(result); return; }
    if (!response.ok) {
      // The notes beside the stays stay as the last calculation left them while a row is filled in.
      summary.textContent = "-";
      summary.classList.remove("af-amount--no");
      body.innerHTML = `<p class="af-hint">${escape(result.detail || "")}</p>` + entriesList(result.entries);
      return;
    }
    showResult(result);
  }

  // The amount's bar stays stuck to the bottom of the screen: a field focused under it is brought up
  // (scroll-padding does it for keyboard focus in most browsers, not for every way of focusing).
  form.addEventListener("focusin", (event) => {
    const bar = document.getElementById("calculation-summary");
    if (!bar || !event.target.matches("input, select, textarea")) { return; }
    const field = event.target.getBoundingClientRect();
    const cover = bar.getBoundingClientRect();
    if (field.bottom > cover.top && field.top < cover.bottom && !bar.contains(event.target)) {
      event.target.scrollIntoView({block: "center"});
    }
  });
  // A hospital's name is calculated with once it is picked or left (its change event), not while its
  // picker is searching the register.
  form.addEventListener("input", (event) => {
    if (event.target.matches("[data-hospital]")) { return; }
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(refresh, 200); });
  // Once the form is sent, no calculation is asked for any more.
  form.addEventListener("submit", () => { clearTimeout(timer); sequence += 1; form.dataset.submitting = "1"; });
  // A form shown again with its errors: its calculation at once, with each stay's notes.
  if (document.querySelector("[data-error-summary]")) { refresh(); }
})();
