// The map of located works: an enhancement over the list, which the page shows without JavaScript.
(function () {
  "use strict";
  var box = document.getElementById("kinerja-map");
  var data = document.getElementById("kinerja-features");
  if (!box || !data) { return; }
  var features = JSON.parse(data.textContent);
  if (!features.features.length) { return; }
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = box.dataset.leafletCss;
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = box.dataset.leafletJs;
  script.onload = function () {
    box.hidden = false;
    var map = L.map(box);
    L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
    var layer = L.geoJSON(features, {
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 7, color: "#0b5cab" }); },
      onEachFeature: function (feature, item) {
        var link = document.createElement("a");
        link.href = feature.properties.url;
        link.textContent = feature.properties.name;
        item.bindPopup(link);
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [20, 20] });
  };
  document.head.appendChild(script);
})();
