// The KIM map (balai/js/leaflet-loader.js) with one marker per KIM of the list below, which works without
// JavaScript.
(function () {
  "use strict";
  var box = document.getElementById("kim-map-box");
  if (!box || !window.balaiMaps) return;
  var items = Array.prototype.filter.call(document.querySelectorAll(".desa-kim-list li"), function (li) {
    return li.dataset.lat && li.dataset.lng;
  });
  if (!items.length) return;
  window.balaiMaps.leaflet(box).then(function (L) {
    var map = L.map("kim-map", { scrollWheelZoom: false });
    window.balaiMaps.tiles(map, box);
    var points = items.map(function (li) {
      var at = [parseFloat(li.dataset.lat), parseFloat(li.dataset.lng)];
      L.circleMarker(at, { radius: 7, color: "#0b5cab", weight: 2, fillOpacity: 0.7 }).addTo(map)
        .bindPopup(window.balaiMaps.link(li.dataset.url, li.dataset.name));
      return at;
    });
    map.fitBounds(points, { padding: [20, 20], maxZoom: 14 });
  }).catch(function () {});
})();
