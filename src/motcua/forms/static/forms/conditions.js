/* Conditional fields of an online form (forms/_fields.html).
 * A block with data-show-if="key" is shown only while the field "key" holds
 * data-show-if-value (or, when that is empty, any value), and while "key" itself is shown:
 * the same rule the server applies (motcua.forms.validation.visibility). Hidden inputs keep
 * their values, so switching back loses nothing. Without this script every block stays
 * visible with a sentence saying when it is needed. */
(function () {
  "use strict";
  if (window.motcuaFormConditions) { return; }
  window.motcuaFormConditions = true;

  function norm(text) {
    return String(text).normalize("NFC").trim().toLowerCase().replace(/\s+/g, " ");
  }

  function valuesOf(root, key) {
    var found = [];
    root.querySelectorAll("[name]").forEach(function (el) {
      if (el.name !== key) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { found.push(el.value); }
      } else if (el.value.trim() !== "") {
        found.push(el.value);
      }
    });
    return found;
  }

  function update(root) {
    var byKey = {};
    root.querySelectorAll("[data-field-key]").forEach(function (el) {
      byKey[el.getAttribute("data-field-key")] = el;
    });
    var memo = {};
    function shown(block, depth) {
      var key = block.getAttribute("data-show-if");
      if (!key || !byKey[key] || depth > 50) { return true; }
      if (!(key in memo)) { memo[key] = shown(byKey[key], depth + 1); }
      if (!memo[key]) { return false; }
      var expected = norm(block.getAttribute("data-show-if-value") || "");
      var values = valuesOf(root, key);
      if (expected === "") { return values.length > 0; }
      return values.some(function (v) { return norm(v) === expected; });
    }
    root.querySelectorAll("[data-show-if]").forEach(function (block) {
      block.hidden = !shown(block, 0);
    });
  }

  function init() {
    document.querySelectorAll("[data-bm]").forEach(function (root) {
      update(root);
      root.addEventListener("change", function () { update(root); });
      root.addEventListener("input", function () { update(root); });
    });
    var summary = document.getElementById("bm-loi");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
