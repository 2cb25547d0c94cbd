// Sortable tables (progressive enhancement): every `table[data-sortable]` header with
// `data-sort` becomes a button; pressing it sorts the rows by that column (numbers by the
// cell's data-value, text by its words), pressing again reverses. Without JavaScript the
// table keeps the server's order. The footer (合计) never moves.
(function () {
  "use strict";
  var collator = new Intl.Collator(document.documentElement.lang || "zh-CN", { numeric: true });

  function cellValue(row, index, kind) {
    var cell = row.children[index];
    if (!cell) return null;
    if (kind === "number") {
      var raw = cell.getAttribute("data-value");
      if (raw === null) raw = cell.textContent.replace(/[,%\s]/g, "");
      var value = parseFloat(raw);
      return isNaN(value) ? null : value;
    }
    return cell.textContent.trim();
  }

  function sortBy(table, index, kind, header) {
    var body = table.tBodies[0];
    if (!body) return;
    var descending = header.getAttribute("aria-sort") !== "descending";
    // Numbers sort high-to-low first (best first), text A-Z first.
    if (kind === "text") descending = header.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
      if (x === null && y === null) return 0;
      if (x === null) return 1;  // empty cells last either way
      if (y === null) return -1;
      var order = kind === "number" ? x - y : collator.compare(x, y);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    if (!table.tBodies[0] || table.tBodies[0].rows.length < 2) return;
    table.querySelectorAll("thead th[data-sort]").forEach(function (header) {
      var index = Array.prototype.indexOf.call(header.parentNode.children, header);
      var kind = header.getAttribute("data-sort");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, kind, header); });
    });
  });
})();
