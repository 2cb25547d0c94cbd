// "Use my location" under the home page's 街道/社区 picker. The browser asks for the position
// only when the button is tapped; the nearest 社区 is found here, on the phone, from the public
// points of the 社区 and 小区, and only the chosen 街道 and 社区 go to the server (the same
// /my-area/ link the selects use). Without JavaScript or geolocation the button stays hidden.
(function () {
  "use strict";
  var box = document.querySelector("[data-locate]");
  if (!box || !("geolocation" in navigator) || !window.fetch) return;
  var button = box.querySelector("[data-locate-button]");
  var status = box.querySelector("[data-locate-status]");
  var MAX_KM = 5; // farther than this from every point: not in the district
  box.hidden = false;

  function say(key) {
    status.textContent = box.getAttribute("data-" + key) || "";
  }

  function km(lat1, lng1, lat2, lng2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad;
    var dLng = (lng2 - lng1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
  }

  function nearest(points, lat, lng) {
    var best = null;
    var bestKm = Infinity;
    points.forEach(function (p) {
      var d = km(lat, lng, p.lat, p.lng);
      if (d < bestKm) { best = p; bestKm = d; }
    });
    return bestKm <= MAX_KM ? best : null;
  }

  function choose(position) {
    fetch(box.getAttribute("data-points"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        var best = nearest(data.points || [], position.coords.latitude, position.coords.longitude);
        if (!best) { say("far"); button.disabled = false; return; }
        say("found");
        window.location.assign(box.getAttribute("data-choose") +
          "?subdistrict=" + encodeURIComponent(best.subdistrict) +
          "&community=" + encodeURIComponent(best.community));
      })
      .catch(function () { say("unavailable"); button.disabled = false; });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("asking");
    navigator.geolocation.getCurrentPosition(choose, function (error) {
      say(error && error.code === 1 ? "denied" : "unavailable");
      button.disabled = false;
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
})();
