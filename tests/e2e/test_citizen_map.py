"""The citizen's map in a real browser, on the real city: report, refusal, duplicate step, tracking,
rating and reopening, and the language switch."""

import io
import re

import pytest
from django.contrib.gis.geos import Point
from PIL import Image
from playwright.sync_api import expect

from complaints.models import Complaint, Photo, Role, Status
from complaints.workflow import complaint_transition
from geo.spatial import WGS84, offset_point
from tests.conftest import jpeg_with_gps
from tests.e2e.conftest import TILE_ROUTE

pytestmark = pytest.mark.django_db(transaction=True)
SUKAJADI = (101.44, 0.51)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def drop_pin(page, lon, lat):
    """Zoom in on a geographic position and click the map there (through Leaflet's own projection)."""
    x, y = page.evaluate(
        "([lat, lon]) => { const m = document.getElementById('map').pekaMap; m.setView([lat, lon], 18, {animate: false}); "
        "const p = m.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [lat, lon],
    )
    page.locator("#map").click(position={"x": x, "y": y})


def open_map(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_function("() => document.getElementById('map').pekaMap")
    expect(page.locator("path.leaflet-interactive")).to_have_count(15)  # the kecamatan outlines


def test_report_with_photo_in_sukajadi(page, live_server, committed_city, tmp_path, screenshot):
    open_map(page, live_server)
    drop_pin(page, *SUKAJADI)
    expect(page.locator("#where")).to_contain_text("Sukajadi")
    page.get_by_label("Lampu jalan mati").check()
    expect(page.locator("#step-form")).to_be_visible()
    page.get_by_label("Apa masalahnya? (wajib)").fill("Lampu jalan mati tiga malam.")
    photo = tmp_path / "lampu.jpg"
    photo.write_bytes(jpeg_with_gps((2400, 1800)))
    page.get_by_label("Foto (opsional", exact=False).set_input_files(str(photo))
    page.get_by_label("Telepon").fill("0812 3456 7890")
    page.get_by_role("button", name="Kirim laporan").click()

    done = page.locator("#step-done")
    expect(done).to_be_visible()
    code = page.locator("#done-code").inner_text()
    screenshot("report-confirmation")
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.kecamatan.code == "14.71.01"
    assert complaint.category.code == "lampu-jalan"
    assert complaint.reporter_phone == "+6281234567890"  # stored in E.164 (geo.phones)
    stored = Image.open(io.BytesIO(complaint.photos.get().image.read()))
    assert dict(stored.getexif()) == {}
    link = page.locator("#done-link")
    expect(link).to_have_attribute("href", re.compile(rf"/lacak/{code}/#k=[A-Za-z0-9_-]{{32}}$"))
    expect(page.locator("#done-private")).to_have_value(link.get_attribute("href"))
    # One tap copies it; the whole link is visible, not cut at the edge of a phone's screen.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Salin tautan pribadi").click()
    expect(page.locator("#copy-status")).to_contain_text("Tersalin")
    assert page.evaluate("() => navigator.clipboard.readText()") == link.get_attribute("href")
    box = page.locator("#done-private")
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight")
    # The private link opens the reporter's own page, and the key leaves the address bar.
    link.click()
    expect(page.locator("#add-text")).to_be_visible()
    assert "#k=" not in page.url and page.url.endswith(f"/lacak/{code}/")


def test_the_category_asks_its_questions_and_domestic_violence_shows_the_hotlines_first(
    page, live_server, committed_city, screenshot
):
    open_map(page, live_server)
    drop_pin(page, *SUKAJADI)
    page.get_by_label("Kekerasan dalam rumah tangga").check()
    notice = page.locator("#notice-kdrt")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("110")
    expect(notice).to_contain_text("129")
    expect(page.locator("#step-form")).to_be_hidden()
    screenshot("emergency-notice")
    page.get_by_label("Lampu jalan mati").check()
    expect(notice).to_be_hidden()
    expect(page.get_by_label("Berapa lampu yang mati?")).to_be_visible()
    expect(page.locator('fieldset.questions[data-category="sampah"]')).to_be_hidden()
    page.get_by_label("Berapa lampu yang mati?").fill("3")
    page.get_by_label("Nomor tiang (bila terlihat)").fill("PJU-0042")
    page.get_by_label("Apa masalahnya? (wajib)").fill("Tiga lampu mati berturut-turut.")
    screenshot("category-questions")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#step-done")).to_be_visible()
    complaint = Complaint.objects.get(tracking_code=page.locator("#done-code").inner_text())
    assert complaint.answers == {"jumlah": 3, "nomor-tiang": "PJU-0042"}


def test_pin_outside_the_city_is_refused_and_nothing_is_stored(page, live_server, committed_city, screenshot):
    open_map(page, live_server)
    before = Complaint.objects.count()
    drop_pin(page, 101.30, 0.45)  # west of the city limit
    expect(page.locator("#where")).to_contain_text("di luar Kota Pekanbaru")
    expect(page.locator("#step-category")).to_be_hidden()
    screenshot("pin-outside-city")
    assert Complaint.objects.count() == before


def test_duplicate_step_offers_the_nearby_complaint_and_supports_it(
    page, live_server, committed_city, file_complaint, screenshot
):
    here = Point(*SUKAJADI, srid=WGS84)
    nearby = offset_point(here, east_m=40)
    existing = file_complaint(nearby.x, nearby.y, category="lampu-jalan", description="Tiang lampu 12 padam.")
    before = Complaint.objects.count()
    open_map(page, live_server)
    drop_pin(page, *SUKAJADI)
    page.get_by_label("Lampu jalan mati").check()
    step = page.locator("#step-nearby")
    expect(step).to_contain_text("Tiang lampu 12 padam.")
    screenshot("duplicate-step")
    step.get_by_role("button", name=f"Dukung {existing.tracking_code}").click()
    expect(step).to_contain_text("dukungan Anda tercatat (1 pendukung)")
    existing.refresh_from_db()
    assert existing.support_count == 1
    assert Complaint.objects.count() == before


def test_tracking_page_timeline_rating_and_reopen(
    page, live_server, committed_city, file_complaint, staff_user, screenshot
):
    complaint = file_complaint(*SUKAJADI, category="sampah", description="Sampah menumpuk di simpang.")
    staff = staff_user("petugas", Role.CITY_ADMIN)
    page.goto(f"{live_server.url}/lacak/{complaint.tracking_code}/#k={complaint.reporter_key}")
    expect(page.locator(".timeline")).to_contain_text("baru")
    expect(page.locator("form [name=rating]")).to_have_count(0)
    expect(page.locator("#add-text")).to_be_visible()  # the key opened the reporter's page

    for status in (Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI):
        complaint_transition(
            complaint=complaint,
            actor=staff,
            to_status=status,
            note="Sudah diangkut." if status == Status.SELESAI else "Catatan internal.",
            note_public=status == Status.SELESAI,
        )
    page.reload()
    expect(page.locator(".timeline li")).to_have_count(4)
    expect(page.locator(".timeline")).to_contain_text("Sudah diangkut.")
    expect(page.locator(".timeline")).not_to_contain_text("Catatan internal.")
    screenshot("tracking-resolved")
    page.get_by_role("radio", name="4").check()
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(page.locator(".message")).to_contain_text("Terima kasih")
    complaint.refresh_from_db()
    assert complaint.rating == 4

    page.get_by_label("Belum benar-benar beres?", exact=False).fill("Sampah menumpuk lagi.")
    page.get_by_role("button", name="Buka kembali pengaduan").click()
    expect(page.locator(".badge")).to_have_text("baru")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopen_count) == (Status.BARU, 1)


def test_language_switch_to_english_and_back(page, live_server, committed_city, screenshot):
    open_map(page, live_server)
    expect(page.locator("h1")).to_have_text("Laporkan masalah di Pekanbaru")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Report a problem in Pekanbaru")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot("home-english")
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("h1")).to_have_text("Laporkan masalah di Pekanbaru")


def test_usable_at_360_px(page, live_server, committed_city, screenshot):
    page.set_viewport_size({"width": 360, "height": 740})
    open_map(page, live_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    drop_pin(page, *SUKAJADI)
    expect(page.locator("#step-category")).to_be_visible()
    screenshot("home-360px")
    assert Photo.objects.count() == 0


def test_home_map_draws_counts_and_complaints_from_tiles(page, live_server, committed_city, file_complaint, screenshot):
    from tests.complaints.test_tiles import cell_centre

    # Three complaints 15 m apart at the centre of a counting cell of a zoom-12 tile (so in one
    # cell of the zoom-10 tiles too: what the map shows at zoom 15 and 13), and one alone across the city.
    lon, lat = cell_centre(*SUKAJADI, 12)
    centre = Point(lon, lat, srid=WGS84)
    three = [offset_point(centre, east_m=15 * i - 15) for i in range(3)]
    filed = [file_complaint(p.x, p.y, category="sampah") for p in three]
    alone = file_complaint(101.4445, 0.4608, category="lampu-jalan")
    open_map(page, live_server)
    page.evaluate(
        "([lat, lon]) => document.getElementById('map').pekaMap.setView([lat, lon], 13, {animate: false})", [lat, lon]
    )

    cluster = page.locator(".cluster", has_text="3")
    expect(cluster).to_have_count(1)
    screenshot("home-tiles-cluster")
    cluster.click()
    page.wait_for_function(
        "() => { const m = document.getElementById('map').pekaMap; return m.getZoom() === 15 && !m._animatingZoom; }"
    )
    expect(cluster).to_have_count(1)  # still one cell at zoom 15

    page.evaluate(
        "([lat, lon]) => document.getElementById('map').pekaMap.setView([lat, lon], 18, {animate: false})", [lat, lon]
    )
    expect(page.locator(".dot")).to_have_count(3)  # single complaints from zoom-15 tiles
    page.locator(".dot").first.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Sampah tidak diangkut")
    expect(popup).to_contain_text("Sukajadi")
    page.wait_for_timeout(300)  # the popup's fade-in, for the screenshot
    code = popup.locator("a.popup-code").inner_text()
    assert code in {c.tracking_code for c in filed}
    expect(popup.locator("a.popup-code")).to_have_attribute("href", f"/lacak/{code}/")
    screenshot("home-tiles-popup")

    page.evaluate(
        "([lat, lon]) => document.getElementById('map').pekaMap.setView([lat, lon], 17, {animate: false})",
        [alone.location.y, alone.location.x],
    )
    expect(page.locator(".dot")).to_have_count(1)


@pytest.fixture
def phone(browser, live_server):
    """A touch phone, 360×740."""
    context = browser.new_context(
        locale="id-ID", viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    context.route(TILE_ROUTE, lambda route: route.abort())
    yield context.new_page()
    context.close()


def in_view(page, selector) -> bool:
    """The top of ``selector`` on the screen (within a pixel: scrolling leaves sub-pixel offsets)."""
    return page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect(); return r.top > -1 && r.top < innerHeight; }",
        selector,
    )


def test_on_a_phone_each_next_step_comes_into_view_and_duplicates_come_before_the_categories(
    phone, live_server, committed_city, file_complaint
):
    file_complaint(*SUKAJADI, category="sampah", description="Sampah menumpuk di sini.")
    open_map(phone, live_server)
    expect(phone.locator(".keyboard-hint")).to_be_hidden()  # no keyboard on a phone
    phone.evaluate(
        f"(() => {{ const m = document.getElementById('map').pekaMap; m.setView([{SUKAJADI[1]}, {SUKAJADI[0]}], 18, {{animate: false}});"
        f" m.fire('click', {{latlng: L.latLng({SUKAJADI[1]}, {SUKAJADI[0]})}}); }})()"
    )
    expect(phone.locator("#step-category")).to_be_visible()
    phone.wait_for_function("() => { const r = document.getElementById('step-category').getBoundingClientRect(); return r.top > -1 && r.top < innerHeight; }")
    phone.get_by_label("Sampah tidak diangkut").check()
    expect(phone.locator("#step-nearby")).to_contain_text("Sampah menumpuk di sini.")
    assert in_view(phone, "#step-nearby")
    # The offer comes before the eight category cards, not under them.
    assert phone.evaluate(
        "document.getElementById('step-nearby').compareDocumentPosition(document.getElementById('step-category')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    phone.get_by_role("button", name="Bukan ini: tulis laporan baru").click()
    assert in_view(phone, "#step-form")


def test_legend_names_the_marker_colours_and_a_tracking_code_stays_whole(page, live_server, committed_city):
    from complaints.models import Category

    open_map(page, live_server)
    legend = page.locator(".legend")
    for category in Category.objects.filter(sensitive=False):
        expect(legend).to_contain_text(category.name)
    assert page.evaluate("getComputedStyle(document.getElementById('done-code')).whiteSpace") == "nowrap"


def test_a_popup_near_the_corner_keeps_clear_of_the_zoom_buttons(page, live_server, committed_city, file_complaint):
    complaint = file_complaint(*SUKAJADI, category="sampah")
    open_map(page, live_server)
    # The complaint just right of the zoom buttons, near the top of the map.
    page.evaluate(
        "([lat, lon]) => { const m = document.getElementById('map').pekaMap; m.setView([lat, lon], 18, {animate: false});"
        " m.panBy(m.latLngToContainerPoint([lat, lon]).subtract([40, 130]), {animate: false}); }",
        [complaint.location.y, complaint.location.x],
    )
    page.locator(".dot").click()
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Sampah tidak diangkut")
    page.wait_for_timeout(400)  # the pan that brings the popup into view
    overlap = page.evaluate(
        "() => { const a = document.querySelector('.leaflet-popup').getBoundingClientRect();"
        " const b = document.querySelector('.leaflet-control-zoom').getBoundingClientRect();"
        " return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }"
    )
    assert not overlap


def test_a_reporter_can_keep_their_identity_from_the_officers(page, live_server, committed_city):
    open_map(page, live_server)
    drop_pin(page, *SUKAJADI)
    page.get_by_label("Lampu jalan mati").check()
    page.get_by_label("Apa masalahnya? (wajib)").fill("Lampu jalan mati di depan rumah saya.")
    page.get_by_label("E-mail").last.fill("rahasia@contoh.id")
    page.get_by_label("Rahasiakan identitas saya", exact=False).check()
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#step-done")).to_be_visible()
    complaint = Complaint.objects.get(tracking_code=page.locator("#done-code").inner_text())
    assert (complaint.reporter_anonymous, complaint.reporter_email) == (True, "rahasia@contoh.id")
