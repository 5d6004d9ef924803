// Shows what the "When" box resolves to (bounds, precision, display) while the editor types.
"use strict";
(function () {
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var when = document.getElementById("id_when");
    var reference = document.getElementById("id_when_reference");
    if (!when) return;
    var out = document.createElement("p");
    out.id = "when-preview";
    out.setAttribute("role", "status");
    out.setAttribute("aria-live", "polite");
    out.className = "help";
    when.parentNode.appendChild(out);
    var url = window.location.pathname.replace(/(add|\d+\/change)\/$/, "") + "resolve-date/";
    var timer = null;
    function update() {
      var text = when.value.trim();
      if (!text) { out.textContent = ""; return; }
      var query = "?when=" + encodeURIComponent(text) +
        "&reference=" + encodeURIComponent(reference ? reference.value.trim() : "");
      fetch(url + query, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.error) { out.textContent = "⚠ " + data.error; out.style.color = "#ba2121"; return; }
          out.style.color = "";
          out.textContent = "Will store: " + data.earliest + " to " + data.latest + " · " +
            data.precision + (data.approximate ? " · approximate" : "") + " · shown as “" + data.display + "”";
        })
        .catch(function () { out.textContent = ""; });
    }
    function schedule() { clearTimeout(timer); timer = setTimeout(update, 250); }
    when.addEventListener("input", schedule);
    if (reference) reference.addEventListener("input", schedule);
    update();
  });
})();
