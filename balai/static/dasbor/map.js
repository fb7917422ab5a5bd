// The command-center map: Leaflet and its cluster plugin, then the points of the page's filters (titik.json).
// Without JavaScript the page still lists the newest reports; this only adds the map above that list.
(function () {
  "use strict";
  var box = document.getElementById("dash-map-box");
  if (!box || !window.balaiMaps) return;
  var d = box.dataset;
  var status = document.getElementById("map-status");
  var mapEl = document.getElementById("dash-map");
  var legend = document.querySelector(".map-legend");
  box.hidden = false;
  if (legend) legend.hidden = false;

  // On a laptop the filters stay open; on a phone they fold away above the map.
  var filterBox = document.getElementById("map-filter-box");
  if (filterBox && window.matchMedia("(min-width: 48rem)").matches) filterBox.open = true;

  function fail() {
    status.textContent = d.textError;
    status.classList.remove("visually-hidden");
    box.classList.add("map-failed");
    if (legend) legend.hidden = true;
  }
  var load = window.balaiMaps.load;  // balai/js/leaflet-loader.js
  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }
  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  // The glyph of each kind of marker is read from the legend, so the map and its legend cannot disagree.
  var glyphs = {};
  Array.prototype.forEach.call(document.querySelectorAll(".map-legend .pin"), function (pin) {
    var kind = pin.className.replace(/.*\bpin-([a-z]+)\b.*/, "$1");
    glyphs[kind] = pin.textContent;
  });

  load(d.leafletCss, "link").catch(function () {});
  load(d.clusterCss, "link").catch(function () {});
  var points = fetch(d.points, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
  load(d.leafletJs, "script")
    .then(function () { return load(d.clusterJs, "script"); })
    .then(function () { return points; })
    .then(draw)
    .catch(fail);

  function draw(data) {
    var L = window.L;
    var b = d.bounds.split(",").map(Number);
    var bounds = L.latLngBounds([b[0], b[1]], [b[2], b[3]]);
    var map = L.map(mapEl, { maxBounds: bounds.pad(0.5) }).fitBounds(bounds, { animate: false });
    window.balaiMaps.tiles(map, box, 19);

    var icons = {};
    Object.keys(glyphs).forEach(function (kind) {
      icons[kind] = L.divIcon({
        className: "map-pin",
        html: '<span class="pin pin-' + kind + '"><span>' + escapeText(glyphs[kind]) + "</span></span>",
        iconSize: [24, 24],
        iconAnchor: [12, 12],
        popupAnchor: [0, -12],
      });
    });

    var clusterText = escapeText(d.textCluster);
    var lateText = escapeText(d.textClusterLate);
    var group = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      maxClusterRadius: 60,
      iconCreateFunction: function (cluster) {
        var children = cluster.getAllChildMarkers();
        var late = 0;
        for (var i = 0; i < children.length; i++) if (children[i].options.late) late++;
        var n = children.length;
        var size = n < 10 ? 34 : n < 100 ? 40 : n < 1000 ? 46 : 52;
        var html = '<span aria-hidden="true">' + n + "</span>" +
          (late ? '<span class="cluster-late" aria-hidden="true">' + late + "!</span>" : "") +
          '<span class="visually-hidden">' + n + " " + clusterText + (late ? ", " + late + " " + lateText : "") + "</span>";
        return L.divIcon({ html: html, className: "map-cluster" + (late ? " map-cluster-late" : ""), iconSize: L.point(size, size) });
      },
    });

    var fields = data.fields;
    var markers = data.points.map(function (row) {
      var p = {};
      for (var i = 0; i < fields.length; i++) p[fields[i]] = row[i];
      var marker = L.marker([p.lat, p.lng], {
        icon: icons[p.marker],
        title: p.code + " · " + p.title + " · " + (data.statuses[p.status] || p.status),
        late: p.marker === "late",
        keyboard: true,
      });
      marker.bindPopup(function () { return popup(p, data); });
      return marker;
    });
    // Zoom to the points first, so the clusters are made once, for the zoom they are seen at.
    if (markers.length) {
      var around = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
      map.fitBounds(around, { paddingTopLeft: [56, 24], paddingBottomRight: [24, 24], maxZoom: 16, animate: false });
    }
    group.addLayers(markers);
    map.addLayer(group);
    // Read out to screen readers in every case; shown only when it says more than the count above the map.
    status.textContent = data.summary;
    status.classList.toggle("visually-hidden", !data.capped);
    box.setAttribute("data-ready", "");
  }

  function popup(p, data) {
    var el = element("div", "map-popup");
    el.appendChild(element("p", "code", p.code));
    el.appendChild(element("p", "title", p.title));
    var badges = element("p", "badges");
    badges.appendChild(element("span", "status status-" + p.status, data.statuses[p.status] || p.status));
    if (p.due && data.due[p.due]) badges.appendChild(element("span", "due due-" + p.due, data.due[p.due]));
    if (p.confidential) badges.appendChild(element("span", "badge", d.textConfidential));
    el.appendChild(badges);
    var link = element("a", "", d.textOpen);
    link.href = d.reportUrl.replace("CODE", encodeURIComponent(p.code));
    el.appendChild(link);
    return el;
  }
})();
