// The campaign pages' own script: adds and removes rows of duty officers
// on the officers form. Posting the form and showing its errors is
// form.js's work; a new row gets the next number, so the server's
// "officers.3.phone" still names the row it came from.
"use strict";

(function () {
  var rows = document.getElementById("officer-rows");
  var template = document.getElementById("officer-row-template");
  var add = document.getElementById("add-officer");
  if (!rows || !template || !add) {
    return;
  }

  // form.js shows and hides each row's parts when the form changes.
  function changed() {
    rows.closest("form").dispatchEvent(new Event("change", { bubbles: true }));
  }

  add.addEventListener("click", function () {
    var index = Number(rows.getAttribute("data-next"));
    rows.setAttribute("data-next", String(index + 1));
    rows.insertAdjacentHTML(
      "beforeend",
      template.innerHTML.replace(/__i__/g, String(index)),
    );
    changed();
    rows.lastElementChild.querySelector("select").focus();
  });

  rows.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-officer");
    if (button) {
      button.closest(".officer-row").remove();
      changed();
    }
  });
})();
