// The contact page's map: Leaflet (vendored), loaded only here and only with JavaScript; without it the page
// keeps the address and the OpenStreetMap link.
(function () {
  "use strict";
  var box = document.getElementById("office-map-box");
  if (!box) return;
  var d = box.dataset;
  function load(url, tag) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      if (tag === "link") { el.rel = "stylesheet"; el.href = url; } else { el.src = url; }
      el.onload = resolve;
      el.onerror = reject;
      document.head.appendChild(el);
    });
  }
  load(d.leafletCss, "link").catch(function () {});
  load(d.leafletJs, "script").then(function () {
    box.hidden = false;
    var at = [parseFloat(d.lat), parseFloat(d.lng)];
    var map = window.L.map("office-map", { scrollWheelZoom: false }).setView(at, 16);
    window.L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom: 18 }).addTo(map);
    window.L.circleMarker(at, { radius: 9, color: "#0b5cab", weight: 3, fillOpacity: 0.8 }).addTo(map)
      .bindPopup(document.createTextNode(d.name));
  }).catch(function () { box.hidden = true; });
})();
