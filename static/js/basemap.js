// What every Leaflet map of the site draws under its own data: the configured street tiles (geo.basemap,
// OpenStreetMap's by default) and, in any case, our own kecamatan and kelurahan outlines. Where no tile
// loads (no basemap configured, or no network) the map names the areas itself: the kecamatan from zoom
// 12, the kelurahan from zoom 14, so that a person can still find their street's area and place a pin.
(function () {
  "use strict";
  const KECAMATAN_LABELS_FROM = 12, KELURAHAN_LABELS_FROM = 14;
  const config = JSON.parse(document.getElementById("basemap").textContent);

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)));
  }

  function labelled(layer, name, className) {
    layer.bindTooltip(name, { permanent: true, direction: "center", className: "area-label " + className });
  }

  // options.kecamatan: {style, tooltip(feature) → text or null for a sticky name}; options.kelurahan: false
  // leaves the kelurahan out (a small map). Resolves to the kecamatan layer (to fit the view to it).
  function basemap(map, options) {
    options = options || {};
    const box = map.getContainer();
    const zoomClasses = () => {
      const z = map.getZoom();
      box.classList.toggle("labels-kecamatan", z >= KECAMATAN_LABELS_FROM && z < KELURAHAN_LABELS_FROM);
      box.classList.toggle("labels-kelurahan", z >= KELURAHAN_LABELS_FROM);
    };
    box.classList.toggle("no-basemap", !config.tile_url);
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { maxZoom: 19, attribution: config.attribution, referrerPolicy: config.referrer_policy })
        .on("tileerror", () => box.classList.add("no-basemap"))
        .on("tileload", () => box.classList.remove("no-basemap"))
        .addTo(map);
    }
    map.on("zoomend", zoomClasses);
    map.whenReady(zoomClasses);

    if (options.kelurahan !== false) {
      getJSON(config.kelurahan_url).then((data) => L.geoJSON(data, {
        interactive: false,
        style: { color: "#0b6e4f", weight: 0.8, dashArray: "3 3", fill: false },
        onEachFeature: (f, layer) => labelled(layer, f.properties.name, "kelurahan-label"),
      }).addTo(map)).catch(() => {});
    }
    const k = options.kecamatan || {};
    return getJSON(config.kecamatan_url).then((data) => {
      const layer = L.geoJSON(data, {
        style: k.style || { color: "#0b6e4f", weight: 1.5, fillOpacity: 0.03 },
        onEachFeature: (f, l) => l.bindTooltip(k.tooltip ? k.tooltip(f) : f.properties.name, { sticky: true }),
      }).addTo(map);
      // The kecamatan names, shown only where there is no basemap, sit on their own layer so that the
      // sticky tooltips above keep working.
      L.layerGroup(layer.getLayers().map((l) => {
        const label = L.marker(l.getCenter(), { icon: L.divIcon({ className: "", html: "", iconSize: [0, 0] }), interactive: false, keyboard: false });
        labelled(label, l.feature.properties.name, "kecamatan-label");
        return label;
      })).addTo(map);
      return layer;
    });
  }

  window.PEKA = Object.assign(window.PEKA || {}, { basemap: basemap });
})();
