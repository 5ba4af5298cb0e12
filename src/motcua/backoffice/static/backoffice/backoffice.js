/* Back office behaviour, as a static file (the CSP forbids inline scripts):
   - htmx sends Django's CSRF token from the csrftoken cookie;
   - forms with data-confirm ask before an action that cannot be undone;
   - "/" focuses the search box, ↓ from a search box moves into its results;
   - [data-print] prints the page, [data-autosubmit] selects submit their form. */
(function () {
  "use strict";
  function cookie(name) {
    var m = document.cookie.match("(?:^|; )" + name + "=([^;]*)");
    return m ? decodeURIComponent(m[1]) : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRFToken"] = cookie("csrftoken");
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { e.preventDefault(); e.stopImmediatePropagation(); }
  }, true);
  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    var typing = tag === "input" || tag === "textarea" || tag === "select";
    if (e.key === "/" && !typing) {
      var box = document.querySelector("[data-hotkey='/'], input[type=search]");
      if (box) { e.preventDefault(); box.focus(); box.select(); }
    }
    if (e.key === "ArrowDown" && e.target.hasAttribute && e.target.hasAttribute("data-results")) {
      var first = document.querySelector(e.target.getAttribute("data-results") + " a");
      if (first) { e.preventDefault(); first.focus(); }
    }
  });
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-autosubmit")) e.target.form.submit();
  });
})();
