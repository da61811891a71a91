/* The settlement window's live calculation: the form posted as a preview, the answer's HTML shown. */
(function () {
  const form = document.getElementById("window-form");
  if (!form) { return; }
  const body = document.querySelector("#settlement-preview .af-preview__body");
  let timer = null;
  async function refresh() {
    const data = new FormData(form);
    data.set("action", "preview");
    const response = await fetch(window.location.pathname, {method: "POST", body: data, headers: {"X-Requested-With": "fetch"}});
    body.innerHTML = await response.text();
  }
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 500); });
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(refresh, 200); });
  // A form that comes filled in (a settlement taken up for correction): its figures computed at once.
  if (form.hasAttribute("data-calculate-now")) { refresh(); }
})();
