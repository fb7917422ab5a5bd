// Progressive enhancement of the report form: kecamatan filter and an optional map, loaded on demand.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  Array.prototype.forEach.call(form.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

  // After a failed submit, start at the list of what to fix so screen readers read it out first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Kecamatan → kelurahan: hide optgroups of other kecamatan.
  var kec = document.getElementById("id_kecamatan");
  var kel = document.getElementById("id_kelurahan");
  if (kec && kel) {
    var selected = kel.options[kel.selectedIndex];
    if (selected && selected.parentNode.tagName === "OPTGROUP") kec.value = selected.parentNode.label;
    var apply = function () {
      Array.prototype.forEach.call(kel.querySelectorAll("optgroup"), function (group) {
        var show = !kec.value || group.label === kec.value;
        group.hidden = !show;
        group.disabled = !show;
      });
      var current = kel.options[kel.selectedIndex];
      if (current && current.parentNode.disabled) kel.value = "";
    };
    kec.addEventListener("change", apply);
    apply();
  }

  // The map costs about 45 KB: it is loaded only when the person asks for it.
  var box = document.getElementById("map-box");
  var open = document.getElementById("map-open");
  if (!box || !open) return;
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  var status = document.getElementById("map-status");
  var clear = document.getElementById("map-clear");
  var mapEl = document.getElementById("map");
  var marker = null;

  function load(url, tag, cb) {
    var el = document.createElement(tag);
    if (tag === "link") { el.rel = "stylesheet"; el.href = url; } else { el.src = url; }
    el.onload = cb;
    el.onerror = function () { status.textContent = box.dataset.errorText || "Peta tidak dapat dimuat. Tulis alamat saja."; };
    document.head.appendChild(el);
  }
  function setPoint(map, latlng) {
    lat.value = latlng.lat.toFixed(6);
    lng.value = latlng.lng.toFixed(6);
    if (marker) { marker.setLatLng(latlng); } else { marker = window.L.marker(latlng).addTo(map); }
    status.textContent = status.dataset.marked || "✓";
    clear.hidden = false;
    if (box.dataset.kelurahanUrl) findKelurahan(latlng);
  }
  // With the Pemda's kelurahan boundaries, the point fills in the kelurahan (the person can still change it).
  function findKelurahan(latlng) {
    var url = box.dataset.kelurahanUrl + "?lat=" + latlng.lat.toFixed(6) + "&lng=" + latlng.lng.toFixed(6);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (found) {
        if (!found || !found.code || !kel) return;
        if (kec) { kec.value = found.kecamatan; kec.dispatchEvent(new Event("change")); }
        kel.value = found.code;
        status.textContent = (status.dataset.marked || "✓") + " " + box.dataset.kelurahanFound + " " + found.name + ".";
      })
      .catch(function () {});
  }
  open.addEventListener("click", function () {
    open.disabled = true;
    load(box.dataset.leafletCss, "link", function () {});
    load(box.dataset.leafletJs, "script", function () {
      var L = window.L;
      // Leaflet guesses its marker pictures' folder from its stylesheet, which fails with hashed static
      // names (and before the stylesheet has loaded): give it their addresses.
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions({
        iconUrl: box.dataset.markerIcon,
        iconRetinaUrl: box.dataset.markerIcon2x,
        shadowUrl: box.dataset.markerShadow,
      });
      mapEl.hidden = false;
      var b = box.dataset.bounds.split(",").map(Number);
      var bounds = L.latLngBounds([b[0], b[1]], [b[2], b[3]]);
      var map = L.map(mapEl, { maxBounds: bounds.pad(0.2) }).fitBounds(bounds);
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
      if (lat.value && lng.value) setPoint(map, L.latLng(Number(lat.value), Number(lng.value)));
      map.on("click", function (e) { setPoint(map, e.latlng); });
      clear.addEventListener("click", function () {
        lat.value = ""; lng.value = "";
        if (marker) { map.removeLayer(marker); marker = null; }
        clear.hidden = true; status.textContent = "";
      });
      open.hidden = true;
    });
  });
})();

// Extra questions: show only those of the chosen category (without JavaScript all are shown, each titled).
(function () {
  "use strict";
  var select = document.getElementById("id_category");
  var groups = document.querySelectorAll(".category-questions");
  if (!select || !groups.length) return;
  function apply() {
    Array.prototype.forEach.call(groups, function (group) {
      group.hidden = group.getAttribute("data-category") !== select.value;
    });
  }
  select.addEventListener("change", apply);
  apply();
})();
