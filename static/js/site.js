// Display switch without a page reload. Without JavaScript the same GET form sets the
// cookies on the server and comes back, so this file only makes it quicker.
(function () {
  "use strict";
  var form = document.querySelector("[data-display-form]");
  if (!form) return;
  var YEAR = 365 * 24 * 3600;
  var settings = {
    text: { cookie: "qs_text", on: "large", off: "normal", cls: "text-large" },
    contrast: { cookie: "qs_contrast", on: "high", off: "normal", cls: "contrast-high" }
  };
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-toggle]");
    if (!button) return;
    var s = settings[button.getAttribute("data-toggle")];
    if (!s) return;
    event.preventDefault();
    var turnOn = button.getAttribute("aria-pressed") !== "true";
    document.documentElement.classList.toggle(s.cls, turnOn);
    document.cookie = s.cookie + "=" + (turnOn ? s.on : s.off) + "; max-age=" + YEAR + "; path=/; samesite=lax";
    button.setAttribute("aria-pressed", turnOn ? "true" : "false");
    button.value = turnOn ? s.off : s.on;
    window.dispatchEvent(new Event("resize")); // charts re-measure
  });
})();

// Large text on a phone: the navigation is one row that scrolls sideways (site.css); bring the
// current page's item into view, as a reader would expect to see where they are.
(function () {
  "use strict";
  var list = document.querySelector(".site-nav ul");
  var current = list && list.querySelector('[aria-current="page"]');
  if (!current || list.scrollWidth <= list.clientWidth) return;
  var bar = list.getBoundingClientRect();
  var item = current.getBoundingClientRect();
  if (item.right > bar.right) list.scrollLeft += item.left - bar.left - (bar.width - item.width) / 2;
})();
