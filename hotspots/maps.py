"""The hotspot page's map, built with folium from the same selectors as the API, with every script
and style served from our own origin (folium's defaults point at CDNs)."""
import json

import folium
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext as _
from folium.plugins import HeatMap

from hotspots.gistar import gi_star
from hotspots.hexbins import heat_points, hex_counts, kecamatan_counts
from hotspots.query import HotspotQuery, public_count

CENTRE = (0.51, 101.45)
GI_COLOURS = {
    "hot-99": "#b2182b", "hot-95": "#ef8a62", "hot-90": "#fddbc7",
    "cold-90": "#d1e5f0", "cold-95": "#67a9cf", "cold-99": "#2166ac",
}
# Hexagon and kecamatan classes: (lower bound, colour), highest first; "<3" gets the first colour.
COUNT_COLOURS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"]


def _local_assets(element, js=(), css=()):
    # Assigned on the instance: folium's class-level lists are shared and must not change.
    element.default_js = list(js)
    element.default_css = list(css)


def _breaks(values: list[float]) -> list[float]:
    """Four class breaks at the quantiles of the non-zero values (fewer distinct values: fewer breaks)."""
    values = sorted(v for v in values if v > 0)
    if not values:
        return []
    return sorted({values[min(len(values) - 1, int(len(values) * q))] for q in (0.5, 0.75, 0.9, 0.97)})


def _colour(value: float, breaks: list[float]) -> str:
    return COUNT_COLOURS[min(sum(value >= b for b in breaks), len(COUNT_COLOURS) - 1)]


def hotspot_map(query: HotspotQuery) -> folium.Map:
    m = folium.Map(location=CENTRE, zoom_start=11, tiles=None, max_zoom=18, control_scale=True, prefer_canvas=True)
    _local_assets(
        m,
        js=[("leaflet", static("vendor/leaflet/leaflet.js"))],
        css=[("leaflet_css", static("vendor/leaflet/leaflet.css"))],
    )
    if settings.PEKA_TILE_URL:
        folium.TileLayer(settings.PEKA_TILE_URL, attr=settings.PEKA_TILE_ATTRIBUTION or " ", name=_("Basemap")).add_to(m)

    heat = HeatMap(heat_points(query), name=_("Heatmap"), radius=18, blur=14, min_opacity=0.3)
    _local_assets(heat, js=[("leaflet-heat.js", static("vendor/folium/leaflet_heat.min.js"))])
    heat.add_to(m)

    hexagons = hex_counts(query)
    breaks = _breaks([h.count for h in hexagons])
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": json.loads(h.geojson),
             "properties": {"count": public_count(h.count), "fill": _colour(max(h.count, 0), breaks)}}
            for h in hexagons
        ]},
        name=_("Hexagons: complaints"),
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#7f2704", "weight": 0.4, "fillOpacity": 0.7},
        tooltip=folium.GeoJsonTooltip(["count"], aliases=[_("Complaints")]),
    ).add_to(m)

    spots = [s for s in gi_star(query) if s.confidence]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": json.loads(s.hexagon.geojson),
             "properties": {"kind": s.kind, "label": _spot_label(s.kind), "z": round(s.z, 2)}}
            for s in spots
        ]},
        name=_("Gi* hot and cold spots"),
        show=False,
        style_function=lambda f: {"fillColor": GI_COLOURS[f["properties"]["kind"]], "color": "#333", "weight": 0.5, "fillOpacity": 0.75},
        tooltip=folium.GeoJsonTooltip(["label", "z"], aliases=[_("Spot"), "z"]),
    ).add_to(m)

    kecamatan = kecamatan_counts(query)
    density_breaks = _breaks([k.per_km2 for k in kecamatan if k.count >= 3])
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": json.loads(k.geojson),
             "properties": {"name": k.name, "count": public_count(k.count),
                            "per_km2": round(k.per_km2, 1) if k.count >= 3 else "—",
                            "fill": _colour(k.per_km2, density_breaks) if k.count >= 3 else "#eeeeee"}}
            for k in kecamatan
        ]},
        name=_("Kecamatan: complaints per km²"),
        show=False,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#0b6e4f", "weight": 1, "fillOpacity": 0.6},
        tooltip=folium.GeoJsonTooltip(["name", "count", "per_km2"], aliases=[_("Kecamatan"), _("Complaints"), _("per km²")]),
    ).add_to(m)

    folium.GeoJson(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": json.loads(k.geojson), "properties": {"name": k.name}} for k in kecamatan
        ]},
        name=_("Kecamatan outlines"),
        style_function=lambda f: {"color": "#0b6e4f", "weight": 1.5, "fill": False},
        tooltip=folium.GeoJsonTooltip(["name"], labels=False),
    ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def _spot_label(kind: str) -> str:
    side, level = kind.split("-")
    return (_("Hot spot, %(level)s%% confidence") if side == "hot" else _("Cold spot, %(level)s%% confidence")) % {"level": level}


def render_parts(m: folium.Map) -> dict:
    """The map's <head> links, its <div> and its <script>, to place inside our own page."""
    root = m.get_root()
    root.render()
    return {"map_header": root.header.render(), "map_html": root.html.render(), "map_script": root.script.render()}
