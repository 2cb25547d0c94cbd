// Request form: show only the chosen 街道's 社区. Without JavaScript the 社区 list keeps all
// 社区 grouped by 街道 (<optgroup>), and the server checks that the two fit together.
(function () {
  "use strict";
  var form = document.querySelector("[data-area-form]");
  if (!form) return;
  var subdistrict = form.querySelector("select[name=subdistrict]");
  var community = form.querySelector("select[name=community]");
  if (!subdistrict || !community) return;
  var groups = Array.prototype.slice.call(community.querySelectorAll("optgroup")).map(function (group) {
    return group.cloneNode(true);
  });
  var blank = community.querySelector("option[value='']");
  blank = blank ? blank.cloneNode(true) : null;

  function selectedName() {
    var option = subdistrict.options[subdistrict.selectedIndex];
    return option && option.value ? option.text : "";
  }

  function refresh() {
    var keep = community.value;
    var name = selectedName();
    community.textContent = "";
    if (blank) community.appendChild(blank.cloneNode(true));
    groups.forEach(function (group) {
      if (!name || group.label === name) community.appendChild(group.cloneNode(true));
    });
    community.value = keep;
    if (community.value !== keep) community.value = "";
  }

  // Choosing a 社区 first (all are listed while no 街道 is chosen) also sets its 街道.
  community.addEventListener("change", function () {
    var option = community.options[community.selectedIndex];
    var group = option && option.parentNode && option.parentNode.label;
    if (!group || selectedName() === group) return;
    for (var i = 0; i < subdistrict.options.length; i++) {
      if (subdistrict.options[i].text === group) {
        subdistrict.selectedIndex = i;
        refresh();
        break;
      }
    }
  });
  subdistrict.addEventListener("change", refresh);
  refresh();

  var alert = document.getElementById("form-errors");
  if (alert) alert.focus();

  // 附近已有相同反映: open published requests of the chosen 社区 (else 街道) and class, from a
  // small public JSON endpoint. Public fields only; text is set as text, never as HTML.
  var similar = form.querySelector("[data-similar]");
  var category = form.querySelector("select[name=category]");
  if (!similar || !category || !window.fetch) return;
  var list = similar.querySelector(".similar__list");
  var more = similar.querySelector("[data-similar-more]");
  var asked = "";

  function showSimilar() {
    var area = community.value || subdistrict.value;
    var code = category.value;
    var query = area && code ? "?area=" + encodeURIComponent(area) + "&category=" + encodeURIComponent(code) : "";
    if (query === asked) return;
    asked = query;
    if (!query) {
      similar.hidden = true;
      return;
    }
    fetch(similar.getAttribute("data-url") + query, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (query !== asked) return;
        list.textContent = "";
        (data.results || []).forEach(function (item) {
          var li = document.createElement("li");
          li.textContent = item.title + " · " + item.status_label + " · " + item.tracking_no;
          list.appendChild(li);
        });
        if (more) more.setAttribute("href", more.getAttribute("href").split("?")[0] + "?area=" + area + "&category=" + code);
        similar.hidden = !list.children.length;
      })
      .catch(function () { similar.hidden = true; });
  }

  [category, subdistrict, community].forEach(function (select) {
    select.addEventListener("change", showSimilar);
  });
  showSimilar();
})();
