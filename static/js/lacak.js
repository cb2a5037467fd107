// The tracking page's small map: the complaint's pin over the kecamatan outlines.
(function () {
  "use strict";
  const el = document.getElementById("track-map");
  const lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  const map = L.map(el, { maxZoom: 19, scrollWheelZoom: false }).setView([lat, lon], 16);
  if (el.dataset.tileUrl) L.tileLayer(el.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
  fetch(el.dataset.kecamatanUrl, { headers: { Accept: "application/json" } })
    .then((r) => r.json())
    .then((data) => L.geoJSON(data, { style: { color: "#0b6e4f", weight: 1.5, fillOpacity: 0.04 } }).addTo(map))
    .catch(() => {});
  L.marker([lat, lon], { keyboard: false }).addTo(map);
})();
