// The "When" box: what it resolves to, shown while the editor types, and written into the date
// fields below it, which are what the form stores. Emptying it puts back what they held.
"use strict";
(function () {
  var FIELDS = ["date_earliest", "date_latest", "date_precision", "date_approximate", "date_display"];

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function field(name) { return document.getElementById("id_" + name); }

  function read(input) { return input.type === "checkbox" ? input.checked : input.value; }

  function write(input, value) {
    if (input.type === "checkbox") input.checked = Boolean(value);
    else input.value = value;
  }

  ready(function () {
    var when = field("when");
    var reference = field("when_reference");
    if (!when) return;
    var inputs = {};
    var saved = {};
    FIELDS.forEach(function (name) {
      var input = field(name);
      if (input) { inputs[name] = input; saved[name] = read(input); }
    });
    var out = document.createElement("p");
    out.id = "when-preview";
    out.setAttribute("role", "status");
    out.setAttribute("aria-live", "polite");
    out.className = "help";
    when.parentNode.appendChild(out);
    var url = window.location.pathname.replace(/(add|\d+\/change)\/$/, "") + "resolve-date/";
    var timer = null;
    var filled = false;

    function fill(values) {
      Object.keys(inputs).forEach(function (name) {
        write(inputs[name], values[name]);
        inputs[name].classList.toggle("when-filled", values !== saved);
      });
      filled = values !== saved;
    }

    function update() {
      var text = when.value.trim();
      if (!text) {
        out.textContent = "";
        out.classList.remove("when-preview--error");
        if (filled) fill(saved);
        return;
      }
      var query = "?when=" + encodeURIComponent(text) +
        "&reference=" + encodeURIComponent(reference ? reference.value.trim() : "");
      fetch(url + query, { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.error) {
            out.textContent = "⚠ " + data.error + " (the fields below are unchanged)";
            out.classList.add("when-preview--error");
            if (filled) fill(saved);
            return;
          }
          out.classList.remove("when-preview--error");
          out.textContent = "Filled in below: " + data.earliest + " to " + data.latest + " · " +
            data.precision + (data.approximate ? " · approximate" : "") + " · shown as “" + data.display + "”";
          fill({
            date_earliest: data.earliest,
            date_latest: data.latest,
            date_precision: data.precision,
            date_approximate: data.approximate,
            date_display: data.display,
          });
        })
        .catch(function () { out.textContent = ""; });
    }
    function schedule() { clearTimeout(timer); timer = setTimeout(update, 250); }
    when.addEventListener("input", schedule);
    if (reference) reference.addEventListener("input", schedule);
    update();
  });
})();
