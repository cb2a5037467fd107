// The tracking page's small map: the complaint's pin over the kecamatan outlines.
(function () {
  "use strict";
  const el = document.getElementById("track-map");
  const lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  const map = L.map(el, { maxZoom: 19, scrollWheelZoom: false }).setView([lat, lon], 16);
  PEKA.basemap(map).catch(() => {});
  L.marker([lat, lon], { keyboard: false }).addTo(map);
})();
