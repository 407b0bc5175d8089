// Bulk export progress: polls the job's status and updates the bar; reloads the page when the
// job finishes so the download link (or the outcome) shows. Without JavaScript the page
// refreshes itself (<noscript> meta refresh) and has a Refresh link.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box || box.getAttribute("data-finished") === "true") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("export-bar");
  var count = box.querySelector("[data-export-count]");
  var status = box.querySelector("[data-export-status] .badge");
  var fallback = box.querySelector(".no-js-only");
  if (fallback) { fallback.hidden = true; }
  var delay = 1000;

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { delay = Math.min(delay * 2, 15000); return; }
        if (job.total) {
          bar.max = job.total;
          bar.value = job.done;
          bar.textContent = job.done + "/" + job.total;
          if (count) { count.textContent = job.progress_text; }
        }
        if (status) { status.textContent = job.status_label; }
        if (job.finished) { window.location.reload(); return; }
        delay = Math.min(delay + 500, 4000);
      })
      .catch(function () { delay = Math.min(delay * 2, 15000); })
      .then(function () { window.setTimeout(poll, delay); });
  }
  window.setTimeout(poll, delay);
}());
