// The map of located works (balai/js/leaflet-loader.js): an enhancement over the list, which the page shows
// without JavaScript.
(function () {
  "use strict";
  var box = document.getElementById("kinerja-map");
  var data = document.getElementById("kinerja-features");
  if (!box || !data || !window.balaiMaps) { return; }
  var features = JSON.parse(data.textContent);
  if (!features.features.length) { return; }
  window.balaiMaps.leaflet(box).then(function (L) {
    var map = L.map(box);
    window.balaiMaps.tiles(map, box);
    var layer = L.geoJSON(features, {
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 7, color: "#0b5cab" }); },
      onEachFeature: function (feature, item) {
        item.bindPopup(window.balaiMaps.link(feature.properties.url, feature.properties.name));
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [20, 20] });
  }).catch(function () {});
})();
