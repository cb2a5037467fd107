"""Assets on the citizen's map in a real browser: from zoom 16 the street-light poles near the pin show;
tapping one files the report against it (placed at the pole, the pin kept), and the next citizen who
taps the same pole is offered its report first ("tiang ini sudah dilaporkan")."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from complaints.models import Complaint
from geo.spatial import WGS84
from tests.e2e.test_citizen_map import SUKAJADI, drop_pin, open_map

pytestmark = pytest.mark.django_db(transaction=True)
HERE = Point(*SUKAJADI, srid=WGS84)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def poles(committed_city, pole):
    return pole("PJU-E2E-1", east_m=25), pole("PJU-E2E-2", east_m=-35)


def choose_lamp_category(page):
    page.get_by_label("Lampu jalan mati").check()
    expect(page.locator("path.asset")).to_have_count(2)


def test_tap_a_lamp_post_and_file_against_it(page, live_server, poles, screenshot):
    tapped, _other = poles
    open_map(page, live_server)
    drop_pin(page, *SUKAJADI)
    expect(page.locator("#where")).to_contain_text("Sukajadi")
    assert page.evaluate("() => document.getElementById('map').pekaMap.getZoom()") >= 16
    choose_lamp_category(page)
    page.locator(f"path.asset-{tapped.id}").click()
    expect(page.locator("#asset-chosen")).to_contain_text("Tiang lampu jalan PJU-E2E-1")
    expect(page.locator("#step-form")).to_be_visible()
    screenshot("asset-chosen")
    page.get_by_label("Apa masalahnya? (wajib)").fill("Lampu di tiang ini mati.")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#step-done")).to_be_visible()
    complaint = Complaint.objects.get(tracking_code=page.locator("#done-code").inner_text())
    assert complaint.asset == tapped
    assert complaint.location.equals_exact(tapped.location, 1e-9)
    assert complaint.reported_location.distance(HERE) < 1e-5  # the citizen's own pin (to a metre), kept

    # The next citizen taps the same pole: its report is offered first, to support instead.
    open_map(page, live_server)
    drop_pin(page, *SUKAJADI)
    choose_lamp_category(page)
    page.locator(f"path.asset-{tapped.id}").click()
    step = page.locator("#step-nearby")
    expect(step).to_be_visible()
    expect(page.locator("#nearby-asset")).to_contain_text("Tiang ini sudah dilaporkan")
    expect(step.locator(".nearby-item.same-asset")).to_contain_text("Lampu di tiang ini mati.")
    screenshot("asset-already-reported")


def test_below_zoom_16_no_assets_only_a_hint(page, live_server, poles):
    open_map(page, live_server)
    drop_pin(page, *SUKAJADI)
    choose_lamp_category(page)
    page.evaluate(
        "([lat, lon]) => document.getElementById('map').pekaMap.setView([lat, lon], 15, {animate: false})",
        [HERE.y, HERE.x],
    )
    expect(page.locator("path.asset")).to_have_count(0)
    expect(page.locator("#asset-hint")).to_contain_text("Perbesar peta")
    # Another category has no poles.
    page.evaluate(
        "([lat, lon]) => document.getElementById('map').pekaMap.setView([lat, lon], 18, {animate: false})",
        [HERE.y, HERE.x],
    )
    expect(page.locator("path.asset")).to_have_count(2)
    page.get_by_label("Drainase tersumbat / banjir").check()
    expect(page.locator("path.asset")).to_have_count(0)


def test_the_task_force_sees_the_poles_history(page, live_server, poles, post_complaint, staff_user):
    from complaints.models import Role
    from tests.assets.conftest import on_asset
    from tests.e2e.test_satgas_page import PASSWORD, sign_in

    tapped, _other = poles
    staff_user("satgas.pju", Role.SATGAS, agency="DPUPR", task_forces=["DPUPR-PJU"], password=PASSWORD)
    codes = []
    for words in ("Mati sejak Senin.", "Masih mati."):
        response = post_complaint(on_asset(tapped, description=words))
        assert response.status_code == 201, response.content
        codes.append(response.json()["id"])
    sign_in(page, live_server, "satgas.pju")
    page.get_by_role("button", name=codes[1]).click()
    detail = page.locator("#detail")
    expect(detail).to_contain_text("Aset PJU-E2E-1 (lampu-jalan)")
    expect(detail.locator(".asset-history")).to_contain_text(codes[0])
    expect(detail.locator(".asset-history")).to_contain_text("Mati sejak Senin.")
