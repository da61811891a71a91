// The staff form in the admin: show the region picker or the hospital picker the chosen role
// needs, and empty a picker when it is hidden, so nothing unseen is sent. A field that carries an
// error stays visible, so the error can be read and corrected.
(function () {
  "use strict";

  function rowOf(name) {
    return document.querySelector(".form-row.field-" + name);
  }

  function show(name, visible) {
    var row = rowOf(name);
    if (!row) {
      return;
    }
    if (row.classList.contains("errors")) {
      visible = true;
    }
    row.style.display = visible ? "" : "none";
    var select = row.querySelector("select");
    if (!visible && select && select.value) {
      select.value = "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function update(role) {
    var withoutRegion = (role.dataset.withoutRegion || "").split(" ");
    var chosen = role.value;
    show("region", !chosen || withoutRegion.indexOf(chosen) === -1);
    show("hospital", !chosen || chosen === role.dataset.withHospital);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var role = document.getElementById("id_role");
    if (!role || !role.dataset.withHospital) {
      return;
    }
    update(role);
    role.addEventListener("change", function () {
      update(role);
    });
  });
})();
