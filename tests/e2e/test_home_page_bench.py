"""The home-page benchmark's measurement in Chromium against the live server: it waits for the
complaints drawn on the map and counts the bytes of the visit and of the every-point baseline."""

import pytest

from bench.home_page import fetch_all, visit

pytestmark = pytest.mark.django_db(transaction=True)
KECAMATAN = 15


def test_a_visit_times_the_map_with_complaints_and_counts_its_bytes(
    browser, live_server, committed_city, file_complaint
):
    file_complaint(101.44, 0.51)

    result = visit(browser, live_server.url, KECAMATAN)

    assert 0 < result["ms"] < 30_000
    # Leaflet and the marker cluster scripts alone are over 100 kB: the bytes of every request are counted.
    assert result["bytes"] > 100_000 and result["requests"] >= 5


def test_the_baseline_fetches_every_open_point(browser, live_server, committed_city, file_complaint):
    for lon in (101.43, 101.44, 101.45):
        file_complaint(lon, 0.51)

    result = fetch_all(browser, live_server.url)

    assert result["features"] == 3 and result["bytes"] > 1000 and result["ms"] > 0
