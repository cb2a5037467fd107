// The admin's map widgets (geo.widgets.MapWidget): Django's OpenLayers MapWidget, started from this file
// with the options the page carries as JSON, so that no inline script is needed.
(function () {
  "use strict";

  function start(wrapper) {
    const options = JSON.parse(document.getElementById(wrapper.dataset.mapOptions).textContent);
    options.base_layer = options.tile_url
      ? new ol.layer.Tile({
          source: new ol.source.XYZ({
            url: options.tile_url,
            attributions: options.attribution || undefined,
            attributionsCollapsible: false,
            // The origin goes with each tile request (geo.basemap), as the tile usage policy asks.
            tileLoadFunction: (tile, src) => {
              const image = tile.getImage();
              image.referrerPolicy = options.referrer_policy;
              image.src = src;
            },
          }),
        })
      : new ol.layer.Tile(); // no basemap configured: the kecamatan outlines below are the reference
    const widget = new MapWidget(options);
    widget.map.addLayer(
      new ol.layer.Vector({
        source: new ol.source.Vector({ url: options.kecamatan_url, format: new ol.format.GeoJSON() }),
        style: new ol.style.Style({ stroke: new ol.style.Stroke({ color: "#0b6e4f", width: 1.5 }) }),
      })
    );
    window["geodjango_" + options.name] = widget; // the name Django's inline script gave it
  }

  function startAll() {
    document.querySelectorAll(".dj_map_wrapper[data-map-options]").forEach(start);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})();
