"""The admin's jurisdiction map in Chromium, under the Content-Security-Policy (no inline script), over
the street basemap."""

import pytest
from playwright.sync_api import expect

from complaints.models import Role

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "peta-admin-2026"


def test_jurisdiction_map_starts_and_shows_the_area(page, live_server, committed_city, staff_user, basemap_tiles):
    from boundaries.models import Jurisdiction

    staff_user("admin.peta", Role.CITY_ADMIN, password=PASSWORD, is_staff=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin.peta")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    jurisdiction = Jurisdiction.objects.get(code="DLHK-TENGAH")
    page.goto(f"{live_server.url}/admin/boundaries/jurisdiction/{jurisdiction.pk}/change/")
    expect(page.locator("#id_area_map .ol-viewport")).to_be_visible()
    page.wait_for_function("window.geodjango_area && window.geodjango_area.featureCollection.getLength() > 0")
    # Centred on Pekanbaru, not Django's default in Europe.
    lon, lat = page.evaluate("ol.proj.toLonLat(window.geodjango_area.map.getView().getCenter())")
    assert 101.3 < lon < 101.6 and 0.3 < lat < 0.7
    # The street basemap under the area, with its attribution, its tiles asked for with our origin.
    expect(page.locator("#id_area_map .ol-attribution")).to_contain_text("© OpenStreetMap contributors")
    for _ in range(50):
        if basemap_tiles:
            break
        page.wait_for_timeout(100)
    assert basemap_tiles and {r.header_value("referer") for r in basemap_tiles} == {live_server.url + "/"}
