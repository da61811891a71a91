/* The claim review: a settlement's reason field shows once it is refused (as non-compliant or for
   correction), and its row is marked. Without scripts every reason field shows and the server
   checks what applies. */
(function () {
  function update(select) {
    const cell = select.closest(".af-review-cell");
    const reason = cell && cell.querySelector("[data-refusal-reason]");
    const refused = select.value !== "";
    if (reason) { reason.hidden = !refused; }
    const row = select.closest("tr");
    if (row) { row.classList.toggle("af-row--refused", refused); }
  }

  function start() {
    for (const select of document.querySelectorAll("select[data-refusal]")) {
      update(select);
      select.addEventListener("change", () => update(select));
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
