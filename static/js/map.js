// A Leaflet map of the points printed in the page. The points are also listed as text,
// so the page stays whole when the map tiles (or this script) cannot load.
(function () {
  "use strict";
  var el = document.querySelector("[data-map]");
  if (!el || !window.L) return;
  var data = document.getElementById(el.getAttribute("data-map"));
  var points = data ? JSON.parse(data.textContent) : [];
  if (!points.length) return;
  el.hidden = false;
  var map = window.L.map(el, { scrollWheelZoom: false });
  var layersData = document.getElementById(el.getAttribute("data-layers"));
  var layers = layersData ? JSON.parse(layersData.textContent) : [];
  var failed = 0, loaded = 0;
  layers.forEach(function (layer) {
    var tiles = window.L.tileLayer(layer.url, {
      maxZoom: 18,
      subdomains: layer.subdomains || "abc",
      attribution: layer.attribution
    });
    tiles.on("tileerror", function () {
      failed += 1;
      if (failed >= 4 && loaded === 0) {
        el.classList.add("map--no-tiles");
        var note = document.querySelector("[data-map-note]");
        if (note) note.textContent = note.getAttribute("data-offline") || note.textContent;
      }
    });
    tiles.on("tileload", function () { loaded += 1; });
    tiles.addTo(map);
  });
  var bounds = [];
  points.forEach(function (p) {
    var marker = window.L.marker([p.lat, p.lng], { title: p.label, alt: p.label }).addTo(map);
    // Labels are names as written (Chinese): say so on English pages too (language of parts).
    // The icon exists once the map has its view, so this waits for it.
    marker.on("add", function () {
      var icon = marker.getElement();
      if (icon) icon.setAttribute("lang", "zh-CN");
    });
    var popup = document.createElement("span");
    popup.setAttribute("lang", "zh-CN");
    if (p.url) {
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.label;
      popup.appendChild(a);
    } else {
      popup.textContent = p.label;
    }
    marker.bindPopup(popup);
    bounds.push([p.lat, p.lng]);
  });
  if (bounds.length === 1) map.setView(bounds[0], 15);
  else map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
})();
