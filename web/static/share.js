// mallihaku: the model page's copy buttons. Without this script the permanent link is a plain
// link and the citation plain text, to copy by hand; with it, each gets a button that copies it
// and says so in the page's status line, which screen readers announce.
(function () {
  "use strict";
  var status = document.getElementById("kopioitu");
  if (!status) return;

  // selectText selects the element's text, so that it can be copied by hand when copying fails.
  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  // copy puts text on the clipboard: by the Clipboard API where the page may use it (HTTPS,
  // localhost), else by the older copy command on a selection.
  function copy(text, el) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      selectText(el);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      window.getSelection().removeAllRanges();
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  document.querySelectorAll(".copy[data-copy]").forEach(function (slot) {
    var source = document.getElementById(slot.getAttribute("data-copy"));
    if (!source) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copybutton";
    button.textContent = slot.getAttribute("data-label");
    button.addEventListener("click", function () {
      var text = source.tagName === "A" ? source.href : source.textContent;
      status.textContent = "";
      copy(text, source).then(function () {
        status.textContent = slot.getAttribute("data-done");
      }, function () {
        selectText(source);
        status.textContent = slot.getAttribute("data-failed");
      });
    });
    slot.replaceWith(button);
  });
})();
