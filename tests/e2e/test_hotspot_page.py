"""/peta-panas/ in Chromium: every layer present, all assets from our own origin (tiles from the basemap's)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import foreign_requests
from tests.hotspots.conftest import uniform_points

pytestmark = pytest.mark.django_db(transaction=True)


def test_hotspot_page_renders_every_layer_from_our_own_origin(
    page, live_server, committed_city, file_complaint, screenshot
):
    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from complaints.bulk import NewComplaint, complaints_load
    from complaints.models import Category
    from complaints.tracking import new_tracking_code

    sampah = Category.objects.get(code="sampah")
    rows = [
        NewComplaint(new_tracking_code(), sampah, "Uji.", Point(x, y, srid=4326), timezone.now())
        for x, y in uniform_points(600, seed=3)
    ]
    rows += [
        NewComplaint(new_tracking_code(), sampah, "Uji.", Point(101.442, 0.512, srid=4326), timezone.now())
        for _ in range(60)
    ]
    complaints_load(rows)
    foreign = foreign_requests(page, live_server.url)

    page.goto(f"{live_server.url}/peta-panas/?size_m=1000")
    control = page.locator(".leaflet-control-layers")
    for layer in (
        "Peta panas",
        "Heksagon: pengaduan",
        "Titik panas dan dingin Gi*",
        "Kecamatan: pengaduan per km²",
        "Batas kecamatan",
    ):
        expect(control).to_contain_text(layer)
    # The heatmap starts off, so that it does not hide the hexagons' colours; the legend reads the counts.
    expect(page.locator("canvas.leaflet-heatmap-layer")).to_have_count(0)
    expect(page.locator(".count-legend li")).not_to_have_count(0)
    expect(page.locator(".count-legend")).to_contain_text("≥")
    page.get_by_label("Peta panas").check()
    page.get_by_label("Titik panas dan dingin Gi*").check()
    page.get_by_label("Kecamatan: pengaduan per km²").check()
    expect(page.locator("canvas.leaflet-heatmap-layer")).to_have_count(1)
    expect(
        page.locator(".leaflet-overlay-pane path.leaflet-interactive, .leaflet-overlay-pane canvas").first
    ).to_be_visible()
    screenshot("hotspot-page")
    expect(page.locator("table.summary")).to_contain_text("Sukajadi")
    expect(page.locator("table.summary")).not_to_contain_text("Kekerasan")
    assert foreign == []


def test_a_filter_to_one_kecamatan_zooms_to_it(page, live_server, committed_city, file_complaint):
    from boundaries.models import Kecamatan

    sukajadi = Kecamatan.objects.get(name="Sukajadi")
    page.goto(f"{live_server.url}/peta-panas/?kecamatan={sukajadi.code}")
    page.wait_for_function("() => document.querySelector('.folium-map') && window.L")
    west, south, east, north = sukajadi.boundary.extent
    bounds = page.evaluate(
        "() => { const m = Object.values(window).find((v) => v instanceof L.Map); const b = m.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    # The view holds the kecamatan and is not much larger than it (the whole city is ~10 times wider).
    assert bounds[0] <= west and bounds[1] <= south and bounds[2] >= east and bounds[3] >= north
    assert bounds[2] - bounds[0] < 3 * (east - west) + 0.02
