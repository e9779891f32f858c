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
  // Uploads with a progress bar: <form data-upload="/api/..." data-done="/page"> holding a file input, a
  // <progress> and a [data-upload-status]; the file is the request body, the CSRF field goes as a header.
  // Without this script the same form posts multipart/form-data to its page route.
  document.querySelectorAll("form[data-upload]").forEach(function (f) {
    var button = f.querySelector("button[type='submit']");
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var file = f.querySelector("input[type='file']").files[0];
      var bar = f.querySelector("progress");
      var status = f.querySelector("[data-upload-status]");
      if (!file) { return; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", f.getAttribute("data-upload"));
      xhr.setRequestHeader("X-CSRF-Token", f.querySelector("input[name='_csrf']").value);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.hidden = false; bar.value = Math.round(100 * e.loaded / e.total); }
      };
      xhr.upload.onload = function () { status.textContent = "Uploaded; verifying the signature and every file..."; };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) { location.href = f.getAttribute("data-done") || location.href; return; }
        var p = {};
        try { p = JSON.parse(xhr.responseText); } catch (e) { p = {}; }
        status.textContent = (p.title || "Upload failed") + ": " + (p.detail || ("HTTP " + xhr.status));
        status.className = "notice error";
        if (button) { button.disabled = false; }
      };
      xhr.onerror = function () {
        status.textContent = "The upload was interrupted.";
        status.className = "notice error";
        if (button) { button.disabled = false; }
      };
      status.className = "";
      status.textContent = "Uploading...";
      if (button) { button.disabled = true; }
      xhr.send(file);
    });
  });
  // Upgrade progress: [data-upgrade-poll] follows /api/v1/upgrades/current through the restart.
  var up = document.querySelector("[data-upgrade-poll]");
  if (up) {
    var said = up.querySelector("[data-upgrade-status]");
    setInterval(function () {
      fetch("/api/v1/upgrades/current", {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) {
          if (r.status === 401) { said.textContent = "The appliance restarted: sign in again to see the outcome."; return null; }
          if (!r.ok) { throw new Error("HTTP " + r.status); }
          return r.json();
        })
        .then(function (s) {
          if (!s) { return; }
          // Updated in place: a reload could land while the server restarts and leave an error page.
          up.querySelector("progress").value = s.percent;
          var log = up.querySelector("[data-upgrade-log]");
          if (log) { log.textContent = s.log.slice(-40).join("\n"); }
          var state = up.querySelector(".state");
          if (state) { state.textContent = s.phase; }
          said.textContent = s.percent + "%";
          if (s.terminal) { location.reload(); }
        })
        .catch(function () { said.textContent = "The appliance is restarting; this page carries on when it answers."; });
    }, 2000);
  }
  // Select-all checkbox for bulk actions: <input type="checkbox" data-select-all="name">
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll("input[type='checkbox'][name='" + all.getAttribute("data-select-all") + "']")
        .forEach(function (c) { c.checked = all.checked; });
    });
  });
});
