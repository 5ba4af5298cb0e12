// Monitoring pages: the dashboard refreshes itself. htmx does it when present
// (hx-trigger="every 60s" on #bang-dieu-khien); without htmx, reload the page.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("bang-dieu-khien");
    if (!board || window.htmx) {
      return;
    }
    var seconds = parseInt(board.getAttribute("data-refresh") || "60", 10);
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  });
})();
