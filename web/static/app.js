// mallihaku: the search page works without this script; it only makes it quicker to use.
// Ticking a facet, changing the sort or typing in the search box (after a pause) fetches the
// same server-rendered page for the new URL and swaps in its results area, with the URL in
// the history so that back and forward work.
(function () {
  "use strict";
  var form = document.getElementById("haku");
  var area = document.getElementById("tulosalue");
  var input = document.getElementById("q");
  if (!form || !area || !input || !window.fetch || !window.history.pushState) return;
  var root = document.documentElement;
  root.classList.add("js");

  var narrow = window.matchMedia("(max-width: 56rem)");
  var filters = document.getElementById("rajaa");
  if (filters && narrow.matches) filters.open = false; // the chips show what is chosen

  var typingTimer = 0;
  var typingEntry = false; // the history entry on top was made by typing: replace it, not add
  var inflight = null;
  var shown = location.pathname + location.search; // the search the results are of

  function urlOf() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && !(name === "sort" && value === "relevance")) params.append(name, value);
    });
    var qs = params.toString();
    return "/" + (qs ? "?" + qs : "");
  }

  // focusKey names the focused control so it can be focused again after the swap.
  function focusKey() {
    var el = document.activeElement;
    if (!el || !area.contains(el)) return null;
    if (el.name && el.type === "checkbox") return 'input[name="' + CSS.escape(el.name) + '"][value="' + CSS.escape(el.value) + '"]';
    if (el.id) return "#" + CSS.escape(el.id);
    return null;
  }

  // load shows the results of url. A search typed half-way (how === "typing") that the server
  // refuses, such as "p*", keeps the results shown; any other refusal shows the server's page.
  function load(url, how) {
    if (inflight) inflight.abort();
    var ctrl = new AbortController();
    inflight = ctrl;
    root.setAttribute("data-busy", "");
    return fetch(url, { signal: ctrl.signal, headers: { Accept: "text/html" } })
      .then(function (resp) {
        return resp.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var next = doc.getElementById("tulosalue");
          if (!resp.ok || !next) {
            if (how !== "typing") window.location.assign(url);
            return;
          }
          swap(doc, next);
          shown = url;
          // Typing makes one history entry for the words, not one per pause.
          if (how === "push" || (how === "typing" && !typingEntry)) history.pushState(null, "", url);
          else if (how === "replace" || how === "typing") history.replaceState(null, "", url);
          typingEntry = how === "typing";
        });
      })
      .catch(function (err) { if (err.name !== "AbortError" && how !== "typing") window.location.assign(url); })
      .finally(function () {
        if (inflight === ctrl) { inflight = null; root.removeAttribute("data-busy"); }
      });
  }

  function swap(doc, next) {
    var key = focusKey();
    var wasOpen = filters ? filters.open : true;
    // The live region stays the same element, so screen readers announce the new count.
    var live = document.getElementById("tulosmaara");
    var nextLive = next.querySelector("#tulosmaara");
    if (live && nextLive) {
      live.innerHTML = nextLive.innerHTML;
      live.setAttribute("data-total", nextLive.getAttribute("data-total"));
      nextLive.replaceWith(live);
    }
    area.replaceChildren.apply(area, Array.prototype.slice.call(next.childNodes));
    filters = document.getElementById("rajaa");
    if (filters) filters.open = wasOpen;
    document.title = doc.title;
    ["link[rel=alternate][type='application/atom+xml']", "#kielet"].forEach(function (sel) {
      var old = document.querySelector(sel), fresh = doc.querySelector(sel);
      if (old && fresh) old.replaceWith(document.importNode(fresh, true));
    });
    var hidden = form.querySelectorAll(":scope > input[type=hidden]");
    hidden.forEach(function (el) { el.remove(); });
    doc.querySelectorAll("#haku > input[type=hidden]").forEach(function (el) {
      area.before(document.importNode(el, true));
    });
    if (key) {
      var again = area.querySelector(key);
      if (again) again.focus();
    }
  }

  form.addEventListener("change", function (e) {
    var t = e.target;
    if (t.type === "checkbox" || t.id === "sort" || t.type === "number") load(urlOf(), "push");
  });

  input.addEventListener("input", function () {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      var url = urlOf();
      if (url !== shown) load(url, "typing");
    }, 300);
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(typingTimer);
    var url = urlOf();
    load(url, url === shown ? "replace" : "push");
  });

  window.addEventListener("popstate", function () {
    if (location.pathname + location.search === shown) return; // only the #fragment moved
    typingEntry = false;
    var q = new URLSearchParams(location.search).get("q") || "";
    if (input.value !== q) input.value = q;
    load(location.pathname + location.search, "none");
  });
})();
