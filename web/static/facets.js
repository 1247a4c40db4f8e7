// mallihaku: a filter box and an A–Ö order for the long facet lists of the search page (the
// fieldsets with data-filter). Without this script the lists work as they are; with it, typing
// in the box shows only the values that contain the text, and the order button lists the
// values A–Ö instead of by count. The results area is swapped in by app.js: each new one is
// enhanced again.
(function () {
  "use strict";
  var area = document.getElementById("tulosalue");
  if (!area || !window.MutationObserver) return;
  var n = 0;

  function items(fs) {
    return Array.prototype.slice.call(fs.querySelectorAll(":scope > ul > li, :scope > details.more > ul > li"));
  }

  function enhance(fs) {
    if (fs.querySelector(".facettools")) return;
    items(fs).forEach(function (li, i) { li.setAttribute("data-i", i); });
    n++;
    var tools = document.createElement("div");
    tools.className = "facettools";
    var label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = "suodata-" + n;
    label.textContent = fs.getAttribute("data-filter");
    var box = document.createElement("input");
    box.type = "search";
    box.id = "suodata-" + n;
    box.className = "facetfilter";
    box.autocomplete = "off";
    box.setAttribute("placeholder", fs.getAttribute("data-filter"));
    var order = document.createElement("button");
    order.type = "button";
    order.className = "facetorder";
    order.textContent = fs.getAttribute("data-order-alpha");
    order.setAttribute("aria-label", fs.getAttribute("data-order") + ": " + fs.getAttribute("data-order-alpha"));
    order.setAttribute("aria-pressed", "false");
    tools.append(label, box, order);
    fs.querySelector("legend").after(tools);

    var more = fs.querySelector("details.more");
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter") e.preventDefault(); // the box filters the list; it is no search
    });
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLocaleLowerCase("fi");
      if (needle && more) more.open = true;
      items(fs).forEach(function (li) {
        var v = li.querySelector(":scope > label .v");
        li.hidden = needle !== "" && !(v && v.textContent.toLocaleLowerCase("fi").includes(needle)) && !li.querySelector("input:checked");
      });
    });
    order.addEventListener("click", function () {
      var alpha = order.getAttribute("aria-pressed") !== "true";
      order.setAttribute("aria-pressed", alpha ? "true" : "false");
      var top = fs.querySelector(":scope > ul");
      var rest = more ? more.querySelector(":scope > ul") : null;
      var all = items(fs);
      // A–Ö: every value in one list; by count: each back in its own list, in its place.
      all.sort(function (a, b) {
        if (alpha) return a.querySelector(".v").textContent.localeCompare(b.querySelector(".v").textContent, "fi");
        return a.getAttribute("data-i") - b.getAttribute("data-i");
      });
      all.forEach(function (li) {
        (alpha || !rest || li.getAttribute("data-home") !== "more" ? top : rest).append(li);
      });
      if (more) more.hidden = alpha;
    });
    if (more) more.querySelectorAll(":scope > ul > li").forEach(function (li) { li.setAttribute("data-home", "more"); });
  }

  function enhanceAll() {
    area.querySelectorAll("fieldset.facet[data-filter]").forEach(enhance);
  }
  enhanceAll();
  new MutationObserver(enhanceAll).observe(area, { childList: true });
})();
