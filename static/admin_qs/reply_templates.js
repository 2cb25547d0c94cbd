// Workflow pages of the back office: choosing a reply template (答复模板) fills its text field;
// the official then edits it before sending. Without JavaScript the templates stay listed in
// full below the select, to copy from.
(function () {
  "use strict";
  var select = document.getElementById("reply-template");
  if (!select) return;
  var target = document.getElementById(select.getAttribute("data-fills"));
  if (!target) return;
  select.hidden = false;
  var label = document.querySelector("label[for=reply-template]");
  if (label) label.hidden = false;
  select.addEventListener("change", function () {
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) return;
    target.value = option.getAttribute("data-text");
    target.focus();
  });
})();
