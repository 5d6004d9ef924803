/* Conflict Tracker map: an offline basemap (Natural Earth countries, the region's provinces,
   capitals and major cities), the events' places coloured by event type and clustered when
   dense (the legend is in the page, beneath it), and links both ways with the list and the
   histogram.
   Optional: without it every event still names its place in the list. */
(function () {
  "use strict";

  var ZOOM = { countryLabels: 3.5, cityLabels: 4, placeLabels: 5.5, provinceLabels: [6, 7] };
  // How far around a place "Show on map" looks, in degrees of latitude, by the kind of place:
  // enough to show the towns and borders around it, not an empty close-up.
  var CONTEXT = {
    site: 0.25, neighbourhood: 0.25, village: 0.4, city: 0.6, route: 0.8, sub_district: 0.8,
    district: 1.1, border_area: 1.3, water: 2, governorate: 2, region: 2.5, country: 5,
  };
  // Outside the detailed region only countries and capitals are drawn: look wider there.
  var FAR_CONTEXT = 7;
  var BASE = { color: "#ffffff", weight: 1.5, fillOpacity: 0.95 };
  var AREA = { weight: 2, dashArray: "4 4", fillOpacity: 0.16 };
  var ACTIVE = { color: "#16191d", weight: 3, fillOpacity: 1 };

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || document).querySelectorAll(selector), fn);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  /* Event-type colours live in the stylesheet (one definition): read them from it. */
  var colours = {};
  function familyColour(slug) {
    if (!(slug in colours)) {
      var probe = el("span", { class: "family--" + slug + " colour-probe" });
      var dot = el("span", { class: "type-dot" });
      probe.appendChild(dot);
      document.body.appendChild(probe);
      colours[slug] = window.getComputedStyle(dot).backgroundColor;
      probe.remove();
    }
    return colours[slug];
  }

  function families(point) {
    var counts = {};
    point.events.forEach(function (event) {
      var found = counts[event.family] || (counts[event.family] = { slug: event.family, name: event.family_name, count: 0 });
      found.count += 1;
    });
    return Object.keys(counts).map(function (key) { return counts[key]; })
      .sort(function (a, b) { return b.count - a.count || a.name.localeCompare(b.name); });
  }

  function overlaps(event, range) {
    return !range || (event.earliest <= range.last && event.latest >= range.first);
  }

  function latLng(point) { return [point.lat, point.lon]; }

  function label(className, text) {
    var span = el("span", { class: "map-label__text" }, text);
    return L.divIcon({ className: "map-label " + className, html: span, iconSize: null });
  }

  function initMap() {
    var container = document.getElementById("map");
    var data = document.getElementById("map-points");
    if (!container || !data || !window.L) return;
    var points = JSON.parse(data.textContent);
    var map = L.map(container, { zoomSnap: 0.25, scrollWheelZoom: false, maxZoom: 11, minZoom: 1 });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    map.createPane("land").style.zIndex = 250;
    map.createPane("lines").style.zIndex = 260;
    map.createPane("labels").style.zIndex = 450;
    map.getPane("labels").style.pointerEvents = "none";

    var basemap = loadBasemap(map, container, points);

    var focus = mainCluster(points);
    if (points.length === 0) map.setView([30, 20], 1.5);
    else if (focus.length === 1) map.setView(latLng(focus[0]), 6);
    else map.fitBounds(L.latLngBounds(focus.map(latLng)).pad(0.35), { maxZoom: 7 });
    if (focus.length < points.length) {
      addShowAll(map, L.latLngBounds(points.map(latLng)), points.length - focus.length);
    }

    var cluster = L.markerClusterGroup({
      maxClusterRadius: 34,
      animate: false,  // Clusters change at once, so a marker can be found right after a zoom.
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: clusterIcon,
    });
    var markers = {};
    var byId = {};
    points.forEach(function (point) {
      var marker = placeMarker(point, container);
      markers[point.id] = marker;
      byId[point.id] = point;
    });
    cluster.addLayers(Object.keys(markers).map(function (id) { return markers[id]; }));
    map.addLayer(cluster);
    keepPlaceLabels(map, container);

    // The list and the map point at each other; the histogram's brush narrows both.
    each(".entry[data-place]", function (entry) {
      var marker = markers[entry.dataset.place];
      if (!marker) return;
      function on() { setActive(marker, true); }
      function off() { setActive(marker, false); }
      entry.addEventListener("mouseenter", on);
      entry.addEventListener("mouseleave", off);
      entry.addEventListener("focusin", on);
      entry.addEventListener("focusout", off);
    });
    each("[data-show-on-map]", function (button) {
      button.addEventListener("click", function () {
        var marker = markers[button.dataset.showOnMap];
        if (!marker) return;
        if (container.getBoundingClientRect().top < 0 || window.innerWidth <= 960) {
          container.scrollIntoView({ behavior: "smooth", block: "center" });
        }
        basemap.then(function (layers) {
          map.fitBounds(contextBounds(byId[button.dataset.showOnMap], layers), { animate: false, maxZoom: 10 });
          if (!cluster.hasLayer(marker)) cluster.addLayer(marker);
          uncluster(map, cluster, marker);
          // A popup of its own: one bound to the marker would close if clustering redrew it.
          var popup = L.popup({ minWidth: 180, className: "map-popup-box" })
            .setLatLng(marker.getLatLng())
            .setContent(popupFor(byId[button.dataset.showOnMap], container.dataset.placeUrl));
          fitPopup(popup, container);
          popup.openOn(map);
          setActive(marker, true);
          window.setTimeout(function () { setActive(marker, false); }, 2500);
        });
      });
    });
    document.addEventListener("ct:range", function (event) {
      var range = event.detail;
      var shown = [];
      var hidden = [];
      points.forEach(function (point) {
        var inRange = point.events.some(function (e) { return overlaps(e, range); });
        (inRange ? shown : hidden).push(markers[point.id]);
      });
      cluster.removeLayers(hidden.filter(function (m) { return cluster.hasLayer(m); }));
      cluster.addLayers(shown.filter(function (m) { return !cluster.hasLayer(m); }));
    });
    container.mapInstance = map;
    container.clusterGroup = cluster;
    container.markers = markers;
  }

  function placeMarker(point, container) {
    var kinds = families(point);
    var style = L.Util.extend({ className: "event-marker" }, BASE, point.area ? AREA : {});
    style.fillColor = familyColour(kinds[0].slug);
    if (point.area) {
      style.color = style.fillColor;
      style.radius = 14;
    } else {
      style.radius = Math.min(13, 5 + 2 * Math.sqrt(point.events.length));
    }
    var marker = L.circleMarker(latLng(point), style);
    marker.base = style;
    marker.point = point;
    marker.families = kinds;
    marker.bindTooltip(point.name, {
      permanent: true, direction: "right", offset: [style.radius, 0], className: "place-label", interactive: false,
    });
    // Before bindPopup's own click handler, which opens the popup.
    marker.on("click", function () { fitPopup(marker.getPopup(), container); });
    marker.bindPopup(function () { return popupFor(point, container.dataset.placeUrl); }, { minWidth: 180, className: "map-popup-box" });
    marker.on("add", function () {
      var path = marker.getElement && marker.getElement();
      if (path) path.setAttribute("data-place", point.id);
    });
    marker.on("mouseover", function () {
      highlightEntries(point.id, true);
      setActive(marker, true);
      emit("ct:dates", point.events);
    });
    marker.on("mouseout", function () {
      highlightEntries(point.id, false);
      setActive(marker, false);
      emit("ct:dates", null);
    });
    marker.on("click", function () { revealEntries(point.id); });
    return marker;
  }

  /* A popup stays clear of the zoom buttons (top left), the buttons top right and the
     attribution (bottom): Leaflet pans the map until the popup fits inside these margins,
     measured each time one opens. */
  function fitPopup(popup, container) {
    function size(selector) {
      var found = container.querySelector(selector);
      return found ? found.getBoundingClientRect() : { width: 0, height: 0 };
    }
    var options = popup.options;
    var top = size(".leaflet-top.leaflet-right").height + 8;
    var bottom = Math.max(size(".leaflet-bottom.leaflet-left").height, size(".leaflet-bottom.leaflet-right").height) + 8;
    options.autoPanPaddingTopLeft = L.point(size(".leaflet-top.leaflet-left").width + 8, top);
    options.autoPanPaddingBottomRight = L.point(8, bottom);
    options.maxHeight = Math.max(100, container.clientHeight - top - bottom - 60);
    options.maxWidth = Math.min(280, container.clientWidth - 70);
  }

  /* Zoom in until the marker is drawn on its own, or spread its cluster out where places
     share a point (a city and its governorate's seat). */
  function uncluster(map, cluster, marker) {
    var zoom = map.getZoom();
    while (!marker._map && zoom < map.getMaxZoom()) {
      zoom = Math.min(map.getMaxZoom(), Math.floor(zoom) + 1);
      map.setView(marker.getLatLng(), zoom, { animate: false });
    }
    var parent = cluster.getVisibleParent(marker);
    if (!marker._map && parent && parent.spiderfy) parent.spiderfy();
  }

  function clusterIcon(group) {
    var counts = {};
    var total = 0;
    group.getAllChildMarkers().forEach(function (marker) {
      marker.families.forEach(function (family) {
        counts[family.slug] = (counts[family.slug] || 0) + family.count;
        total += family.count;
      });
    });
    var stops = [];
    var at = 0;
    Object.keys(counts).sort().forEach(function (slug) {
      var next = at + (360 * counts[slug]) / total;
      stops.push(familyColour(slug) + " " + at.toFixed(1) + "deg " + next.toFixed(1) + "deg");
      at = next;
    });
    var size = Math.round(Math.min(48, 26 + 5 * Math.sqrt(total)));
    var ring = el("span", { class: "map-cluster__ring" });
    // Set through the style object (CSSOM), which a strict Content-Security-Policy allows.
    ring.style.background = "conic-gradient(" + stops.join(", ") + ")";
    var count = el("span", { class: "map-cluster__count" }, String(total));
    var places = group.getChildCount();
    var box = el("span", { class: "map-cluster__box", title: total + " events at " + places + " places: choose to zoom in" });
    box.appendChild(ring);
    box.appendChild(count);
    return L.divIcon({ className: "map-cluster", html: box, iconSize: L.point(size, size) });
  }

  /* The basemap, drawn beneath the markers: every country (1:110m), the region's provinces
     (1:10m) in place of its countries, and names that appear as the map zooms in. */
  function loadBasemap(map, container, points) {
    function get(url) {
      return fetch(url).then(function (r) { return r.ok ? r.json() : { features: [] }; }).catch(function () { return { features: [] }; });
    }
    return Promise.all([get(container.dataset.countries), get(container.dataset.region), get(container.dataset.places)])
      .then(function (found) {
        var world = found[0];
        var region = found[1];
        var places = found[2];
        var detailed = {};
        region.features.forEach(function (f) { if (f.properties.kind === "land") detailed[f.properties.country] = f; });
        var rest = world.features.filter(function (f) { return !(f.properties.name in detailed); });
        var land = { color: "#a79f8f", weight: 0.8, fillColor: "#f3efe6", fillOpacity: 1 };
        L.geoJSON({ type: "FeatureCollection", features: rest }, {
          pane: "land", interactive: false, attribution: "Borders and places: Natural Earth", style: land,
        }).addTo(map);
        L.geoJSON({ type: "FeatureCollection", features: region.features.filter(function (f) { return f.geometry.type !== "Point"; }) }, {
          interactive: false,
          pane: "lines",
          style: function (f) {
            var kind = f.properties.kind;
            if (kind === "land") return { pane: "land", stroke: false, fillColor: "#f3efe6", fillOpacity: 1 };
            if (kind === "border") return { color: "#857d6c", weight: 1.3 };
            if (kind === "province") return { color: "#bfb6a3", weight: 0.7, dashArray: "3 3" };
            return { color: "#a79f8f", weight: 0.8 };
          },
        }).addTo(map);

        var layers = { countries: {}, groups: [] };
        function group(minZoom, maxZoom) {
          var layer = L.layerGroup();
          layers.groups.push({ layer: layer, minZoom: minZoom, maxZoom: maxZoom || Infinity });
          return layer;
        }
        var countryNames = group(ZOOM.countryLabels);
        world.features.forEach(function (f) {
          var bounds = largestPart(f.geometry);
          var whole = L.geoJSON(f).getBounds();
          layers.countries[f.properties.name] = whole;
          if (bounds) countryNames.addLayer(L.marker(bounds.getCenter(), { pane: "labels", interactive: false, keyboard: false, icon: label("map-label--country", f.properties.name) }));
        });
        // A name is written once: a city's name is not repeated for its province, nor beside
        // a place of the events of that name once those places are labelled.
        var cities = {};
        places.features.forEach(function (f) { cities[f.properties.name] = true; });
        function named(f) {
          var c = f.geometry.coordinates;
          return points.some(function (p) { return p.name === f.properties.name && Math.abs(p.lat - c[1]) + Math.abs(p.lon - c[0]) < 0.5; });
        }
        var provinceNames = [group(ZOOM.provinceLabels[0]), group(ZOOM.provinceLabels[1])];
        region.features.forEach(function (f) {
          if (f.properties.kind !== "label" || cities[f.properties.name]) return;
          var c = f.geometry.coordinates;
          provinceNames[f.properties.labelrank <= 6 ? 0 : 1].addLayer(L.marker([c[1], c[0]], { pane: "labels", interactive: false, keyboard: false, icon: label("map-label--province", f.properties.name) }));
        });
        var cityNames = group(ZOOM.cityLabels);
        var eventCityNames = group(ZOOM.cityLabels, ZOOM.placeLabels);
        places.features.forEach(function (f) {
          var c = f.geometry.coordinates;
          (named(f) ? eventCityNames : cityNames).addLayer(L.marker([c[1], c[0]], { pane: "labels", interactive: false, keyboard: false, icon: label("map-label--city", f.properties.name) }));
        });
        function toggle() {
          var zoom = map.getZoom();
          layers.groups.forEach(function (entry) {
            if (zoom >= entry.minZoom && zoom < entry.maxZoom) entry.layer.addTo(map);
            else entry.layer.remove();
          });
        }
        map.on("zoomend", toggle);
        toggle();
        container.classList.add("map--ready");
        return layers;
      });
  }

  function largestPart(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    var largest = null;
    var area = -1;
    polygons.forEach(function (polygon) {
      var bounds = L.latLngBounds(polygon[0].map(function (c) { return [c[1], c[0]]; }));
      var size = (bounds.getNorth() - bounds.getSouth()) * (bounds.getEast() - bounds.getWest());
      if (size > area) { area = size; largest = bounds; }
    });
    return area < 1 ? null : largest;
  }

  /* "Show on map": the place with its surroundings. A country fills the view; anything else
     gets a margin by its kind, wider where the basemap has no provinces or towns to show. */
  function contextBounds(point, layers) {
    if (point.kind === "country" && layers.countries[point.name]) return layers.countries[point.name].pad(0.05);
    var degrees = CONTEXT[point.kind] || 1;
    var inRegion = point.lat > 29 && point.lat < 42.5 && point.lon > 25.5 && point.lon < 49;
    if (!inRegion) degrees = Math.max(degrees, FAR_CONTEXT);
    var wide = degrees / Math.max(0.2, Math.cos((point.lat * Math.PI) / 180));
    return L.latLngBounds([point.lat - degrees, point.lon - wide], [point.lat + degrees, point.lon + wide]);
  }

  /* Place names beside the markers from a zoom on, where they no longer crowd each other. */
  function keepPlaceLabels(map, container) {
    function toggle() { container.classList.toggle("map--place-labels", map.getZoom() >= ZOOM.placeLabels); }
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
    marker.setStyle(on ? L.Util.extend({}, marker.base, ACTIVE) : marker.base);
    if (on && marker._map) marker.bringToFront();
  }

  function popupFor(point, placeUrl) {
    var box = el("div", { class: "map-popup" });
    var title = el("p", { class: "map-popup__title" });
    title.appendChild(el("a", { href: placeUrl.replace("__slug__", point.slug) }, point.name));
    box.appendChild(title);
    if (point.name !== point.country) box.appendChild(el("p", { class: "map-popup__where" }, point.country));
    var list = el("ul");
    point.events.forEach(function (event) {
      var item = el("li", { class: "family--" + event.family });
      var when = el("time", {});
      when.appendChild(el("span", { class: "type-dot", "aria-hidden": "true" }));
      when.appendChild(document.createTextNode(event.date));
      item.appendChild(when);
      // The list is the page's content: a plain anchor jump leaves the back button working.
      item.appendChild(el("a", { href: "#event-" + event.id }, event.headline));
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

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initMap);
  else initMap();
})();
