"""The hotspot page's map, built with folium from the same selectors as the API, with every script
and style served from our own origin (folium's defaults point at CDNs)."""

import html
import itertools
import json
import re

import folium
from django.templatetags.static import static
from django.utils.translation import gettext as _
from folium.plugins import HeatMap
from folium.utilities import JsCode

from disclosure.public import public_count, suppress_below
from geo.basemap import basemap
from hotspots.assets import CHRONIC_DAYS, chronic_assets
from hotspots.gistar import gi_star
from hotspots.hexbins import heat_points, hex_counts, kecamatan_counts
from hotspots.query import HotspotQuery

CENTRE = (0.51, 101.45)
# From this width the layer list stays open beside the map.
WIDE_SCREEN_PX = 800
GI_COLOURS = {
    "hot-99": "#b2182b",
    "hot-95": "#ef8a62",
    "hot-90": "#fddbc7",
    "cold-90": "#d1e5f0",
    "cold-95": "#67a9cf",
    "cold-99": "#2166ac",
}
# Hexagon and kecamatan classes: (lower bound, colour), highest first; a suppressed count ("<n") gets
# the first colour.
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
    tiles = basemap()
    if tiles["tile_url"]:
        folium.TileLayer(
            tiles["tile_url"],
            attr=tiles["attribution"] or " ",
            name=_("Basemap"),
            max_zoom=19,
            referrer_policy=tiles["referrer_policy"],
        ).add_to(m)

    # Off at first: drawn over the hexagons it hides their colours (a layer at a time reads clearly).
    heat = HeatMap(heat_points(query), name=_("Heatmap"), radius=18, blur=14, min_opacity=0.3, show=False)
    _local_assets(heat, js=[("leaflet-heat.js", static("vendor/folium/leaflet_heat.min.js"))])
    heat.add_to(m)

    hexagons = hex_counts(query)
    breaks = _breaks([h.count for h in hexagons])
    m.count_legend = count_legend(breaks)
    _layer(
        m,
        _("Hexagons: complaints"),
        [(h.geojson, {"count": public_count(h.count), "fill": _colour(h.count, breaks)}) for h in hexagons],
        style={"color": "#7f2704", "weight": 0.4, "fillOpacity": 0.7},
        tooltip={"count": _("Complaints")},
    )
    spots = [s for s in gi_star(query) if s.confidence]
    _layer(
        m,
        _("Gi* hot and cold spots"),
        [
            (s.hexagon.geojson, {"label": _spot_label(s.kind), "z": round(s.z, 2), "fill": GI_COLOURS[s.kind]})
            for s in spots
        ],
        style={"color": "#333", "weight": 0.5, "fillOpacity": 0.75},
        tooltip={"label": _("Spot"), "z": "z"},
        show=False,
    )
    kecamatan = kecamatan_counts(query)
    density_breaks = _breaks([k.per_km2 for k in kecamatan if k.count >= suppress_below()])
    _layer(
        m,
        _("Kecamatan: complaints per km²"),
        [
            (
                k.geojson,
                {
                    "name": k.name,
                    "count": public_count(k.count),
                    "per_km2": round(k.per_km2, 1) if k.count >= suppress_below() else "—",
                    "fill": _colour(k.per_km2, density_breaks) if k.count >= suppress_below() else "#eeeeee",
                },
            )
            for k in kecamatan
        ],
        style={"color": "#0b6e4f", "weight": 1, "fillOpacity": 0.6},
        tooltip={"name": _("Kecamatan"), "count": _("Complaints"), "per_km2": _("per km²")},
        show=False,
    )
    _layer(
        m,
        _("Kecamatan outlines"),
        [(k.geojson, {"name": k.name}) for k in kecamatan],
        style={"color": "#0b6e4f", "weight": 1.5, "fill": False},
        tooltip={"name": _("Kecamatan")},
    )
    _chronic_layer(m, query)
    # The layer list open beside the map on a wide screen; on a phone it would cover the map, so there
    # it is the control's button, opened with a tap.
    folium.LayerControl(collapsed=JsCode(f"!window.matchMedia('(min-width: {WIDE_SCREEN_PX}px)').matches")).add_to(m)
    if query.kecamatan:  # a filter to one area shows that area
        west, south, east, north = query.kecamatan.boundary.extent
        m.fit_bounds([[south, west], [north, east]])
    return m


def _chronic_layer(m, query: HotspotQuery):
    """Assets (of the chosen category's kinds, else all) reported at least suppress_below() times in
    CHRONIC_DAYS days: the poles and TPS that keep failing (hotspots.assets.chronic_assets, public
    complaints only)."""
    kinds = list(query.category.asset_kinds.all()) if query.category else [None]
    rows = [r for kind in kinds for r in chronic_assets(kind, days=CHRONIC_DAYS, minimum=suppress_below())]
    group = folium.FeatureGroup(
        name=_("Assets reported %(times)s or more times in %(days)s days") % {"times": suppress_below(), "days": CHRONIC_DAYS},
        show=bool(rows),
    )
    for r in rows:
        folium.CircleMarker(
            [r.asset.location.y, r.asset.location.x],
            radius=6 + min(r.reports, 10),
            color="#1b1b1b",
            weight=1,
            fill=True,
            fill_color="#c62828",
            fill_opacity=0.85,
            tooltip=html.escape(f"{r.asset.kind.name} {r.asset.ref}: {r.reports}"),
        ).add_to(group)
    group.add_to(m)


def count_legend(breaks: list[float]) -> list[tuple[str, str]]:
    """(colour, the counts it stands for) of the hexagon classes, as the legend names them."""
    bounds = [int(b) for b in breaks]
    if not bounds:
        return []
    labels = [f"< {bounds[0]}"]
    labels += [f"{low}–{high - 1}" if high - 1 > low else f"{low}" for low, high in itertools.pairwise(bounds)]
    labels.append(f"≥ {bounds[-1]}")
    return list(zip(COUNT_COLOURS, labels, strict=False))


def _layer(m, name: str, features: list[tuple[str, dict]], *, style: dict, tooltip: dict, show: bool = True):
    """A GeoJSON overlay from (geometry text, properties); a "fill" property sets each feature's colour."""
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": json.loads(g), "properties": p} for g, p in features],
    }
    folium.GeoJson(
        collection,
        name=name,
        show=show,
        style_function=lambda f: {
            **style,
            **({"fillColor": f["properties"]["fill"]} if "fill" in f["properties"] else {}),
        },
        # folium checks tooltip fields against the data, so an empty layer gets none.
        tooltip=folium.GeoJsonTooltip(list(tooltip), aliases=list(tooltip.values())) if features else None,
    ).add_to(m)


def _spot_label(kind: str) -> str:
    side, level = kind.split("-")
    return (_("Hot spot, %(level)s%% confidence") if side == "hot" else _("Cold spot, %(level)s%% confidence")) % {
        "level": level
    }


def render_parts(m: folium.Map, *, nonce: str = "") -> dict:
    """The map's <head> links, its <div> and its <script>, to place inside our own page.

    folium writes inline scripts into the header too; each <script> gets the page's CSP nonce (the
    page puts it on its own <script> around ``map_script``).
    """
    root = m.get_root()
    root.render()
    # folium's own viewport <meta> forbids zooming the page (a person with low vision needs to); the
    # site's layout has its own.
    header = re.sub(r'<meta name="viewport"[^>]*>', "", root.header.render())
    if nonce:
        header = re.sub(r"<script(?=[\s>])", f'<script nonce="{nonce}"', header)
    return {"map_header": header, "map_html": root.html.render(), "map_script": root.script.render()}
