// Events on an offline basemap (Natural Earth country boundaries; no tile server).
// Events placed at a town or site (geo_precision 1) are clustered circle markers sized by
// fatalities; events known only to a district, province or country (2-3) are drawn as
// dashed areas, never as a precise point.
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var COLOURS = {
    "Battles": "#d55e00", "Explosions/Remote violence": "#cc79a7",
    "Violence against civilians": "#0072b2", "Protests": "#009e73", "Riots": "#e69f00",
    "Strategic developments": "#777777"
  };
  // No tile layer sets a zoom range, and the cluster layer needs one.
  var map = L.map(el, { worldCopyJump: true, keyboard: true, minZoom: 2, maxZoom: 12 })
    .setView([42, 68], 4);
  map.attributionControl.addAttribution("Boundaries: Natural Earth");
  function esc(s) { return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function popup(p) {
    return "<strong>" + esc(p.sub_event_type || p.event_type) + "</strong><br>" +
      esc(p.start_date || "undated") + (p.date_assumed ? " (assumed)" : "") +
      " · date precision " + esc(p.date_precision || "unknown") + "<br>" +
      esc(p.location) + " · geo precision " + esc(p.geo_precision) +
      (p.fatalities != null ? "<br>" + esc(p.fatalities) + " killed" : "") +
      '<br><a href="/events/' + encodeURIComponent(p.event_id) + '">event</a> · ' +
      '<a href="/documents/' + encodeURIComponent(p.doc_id) + '">report</a>';
  }
  fetch(el.dataset.boundaries).then(function (r) { return r.json(); }).then(function (geo) {
    L.geoJSON(geo, { style: { color: "#8a8f98", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 },
                     interactive: false }).addTo(map).bringToBack();
  });
  fetch(el.dataset.events).then(function (r) { return r.json(); }).then(function (data) {
    var cluster = L.markerClusterGroup({ maxClusterRadius: 40 });
    var areas = L.layerGroup();
    var bounds = [];
    data.features.forEach(function (f) {
      if (!f.geometry) return;
      var p = f.properties, ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      var colour = COLOURS[p.event_type] || "#999";
      var radius = 5 + Math.min(15, Math.sqrt(p.fatalities || 0) * 2);
      if (p.geo_precision === 1) {
        cluster.addLayer(L.circleMarker(ll, { radius: radius, color: "#333", weight: 1,
          fillColor: colour, fillOpacity: 0.85, className: "event-marker precise" })
          .bindPopup(popup(p)));
      } else {
        // An area, not a point: 30 km for a district, 120 km for a province or country.
        areas.addLayer(L.circle(ll, { radius: p.geo_precision === 2 ? 30000 : 120000,
          color: colour, weight: 2, dashArray: "6 6", fillOpacity: 0.08,
          className: "event-marker area" }).bindPopup(popup(p)));
      }
      bounds.push(ll);
    });
    areas.addTo(map);
    map.addLayer(cluster);
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 7 });
    el.dataset.loaded = String(data.features.length);
  });
})();
