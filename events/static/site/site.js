/* Conflict Tracker public site: small enhancements over server-rendered pages.
   Everything here is optional: without it the list, filters, paging and histogram still work. */
(function () {
  "use strict";

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  /* Filters: leave empty fields out of the URL, so the address says only what was asked. */
  function initFilterForm() {
    // On a phone the form folds away under its summary, unless it has something to say.
    each("[data-filters]", function (box) {
      var narrow = window.matchMedia("(max-width: 640px)").matches;
      if (narrow && !box.querySelector(".field--invalid")) box.open = false;
    });
    each("[data-filter-form]", function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var params = new URLSearchParams();
        new FormData(form).forEach(function (value, name) {
          var text = String(value).trim();
          if (text) params.append(name, text);
        });
        var query = params.toString();
        window.location.assign(form.getAttribute("action") + (query ? "?" + query : ""));
      });
    });
  }

  /* Suggestions for actor and place fields from the API's search (names and aliases). */
  function initSuggestions() {
    each("input[data-suggest]", function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      var timer = null;
      var asked = "";
      if (!list) return;
      input.addEventListener("input", function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked) return;
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          asked = text;
          var url = input.dataset.suggest + "?page_size=8&q=" + encodeURIComponent(text);
          fetch(url, { headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : { results: [] }; })
            .then(function (data) { fillSuggestions(list, data.results || []); })
            .catch(function () { /* Suggestions are a convenience; typing still works. */ });
        }, 220);
      });
    });
  }

  function fillSuggestions(list, rows) {
    var names = {};
    rows.forEach(function (row) { names[row.name] = (names[row.name] || 0) + 1; });
    var options = rows.map(function (row) {
      // A name two places share would be ambiguous: offer the slug instead.
      var option = el("option", { value: names[row.name] > 1 ? row.slug : row.name });
      var aliases = (row.aliases || []).slice(0, 3).join(", ");
      var where = row.parent ? " in " + row.parent : "";
      option.label = aliases ? row.name + " — also " + aliases : row.name + (row.kind ? " (" + row.kind + where + ")" : "");
      return option;
    });
    list.replaceChildren.apply(list, options);
  }

  /* The article page: light up every excerpt of the event in the address (#cite-N, #event-N)
     and the events of an excerpt under the pointer. */
  function initArticle() {
    var marks = document.querySelectorAll("mark.cite[data-events]");
    if (!marks.length) return;
    function light(id) {
      Array.prototype.forEach.call(marks, function (mark) {
        mark.classList.toggle("is-current", id !== null && mark.dataset.events.split(" ").indexOf(String(id)) >= 0);
      });
      each(".citing__item", function (item) { item.classList.toggle("is-highlighted", item.dataset.event === String(id)); });
    }
    function fromHash() {
      var found = window.location.hash.match(/^#(?:cite|event)-(\d+)$/);
      light(found ? found[1] : null);
      var item = found && document.getElementById("event-" + found[1]);
      var box = item && item.closest(".citing__sticky");
      // Scroll the side list, not the page, which shows the excerpt.
      if (box && box.scrollHeight > box.clientHeight) {
        box.scrollTop += item.getBoundingClientRect().top - box.getBoundingClientRect().top - 48;
      }
    }
    each(".citing__item", function (item) {
      item.addEventListener("mouseenter", function () { light(item.dataset.event); });
      item.addEventListener("mouseleave", fromHash);
    });
    Array.prototype.forEach.call(marks, function (mark) {
      mark.addEventListener("mouseenter", function () {
        var ids = mark.dataset.events.split(" ");
        each(".citing__item", function (item) { item.classList.toggle("is-highlighted", ids.indexOf(item.dataset.event) >= 0); });
      });
      mark.addEventListener("mouseleave", fromHash);
    });
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }

  /* "Copy the code" beside the embed snippet; without it the code can still be selected. */
  function initCopy() {
    each("[data-copy]", function (button) {
      var source = document.getElementById(button.dataset.copy);
      if (!source) return;
      source.addEventListener("focus", function () { source.select(); });
      button.addEventListener("click", function () {
        source.select();
        var done = function () { button.textContent = "Copied"; };
        if (navigator.clipboard) navigator.clipboard.writeText(source.value).then(done, function () { document.execCommand("copy"); done(); });
        else { document.execCommand("copy"); done(); }
      });
    });
  }

  function start() {
    initFilterForm();
    initSuggestions();
    initArticle();
    initCopy();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
