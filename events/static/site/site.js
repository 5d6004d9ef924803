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

  /* The map: country outlines (Natural Earth) and one marker per place, linked with the list. */
  var STYLE = {
    point: { radius: 7, color: "#ffffff", weight: 2, fillColor: "#a3262a", fillOpacity: 0.92 },
    area: { radius: 15, color: "#3f5673", weight: 2, dashArray: "4 4", fillColor: "#3f5673", fillOpacity: 0.12 },
    active: { color: "#16191d", weight: 3, fillColor: "#e0561b", fillOpacity: 0.95 },
  };

  function initMap() {
    var container = document.getElementById("map");
    var data = document.getElementById("map-points");
    if (!container || !data || !window.L) return;
    var points = JSON.parse(data.textContent);
    var map = L.map(container, { zoomSnap: 0.25, scrollWheelZoom: false, maxZoom: 10, minZoom: 1 });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    map.createPane("outlines").style.zIndex = 350;

    fetch(container.dataset.countries)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (geojson) {
        if (!geojson) return;
        L.geoJSON(geojson, {
          pane: "outlines",
          interactive: false,
          attribution: "Borders: Natural Earth",
          style: { color: "#a79f8f", weight: 0.8, fillColor: "#f3efe6", fillOpacity: 1 },
        }).addTo(map);
        addCountryLabels(map, geojson);
      })
      .catch(function () { /* Markers still show without the outlines. */ });

    // The view first: Leaflet draws a marker (and so gives it an element) once the map has one.
    var focus = mainCluster(points);
    if (points.length === 0) map.setView([30, 20], 1.5);
    else if (focus.length === 1) map.setView(latLng(focus[0]), 5);
    else map.fitBounds(L.latLngBounds(focus.map(latLng)).pad(0.35), { maxZoom: 7 });
    if (focus.length < points.length) {
      addShowAll(map, L.latLngBounds(points.map(latLng)), points.length - focus.length);
    }

    var markers = {};
    points.forEach(function (point) {
      var base = L.Util.extend({ className: "event-marker" }, point.area ? STYLE.area : STYLE.point);
      if (!point.area) base.radius = Math.min(14, 6 + 2 * Math.sqrt(point.events.length));
      var marker = L.circleMarker([point.lat, point.lon], base).addTo(map);
      marker.base = base;
      var count = point.events.length;
      marker.bindTooltip(point.name + " · " + count + " event" + (count === 1 ? "" : "s") + (point.area ? " (area)" : ""), { direction: "top", offset: [0, -6] });
      marker.bindPopup(popupFor(point, container.dataset.placeUrl), { maxWidth: 280 });
      marker.on("mouseover", function () { highlightEntries(point.id, true); setActive(marker, true); });
      marker.on("mouseout", function () { highlightEntries(point.id, false); setActive(marker, false); });
      marker.on("click", function () { revealEntries(point.id); });
      var path = marker.getElement && marker.getElement();
      if (path) path.setAttribute("data-place", point.id);
      markers[point.id] = marker;
    });


    each(".entry[data-place]", function (entry) {
      var marker = markers[entry.dataset.place];
      if (!marker) return;
      entry.addEventListener("mouseenter", function () { setActive(marker, true); });
      entry.addEventListener("mouseleave", function () { setActive(marker, false); });
      entry.addEventListener("focusin", function () { setActive(marker, true); });
      entry.addEventListener("focusout", function () { setActive(marker, false); });
    });
    each("[data-show-on-map]", function (button) {
      button.addEventListener("click", function () {
        var marker = markers[button.dataset.showOnMap];
        if (!marker) return;
        if (container.getBoundingClientRect().top < 0 || window.innerWidth <= 960) {
          container.scrollIntoView({ behavior: "smooth", block: "center" });
        }
        map.setView(marker.getLatLng(), Math.max(map.getZoom(), 6));
        marker.openPopup();
        setActive(marker, true);
        window.setTimeout(function () { setActive(marker, false); }, 2500);
      });
    });
    container.mapInstance = map;
  }

  function latLng(point) { return [point.lat, point.lon]; }

  /* Country names at the middle of each country's largest part, shown from zoom 4 on and
     drawn beneath the markers; they take no pointer or keyboard focus. */
  var LABEL_ZOOM = 4;
  function addCountryLabels(map, geojson) {
    var labels = L.layerGroup();
    geojson.features.forEach(function (feature) {
      var polygons = feature.geometry.type === "Polygon" ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      var largest = null;
      var area = -1;
      polygons.forEach(function (polygon) {
        var bounds = L.latLngBounds(polygon[0].map(function (c) { return [c[1], c[0]]; }));
        var size = (bounds.getNorth() - bounds.getSouth()) * (bounds.getEast() - bounds.getWest());
        if (size > area) { area = size; largest = bounds; }
      });
      if (!largest || area < 1) return;
      labels.addLayer(L.marker(largest.getCenter(), {
        pane: "outlines",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "country-label", html: "<span></span>", iconSize: [0, 0] }),
      }).on("add", function (event) {
        event.target.getElement().firstChild.textContent = feature.properties.name;
      }));
    });
    function toggle() {
      if (map.getZoom() >= LABEL_ZOOM) labels.addTo(map);
      else labels.remove();
    }
    map.on("zoomend", toggle);
    toggle();
  }

  /* Most events of a chronology cluster in one region, with a few far away (a summit abroad):
     open on the cluster around the events' median place, and offer a button for all places. */
  var CLUSTER_DEGREES = 12;
  function mainCluster(points) {
    if (points.length < 3) return points;
    function median(key) {
      var weighted = [];
      points.forEach(function (point) { point.events.forEach(function () { weighted.push(point[key]); }); });
      weighted.sort(function (a, b) { return a - b; });
      return weighted[Math.floor(weighted.length / 2)];
    }
    var lat = median("lat");
    var lon = median("lon");
    var near = points.filter(function (point) {
      return Math.abs(point.lat - lat) <= CLUSTER_DEGREES && Math.abs(point.lon - lon) <= CLUSTER_DEGREES;
    });
    return near.length ? near : points;
  }

  function addShowAll(map, all, outside) {
    var Control = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var button = el("button", { type: "button", class: "map-all" }, "Show all places (" + outside + " more)");
        L.DomEvent.disableClickPropagation(button);
        button.addEventListener("click", function () { map.fitBounds(all.pad(0.1)); });
        return button;
      },
    });
    map.addControl(new Control());
  }

  function setActive(marker, on) {
    marker.setStyle(on ? L.Util.extend({}, marker.base, STYLE.active) : marker.base);
    if (on) marker.bringToFront();
  }

  function popupFor(point, placeUrl) {
    var box = el("div", { class: "map-popup" });
    var title = el("p", { class: "map-popup__title" });
    title.appendChild(el("a", { href: placeUrl.replace("__slug__", point.slug) }, point.name));
    box.appendChild(title);
    var list = el("ul");
    point.events.forEach(function (event) {
      var item = el("li");
      item.appendChild(el("time", {}, event.date));
      var link = el("a", { href: "#event-" + event.id }, event.headline);
      // The list is the page's content: a plain anchor jump leaves the back button working.
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function highlightEntries(placeId, on) {
    each('.entry[data-place="' + placeId + '"]', function (entry) {
      entry.classList.toggle("is-highlighted", on);
    });
  }

  var revealed = null;
  function revealEntries(placeId) {
    if (revealed !== null) highlightEntries(revealed, false);
    revealed = placeId;
    highlightEntries(placeId, true);
    var first = document.querySelector('.entry[data-place="' + placeId + '"]');
    if (first && window.innerWidth > 960) first.scrollIntoView({ behavior: "smooth", block: "nearest" });
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

  function start() {
    initFilterForm();
    initSuggestions();
    initMap();
    initArticle();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
