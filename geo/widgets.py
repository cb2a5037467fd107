"""The admin's map widget: OpenLayers served from our own origin (Django's default loads it from a CDN),
started from a script file rather than Django's inline script, so the admin works under the
Content-Security-Policy; the basemap is geo.basemap's (none: the kecamatan outlines alone)."""

from django.contrib.gis.forms.widgets import OSMWidget

from geo.basemap import basemap


class MapWidget(OSMWidget):
    template_name = "gis/peka_map_widget.html"
    # Pekanbaru, rather than Django's default centre in Europe.
    default_lon = 101.45
    default_lat = 0.51
    default_zoom = 11

    class Media:
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "js/map_widget.js")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["map_options_id"] = f"{context['id']}_map_options"
        context["map_options"] = {
            "geom_name": str(context["geom_type"]),
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "default_lon": context["default_lon"],
            "default_lat": context["default_lat"],
            "default_zoom": context["default_zoom"],
            **basemap(),
        }
        return context
