// bookgen's fixes to Zensical 0.0.73's search dialog (`bookgen build --engine zensical`), for
// axe-core's "serious" findings. The dialog lives in a shadow root, which the site's stylesheets
// cannot reach, so a stylesheet is adopted into it: each result's path is drawn at 45% opacity
// (3.4:1), the filter panel's headings ("Tags") at 2.4:1, and the matched words in the accent
// colour (4.2:1). Each result's accessible name was its
// title alone while the link shows title, path and excerpt (label-content-name-mismatch): the
// name is left to the link's text. Nothing else in the dialog is touched.
(function () {
  "use strict";
  var sheet = new CSSStyleSheet();
  sheet.replaceSync(
    "[role=listbox] menu { color: rgb(var(--color-foreground) / .8) }" +
    "h4[id$='-title'] { color: rgb(var(--color-foreground) / .8); opacity: 1 }" +
    "dialog[aria-label] { --color-highlight: var(--md-typeset-a-color) }");
  function fixResults(root) {
    root.querySelectorAll("[role=option][aria-labelledby]").forEach(function (option) {
      option.removeAttribute("aria-labelledby");
    });
  }
  function adopt(host) {
    var root = host.shadowRoot;
    if (!root || root.adoptedStyleSheets.indexOf(sheet) >= 0) return;
    root.adoptedStyleSheets = root.adoptedStyleSheets.concat([sheet]);
    fixResults(root);
    new MutationObserver(function () { fixResults(root); })
      .observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["aria-labelledby"] });
  }
  function scan() {
    for (var i = 0; i < document.body.children.length; i++) adopt(document.body.children[i]);
  }
  function start() {
    scan();
    new MutationObserver(scan).observe(document.body, { childList: true });
    document.addEventListener("click", scan, true);  // a shadow root attached after its host
    document.addEventListener("keydown", scan, true);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
