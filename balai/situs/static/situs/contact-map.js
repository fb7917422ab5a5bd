// The contact page's map (balai/js/leaflet-loader.js, loaded only here and only with JavaScript); without it the
// page keeps the address and the OpenStreetMap link.
(function () {
  "use strict";
  var box = document.getElementById("office-map-box");
  if (!box || !window.balaiMaps) return;
  var d = box.dataset;
  window.balaiMaps.leaflet(box).then(function (L) {
    var at = [parseFloat(d.lat), parseFloat(d.lng)];
    var map = L.map("office-map", { scrollWheelZoom: false }).setView(at, 16);
    window.balaiMaps.tiles(map, box);
    L.circleMarker(at, { radius: 9, color: "#0b5cab", weight: 3, fillOpacity: 0.8 }).addTo(map)
      .bindPopup(document.createTextNode(d.name));
  }).catch(function () {});
})();
