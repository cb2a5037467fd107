"""/rapor/ in Chromium: the tables sort, the kecamatan map draws, nothing comes from elsewhere."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import foreign_requests

pytestmark = pytest.mark.django_db(transaction=True)


def test_report_card_page_sorts_and_maps(page, live_server, committed_city, file_complaint, screenshot):
    for lon, lat in [(101.44, 0.51)] * 4 + [(101.4445, 0.4608)] * 3:
        file_complaint(lon, lat, category="sampah")
    file_complaint(101.44, 0.51, category="lampu-jalan")
    foreign = foreign_requests(page, live_server.url)
    page.goto(f"{live_server.url}/rapor/")
    agencies = page.locator("table[data-group=agency]")
    expect(agencies).to_contain_text("Dinas Lingkungan Hidup dan Kebersihan")
    received = agencies.get_by_role("button", name="Diterima")
    received.click()  # descending: DLHK's 7 first
    expect(agencies.locator("tbody tr").first).to_contain_text("Dinas Lingkungan Hidup")
    received.click()  # ascending
    expect(agencies.locator("tbody tr").last).to_contain_text("Dinas Lingkungan Hidup")
    expect(page.locator("#rapor-map path.leaflet-interactive")).to_have_count(15)
    expect(page.locator(".explain")).to_contain_text("hari kerja")
    screenshot("report-card")
    assert foreign == []
