/* The histogram: counts on hover, a brush to choose a range of dates (drag across the bars),
   and the dates of the event or place under the pointer marked on it.
   Optional: without it each bar is a link that narrows the dates to it. */
(function () {
  "use strict";

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function plural(count, word) { return count + " " + word + (count === 1 ? "" : "s"); }

  function initHistogram(box) {
    var bars = box.querySelector(".bars");
    var readout = box.querySelector("[data-readout]");
    var hint = box.querySelector("[data-brush-hint]");
    var items = Array.prototype.slice.call(bars.querySelectorAll(".bars__item"));
    if (!items.length) return;
    if (hint) hint.textContent = "Drag across the bars to choose dates, or choose one bar.";

    function describe(item) {
      var certain = +item.dataset.certain;
      var possible = +item.dataset.possible;
      if (!certain && !possible) return item.dataset.label + ": no events";
      return item.dataset.label + ": " + plural(certain, "event") + " dated within it" +
        (possible ? ", " + possible + " more may fall in it" : "");
    }

    function say(text, strong) {
      readout.textContent = "";
      if (strong) {
        var bold = document.createElement("strong");
        bold.textContent = strong;
        readout.appendChild(bold);
      }
      readout.appendChild(document.createTextNode(text));
    }

    function indexAt(clientX) {
      for (var i = 0; i < items.length; i += 1) {
        var rect = items[i].getBoundingClientRect();
        if (clientX < rect.right + 1) return i;
      }
      return items.length - 1;
    }

    var brush = null;
    var swallowClick = false;

    function range() {
      var low = Math.min(brush.from, brush.to);
      var high = Math.max(brush.from, brush.to);
      return { low: low, high: high, first: items[low].dataset.first, last: items[high].dataset.last };
    }

    function paint() {
      var chosen = range();
      items.forEach(function (item, i) { item.classList.toggle("is-brushed", i >= chosen.low && i <= chosen.high); });
      bars.classList.add("is-brushing");
      var first = items[chosen.low].dataset.label;
      var last = items[chosen.high].dataset.label;
      say(" · release to show these dates", chosen.low === chosen.high ? first : first + " – " + last);
      emit("ct:range", { first: chosen.first, last: chosen.last });
      dimEntries(chosen);
    }

    function clear() {
      brush = null;
      bars.classList.remove("is-brushing");
      items.forEach(function (item) { item.classList.remove("is-brushed"); });
      emit("ct:range", null);
      dimEntries(null);
      say("");
    }

    bars.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      brush = { from: indexAt(event.clientX), to: indexAt(event.clientX), moved: false, pointer: event.pointerId };
      event.preventDefault();  // No dragging of the bar's link or selecting text.
    });
    bars.addEventListener("pointermove", function (event) {
      if (!brush) {
        var hovered = event.target.closest(".bars__item");
        if (hovered) say(describe(hovered));
        return;
      }
      var at = indexAt(event.clientX);
      if (at !== brush.to || brush.moved) {
        brush.to = at;
        if (!brush.moved && at !== brush.from) {
          brush.moved = true;
          // From here the drag is a brush: follow the pointer even beyond the strip. (Not on
          // pointerdown: a captured pointer's click would miss the bar's own link.)
          bars.setPointerCapture(brush.pointer);
        }
        if (brush.moved) paint();
      }
    });
    bars.addEventListener("pointerup", function () {
      if (!brush) return;
      var chosen = brush.moved ? range() : null;
      if (!chosen) {
        // A plain click: the bar's own link narrows to it (an empty bar does nothing).
        brush = null;
        return;
      }
      swallowClick = true;
      var url = bars.dataset.url
        .replace("__start__", encodeURIComponent(items[chosen.low].dataset.start))
        .replace("__end__", encodeURIComponent(items[chosen.high].dataset.end));
      say(" · loading…", items[chosen.low].dataset.label + " – " + items[chosen.high].dataset.label);
      window.location.assign(url);
    });
    bars.addEventListener("pointercancel", clear);
    bars.addEventListener("click", function (event) {
      if (swallowClick) { event.preventDefault(); swallowClick = false; }
    }, true);
    bars.addEventListener("pointerleave", function () { if (!brush) say(""); });
    document.addEventListener("keydown", function (event) { if (event.key === "Escape" && brush) clear(); });

    // The dates of the event or place under the pointer, marked on the strip.
    document.addEventListener("ct:dates", function (event) {
      var spans = event.detail || [];
      items.forEach(function (item) {
        var first = item.dataset.first;
        var last = item.dataset.last;
        item.classList.toggle("is-dated", spans.some(function (span) { return span.earliest <= last && span.latest >= first; }));
      });
    });
    each(".entry[data-earliest]", function (entry) {
      var span = [{ earliest: entry.dataset.earliest, latest: entry.dataset.latest }];
      entry.addEventListener("mouseenter", function () { emit("ct:dates", span); });
      entry.addEventListener("mouseleave", function () { emit("ct:dates", null); });
    });
  }

  /* While a range is brushed, the events that cannot fall in it step back. */
  function dimEntries(chosen) {
    each(".entry[data-earliest]", function (entry) {
      var out = chosen && (entry.dataset.latest < chosen.first || entry.dataset.earliest > chosen.last);
      entry.classList.toggle("is-out-of-range", Boolean(out));
    });
  }

  function start() { each("[data-histogram]", initHistogram); }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
