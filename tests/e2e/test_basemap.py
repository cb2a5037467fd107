"""The street basemap under every map (OpenStreetMap's tiles by default), and the map without it: with
the tiles failing, our own kecamatan and kelurahan outlines and names, and a pin can still be placed."""

import re

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from geo.spatial import WGS84
from tests.e2e.conftest import TILE_ORIGIN, TILE_ROUTE
from tests.e2e.test_citizen_map import SUKAJADI, drop_pin, open_map

pytestmark = pytest.mark.django_db(transaction=True)
TILE_PATH = re.compile(r"/\d+/\d+/\d+\.png$")


def loaded_tile(page):
    return page.locator(f'img.leaflet-tile-loaded[src^="{TILE_ORIGIN}/"]').first


def test_citizen_map_draws_the_street_tiles_under_the_pin(page, live_server, committed_city, basemap_tiles, screenshot):
    open_map(page, live_server)
    expect(loaded_tile(page)).to_be_visible()
    assert basemap_tiles and all(TILE_PATH.search(r.url) for r in basemap_tiles)
    # The origin, and only the origin, goes with the request, as the tile usage policy asks.
    assert {r.header_value("referer") for r in basemap_tiles} == {live_server.url + "/"}
    assert page.evaluate("document.querySelector('img.leaflet-tile').naturalWidth") == 256
    attribution = page.locator(".leaflet-control-attribution")
    expect(attribution).to_contain_text("© OpenStreetMap contributors")
    expect(attribution.get_by_role("link", name="OpenStreetMap")).to_have_attribute(
        "href", "https://www.openstreetmap.org/copyright"
    )
    expect(page.locator("#map")).not_to_have_class(re.compile("no-basemap"))

    drop_pin(page, *SUKAJADI)
    expect(page.locator("#where")).to_contain_text("Sukajadi")
    # At the pin a loaded tile lies beneath it: a tile covers the pin's centre, in a pane below the pin's.
    under = page.evaluate(
        """() => {
          const pin = document.querySelector('.leaflet-marker-icon[title]').getBoundingClientRect();
          const x = pin.x + pin.width / 2, y = pin.y + pin.height / 2;
          const covers = [...document.querySelectorAll('img.leaflet-tile-loaded')].some((t) => {
            const r = t.getBoundingClientRect();
            return r.left <= x && x <= r.right && r.top <= y && y <= r.bottom;
          });
          const z = (s) => Number(getComputedStyle(document.querySelector(s)).zIndex);
          return covers && z('.leaflet-tile-pane') < z('.leaflet-overlay-pane') && z('.leaflet-overlay-pane') < z('.leaflet-marker-pane');
        }"""
    )
    assert under
    screenshot("basemap-citizen-map")


def test_without_tiles_the_areas_are_named_and_a_pin_can_be_placed(page, live_server, committed_city, screenshot):
    from boundaries.models import Kelurahan

    page.route(TILE_ROUTE, lambda route: route.abort())
    open_map(page, live_server)
    expect(page.locator("#map")).to_have_class(re.compile("no-basemap"))
    page.evaluate(f"document.getElementById('map').pekaMap.setView([{SUKAJADI[1]}, {SUKAJADI[0]}], 12.5, {{animate: false}})")
    expect(page.locator(".kecamatan-label", has_text="Sukajadi")).to_be_visible()
    expect(page.locator(".kelurahan-label").first).to_be_hidden()

    here = Kelurahan.objects.get(boundary__contains=Point(*SUKAJADI, srid=WGS84))
    page.evaluate(f"document.getElementById('map').pekaMap.setView([{SUKAJADI[1]}, {SUKAJADI[0]}], 15, {{animate: false}})")
    expect(page.locator(".kelurahan-label", has_text=here.name).first).to_be_visible()
    expect(page.locator(".kecamatan-label").first).to_be_hidden()
    expect(page.locator(".leaflet-overlay-pane path")).not_to_have_count(0)
    screenshot("basemap-failing-kelurahan-names")

    drop_pin(page, *SUKAJADI)
    expect(page.locator("#where")).to_contain_text(here.name)
    expect(page.locator("#step-category")).to_be_visible()


@pytest.mark.parametrize("path", ["/peta-panas/", "/rapor/", "track"])
def test_public_maps_draw_the_street_tiles(page, live_server, committed_city, file_complaint, basemap_tiles, path):
    code = file_complaint(*SUKAJADI, category="sampah").tracking_code
    page.goto(live_server.url + (f"/lacak/{code}/" if path == "track" else path))
    expect(loaded_tile(page)).to_be_visible()
    expect(page.locator(".leaflet-control-attribution").get_by_role("link", name="OpenStreetMap")).to_be_visible()
    assert basemap_tiles and {r.header_value("referer") for r in basemap_tiles} == {live_server.url + "/"}
