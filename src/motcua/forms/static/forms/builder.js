/* Form builder helpers; the builder works without them.
 * - Shows only the inputs that matter for the chosen field type (data-types="...").
 * - Suggests the condition values: the options of the chosen controlling field. */
(function () {
  "use strict";

  function toggleByType(form) {
    var type = form.querySelector("select[name=type]");
    if (!type) { return; }
    form.querySelectorAll("[data-types]").forEach(function (el) {
      el.hidden = el.getAttribute("data-types").split(" ").indexOf(type.value) < 0;
    });
  }

  function suggestValues(form) {
    var controller = form.querySelector("select[name=show_if_field]");
    var value = form.querySelector("input[name=show_if_value]");
    var data = document.getElementById(form.getAttribute("data-options"));
    if (!controller || !value || !data) { return; }
    var options = JSON.parse(data.textContent);
    var list = document.createElement("datalist");
    list.id = value.id + "_goi_y";
    value.parentNode.appendChild(list);
    value.setAttribute("list", list.id);
    function fill() {
      list.textContent = "";
      (options[controller.value] || []).forEach(function (text) {
        var option = document.createElement("option");
        option.value = text;
        list.appendChild(option);
      });
    }
    controller.addEventListener("change", fill);
    fill();
  }

  document.querySelectorAll("form[data-field-form]").forEach(function (form) {
    toggleByType(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "type") { toggleByType(form); }
    });
    suggestValues(form);
  });
})();
