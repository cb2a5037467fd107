"""The admin's map widget with OpenLayers served from our own origin (Django's default loads it from a CDN)."""

from django.contrib.gis.forms.widgets import OSMWidget


class MapWidget(OSMWidget):
    class Media:
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js")
