// Leaflet (vendored) loaded on demand, once per page, for the maps that enhance a list working without JavaScript.
// balaiMaps.load(url, "link" | "script") appends one stylesheet or script; balaiMaps.leaflet(box) loads the
// stylesheet and script named by the box's data-leaflet-css / data-leaflet-js, shows the box when Leaflet is there
// and hides it again if loading fails; balaiMaps.tiles(map, box) adds the tile layer of data-tiles with its
// data-attribution (as text); balaiMaps.link(url, text) makes a popup's link from text, never from HTML.
(function () {
  "use strict";
  var started = {};
  function load(url, tag) {
    var key = tag + " " + url;
    if (!started[key]) {
      started[key] = new Promise(function (resolve, reject) {
        var el = document.createElement(tag);
        if (tag === "link") { el.rel = "stylesheet"; el.href = url; } else { el.src = url; }
        el.onload = resolve;
        el.onerror = reject;
        document.head.appendChild(el);
      });
    }
    return started[key];
  }
  function leaflet(box) {
    var d = box.dataset;
    load(d.leafletCss, "link").catch(function () {});
    return load(d.leafletJs, "script").then(
      function () { box.hidden = false; return window.L; },
      function (error) { box.hidden = true; throw error; }
    );
  }
  function tiles(map, box, maxZoom) {
    var d = box.dataset;
    var text = document.createElement("div");
    text.textContent = d.attribution || "";  // Leaflet reads the attribution as HTML: give it the text escaped
    window.L.tileLayer(d.tiles, { attribution: text.innerHTML, maxZoom: maxZoom || 18 }).addTo(map);
  }
  function link(url, text) {
    var a = document.createElement("a");
    a.href = url;
    a.textContent = text;
    return a;
  }
  window.balaiMaps = { load: load, leaflet: leaflet, tiles: tiles, link: link };
})();
