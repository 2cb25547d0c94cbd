// A spreadsheet job's progress page: polls its small JSON status and moves the bar; when the
// job ends, reloads the page, which then shows the download link or the error. Without
// JavaScript the page refreshes itself (<noscript> meta refresh) and has a reload link.
(function () {
  "use strict";
  var root = document.querySelector(".qs-job[data-polling]");
  if (!root) return;
  var url = root.getAttribute("data-status-url");
  var every = 1000 * (parseInt(root.getAttribute("data-polling"), 10) || 3);
  var bar = document.getElementById("job-progress");
  function text(name, value) {
    var node = root.querySelector('[data-job="' + name + '"]');
    if (node) node.textContent = value;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) return setTimeout(poll, every * 2);
        if (job.finished) return window.location.reload();
        bar.max = job.total || 1;
        bar.value = job.done;
        text("status", job.status_label);
        text("stage", job.stage_label ? "· " + job.stage_label : "");
        text("count", job.done + " / " + job.total);
        text("percent", job.percent);
        setTimeout(poll, every);
      })
      .catch(function () { setTimeout(poll, every * 2); });
  }
  setTimeout(poll, every);
})();
