/* The filing form's live calculation: the form as it stands, posted to the preview URL. */
(function () {
  const form = document.getElementById("filing-form");
  if (!form) { return; }
  const body = document.querySelector("#calculation-preview .af-preview__body");
  const summary = document.querySelector("#calculation-summary .af-preview-summary__amount");
  const text = form.dataset;
  let timer = null;
  function escape(value) { const div = document.createElement("div"); div.textContent = value; return div.innerHTML; }
  async function refresh() {
    const data = new FormData(form);
    for (const input of form.querySelectorAll("input[type=file]")) { data.delete(input.name); }
    const response = await fetch(text.previewUrl, {method: "POST", body: data, headers: {"X-Requested-With": "fetch"}});
    const result = await response.json();
    if (summary) {
      summary.textContent = response.ok ? (result.eligible ? `${result.amount} ${text.labelYuan}` : text.labelNotEligible) : "-";
      summary.classList.toggle("af-amount--no", response.ok && !result.eligible);
    }
    if (!response.ok) {
      const errors = Object.entries(result.errors || {}).map(([field, messages]) => `<li>${escape(field)}: ${escape(messages.join(" "))}</li>`).join("");
      body.innerHTML = `<p class="af-hint">${escape(result.detail || "")}</p>` + (errors ? `<ul class="af-errors">${errors}</ul>` : "");
      return;
    }
    const reasons = result.reasons.map(reason => `<li>${escape(reason.message)}</li>`).join("");
    const lines = result.explanation.map(line => `<li>${escape(line)}</li>`).join("");
    body.innerHTML = `<p class="af-amount ${result.eligible ? "" : "af-amount--no"}">${escape(result.eligible ? text.labelAmount : text.labelNotEligible)}: <strong>${escape(result.amount)}</strong> ${escape(text.labelYuan)}</p>` +
      (reasons ? `<ul class="af-reasons">${reasons}</ul>` : "") + `<ol class="af-explanation">${lines}</ol>`;
  }
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 400); });
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(refresh, 200); });
})();
