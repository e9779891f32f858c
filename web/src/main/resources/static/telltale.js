// Conveniences only: every page works without this script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Copy buttons: <button data-copy="element-id">
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var el = document.getElementById(b.getAttribute("data-copy"));
      if (!el || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(el.textContent.trim()).then(function () {
        var label = b.textContent;
        b.textContent = "Copied";
        setTimeout(function () { b.textContent = label; }, 1500);
      });
    });
  });
  // Live refresh: <meta name="tt-refresh" content="seconds"> reloads the page while it is visible.
  var refresh = document.querySelector("meta[name='tt-refresh']");
  if (refresh) {
    var s = parseInt(refresh.getAttribute("content"), 10);
    if (s >= 5) {
      setInterval(function () { if (!document.hidden) { location.reload(); } }, s * 1000);
    }
  }
  // Select-all checkbox for bulk actions: <input type="checkbox" data-select-all="name">
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input[type='checkbox'][name='" + all.getAttribute("data-select-all") + "']")
        .forEach(function (c) { c.checked = all.checked; });
    });
  });
});
