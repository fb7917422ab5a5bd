// The KIM map: Leaflet (vendored) with one marker per KIM of the list below, which works without JavaScript.
(function () {
  "use strict";
  var box = document.getElementById("kim-map-box");
  if (!box) return;
  var items = Array.prototype.filter.call(document.querySelectorAll(".desa-kim-list li"), function (li) {
    return li.dataset.lat && li.dataset.lng;
  });
  if (!items.length) return;
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
    var map = window.L.map("kim-map", { scrollWheelZoom: false });
    window.L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom: 18 }).addTo(map);
    var points = [];
    items.forEach(function (li) {
      var at = [parseFloat(li.dataset.lat), parseFloat(li.dataset.lng)];
      points.push(at);
      var link = document.createElement("a");
      link.href = li.dataset.url;
      link.textContent = li.dataset.name;
      window.L.circleMarker(at, { radius: 7, color: "#0b5cab", weight: 2, fillOpacity: 0.7 }).addTo(map).bindPopup(link);
    });
    map.fitBounds(points, { padding: [20, 20], maxZoom: 14 });
  }).catch(function () { box.hidden = true; });
})();
