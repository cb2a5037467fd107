"""The inbox in the field, in a real Chromium: installable (manifest, the one service worker), working
offline with changes queued and sent exactly once, conflicts shown with both versions, new work
arriving by itself, reply templates, filing for a caller, and the nearest complaints first."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from complaints.intake import photo_attach
from complaints.models import (
    Category,
    Channel,
    Complaint,
    EventKind,
    Photo,
    PhotoKind,
    ResponseTemplate,
    Role,
    StaffActionReceipt,
    Status,
)
from complaints.photos import photo_clean
from complaints.workflow import complaint_transition
from tests.conftest import jpeg_with_gps
from tests.e2e.test_satgas_page import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
SHELL, DATA = "peka-inbox-shell-v1", "peka-inbox-data-v1"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer(committed_city, staff_user):
    return staff_user("satgas.tengah", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"], password=PASSWORD)


@pytest.fixture
def working(officer, file_complaint):
    """A complaint the officer is working on (dikerjakan, version 1) and another one of theirs."""
    complaint = file_complaint(101.44, 0.51, category="sampah", description="Sampah menumpuk di gang.")
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.DIKERJAKAN)
    other = file_complaint(101.445, 0.515, category="pohon-tumbang", description="Pohon tumbang.")
    return complaint, other


def inbox_kept(page):
    """Wait until the service worker controls the page and has stored the inbox page, its scripts and
    its list (it says so to the page when done)."""
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => document.getElementById('inbox').dataset.keptAt !== undefined")
    kept = page.evaluate(
        f"async () => [...(await (await caches.open('{SHELL}')).keys()), ...(await (await caches.open('{DATA}')).keys())]"
        ".map((r) => new URL(r.url).pathname + new URL(r.url).search)"
    )
    for wanted in (
        "/satgas/",
        "/static/js/satgas.js",
        "/static/js/satgas_offline.js",
        "/static/vendor/leaflet/leaflet.js",
    ):
        assert wanted in kept, kept
    assert "/api/v1/staff/complaints/?open=true&page_size=1000" in kept, kept
    for outlines in ("/api/v1/staff/jurisdictions/", "/api/v1/boundaries/kecamatan/", "/api/v1/boundaries/kelurahan/"):
        assert outlines in kept, kept
    return kept


def test_the_inbox_is_installable_and_one_service_worker_serves_it(page, live_server, working):
    complaint, _other = working
    upload = SimpleUploadedFile("r.jpg", jpeg_with_gps((800, 600)), content_type="image/jpeg")
    photo = photo_attach(complaint, photo_clean(upload), PhotoKind.REPORT)
    sign_in(page, live_server)
    manifest = page.locator("link[rel=manifest]")
    expect(manifest).to_have_attribute("href", "/satgas/manifest.webmanifest")
    answer = page.request.get(live_server.url + "/satgas/manifest.webmanifest")
    body = answer.json()
    assert answer.ok and body["start_url"] == "/satgas/" and body["display"] == "standalone"
    for icon in body["icons"]:
        assert page.request.get(live_server.url + icon["src"]).headers["content-type"] == "image/png"
    kept = inbox_kept(page)
    assert "/foto/" + Path(photo.thumbnail.name).name in kept  # the thumbnails are on the device too
    assert "/foto/" + Path(photo.image.name).name not in kept  # not the full photos
    scripts = page.evaluate(
        "async () => (await navigator.serviceWorker.getRegistrations()).map((r) => [r.scope, r.active.scriptURL])"
    )
    assert scripts == [[live_server.url + "/", live_server.url + "/sw.js"]]  # the Web Push worker, no second one

    # Signing out forgets what the inbox kept: the next person on this phone does not find it.
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_function(
        f"async () => (await (await caches.open('{DATA}')).keys()).length === 0"
        f" && (await (await caches.open('{SHELL}')).keys()).length === 0"
    )


def test_offline_resolution_with_a_photo_reaches_the_server_exactly_once(page, context, live_server, working, tmp_path):
    complaint, _other = working
    sign_in(page, live_server)
    expect(page.locator("#list .item")).to_have_count(2)
    inbox_kept(page)

    context.set_offline(True)
    page.reload()  # the page, its list, its outlines and its scripts come from the device
    expect(page.locator("#list .item")).to_have_count(2)
    # Beside the 2 markers: the jurisdiction and the 15 kecamatan outlines.
    page.wait_for_function("() => document.querySelectorAll('.leaflet-overlay-pane path').length >= 18")
    expect(page.locator("#offline-banner")).to_have_text("Luring")
    page.get_by_role("button", name=complaint.tracking_code).click()
    detail = page.locator("#detail")
    expect(detail).to_contain_text("Sampah menumpuk di gang.")
    after = tmp_path / "sesudah.jpg"
    after.write_bytes(jpeg_with_gps((800, 600)))
    detail.get_by_label("Catatan (wajib untuk menolak)").fill("Sudah diangkut pagi ini.")
    detail.get_by_label("Foto setelah penanganan (dengan", exact=False).set_input_files(str(after))
    detail.get_by_role("button", name="Selesaikan", exact=True).click()
    expect(detail.locator(".error")).to_contain_text("Tersimpan di perangkat ini")
    expect(page.locator("#offline-banner")).to_have_text("Luring · 1 perubahan menunggu dikirim")
    expect(detail.get_by_role("button", name="Selesaikan", exact=True)).to_be_disabled()  # no second change on v1
    item = page.locator(f"#list .item[data-code='{complaint.tracking_code}']")
    expect(item.locator(".pending-tag")).to_have_text("menunggu dikirim")
    complaint.refresh_from_db()
    assert complaint.status == Status.DIKERJAKAN  # nothing reached the server

    # Back online, the first answer is lost on the way back: the server did it, the phone did not hear.
    lost = []

    def lose_the_first_answer(route):
        if not lost:
            lost.append(route.fetch().status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/transition/", lose_the_first_answer)
    heard = []
    page.on(
        "response",
        lambda r: heard.append((r.status, r.headers.get("idempotent-replayed"))) if "/transition/" in r.url else None,
    )
    context.set_offline(False)
    for _ in range(100):
        if lost:
            break
        page.wait_for_timeout(100)
    assert lost == [200]
    expect(page.locator("#offline-banner")).to_have_text("1 perubahan menunggu dikirim")
    page.evaluate("() => PEKA.outbox.flush()")  # the retry (a timer or the next "online" does the same)
    expect(page.locator("#offline-banner")).to_be_hidden()
    expect(page.locator("#conflicts")).to_be_hidden()
    assert heard == [(200, "true")]  # the resend found the change done: a replay, not a second one (nor a 409)

    complaint.refresh_from_db()
    assert complaint.status == Status.SELESAI and complaint.version == 2
    assert complaint.events.filter(kind=EventKind.STATUS, to_status=Status.SELESAI).count() == 1
    assert complaint.events.get(to_status=Status.SELESAI, kind=EventKind.STATUS).note == "Sudah diangkut pagi ini."
    assert Photo.objects.filter(complaint=complaint, kind=PhotoKind.AFTER).count() == 1
    assert StaffActionReceipt.objects.filter(complaint=complaint).count() == 1
    expect(page.locator("#list .item")).to_have_count(1)  # resolved: off the open list


def test_a_change_made_meanwhile_is_shown_with_both_versions_and_never_overwritten(
    page, context, live_server, working, staff_user
):
    complaint, _other = working
    sign_in(page, live_server)
    inbox_kept(page)
    page.get_by_role("button", name=complaint.tracking_code).click()
    detail = page.locator("#detail")
    expect(detail).to_contain_text("Sampah menumpuk di gang.")

    context.set_offline(True)
    detail.get_by_label("Catatan (wajib untuk menolak)").fill("Sudah bersih.")
    detail.get_by_role("button", name="Selesaikan", exact=True).click()
    expect(page.locator("#offline-banner")).to_have_text("Luring · 1 perubahan menunggu dikirim")

    supervisor = staff_user("supervisor.dlhk", Role.SUPERVISOR, agency="DLHK")
    complaint_transition(complaint=complaint, actor=supervisor, to_status=Status.DITOLAK, note="Bukan wewenang DLHK.")
    context.set_offline(False)

    conflict = page.locator("#conflicts .conflict")
    expect(conflict).to_have_count(1)
    expect(conflict.get_by_role("heading", level=2)).to_have_text(
        f"{complaint.tracking_code} berubah selagi Anda luring"
    )
    mine, theirs = conflict.locator(".version.mine"), conflict.locator(".version.theirs")
    expect(mine).to_contain_text("Perubahan Anda (dibuat pada versi 1)")
    expect(mine).to_contain_text("Selesaikan")
    expect(mine).to_contain_text("Sudah bersih.")
    expect(theirs).to_contain_text("Sekarang di server (versi 2)")
    expect(theirs).to_contain_text("ditolak")
    expect(theirs).to_contain_text("supervisor.dlhk")
    expect(theirs).to_contain_text("Bukan wewenang DLHK.")
    # Rejected cannot become resolved: nothing to apply, only to drop.
    expect(conflict.get_by_role("button", name=re.compile("Terapkan"))).to_have_count(0)
    expect(page.locator("#offline-banner")).to_be_hidden()

    complaint.refresh_from_db()
    assert complaint.status == Status.DITOLAK and complaint.version == 2  # never silently overwritten
    assert not complaint.events.filter(to_status=Status.SELESAI).exists()

    conflict.get_by_role("button", name="Buang milik saya").click()
    expect(page.locator("#conflicts")).to_be_hidden()
    assert page.evaluate("async () => (await PEKA.outbox.items()).length") == 0


def test_a_complaint_filed_meanwhile_appears_with_a_badge_and_in_the_title(
    page, live_server, working, file_complaint, settings
):
    settings.PEKA_INBOX_POLL_SECONDS = 1
    unchanged = []
    page.on(
        "response", lambda r: unchanged.append(r.url) if r.status == 304 and "/staff/complaints/" in r.url else None
    )
    sign_in(page, live_server)
    expect(page.locator("#list .item")).to_have_count(2)
    title = page.title()
    page.wait_for_timeout(2500)
    assert unchanged, "the poll asks with If-None-Match and hears 304 while nothing changes"
    assert page.title() == title

    arrived = file_complaint(101.441, 0.511, category="sampah", description="Baru saja dilaporkan.")
    item = page.locator(f"#list .item[data-code='{arrived.tracking_code}']")
    expect(item).to_be_visible(timeout=5000)
    expect(page.locator("#list .item")).to_have_count(3)
    expect(item).to_have_class(re.compile(r"\bnew\b"))
    expect(page.locator("#new-badge")).to_have_text("1 baru")
    expect(page).to_have_title("(1) " + title)

    item.click()
    expect(page.locator("#detail")).to_contain_text("Baru saja dilaporkan.")
    expect(page).to_have_title(title)
    expect(page.locator("#new-badge")).to_be_hidden()


def test_reply_templates_fill_the_note_in_both_languages(page, live_server, working):
    complaint, _other = working
    ResponseTemplate.objects.create(
        title="Dijadwalkan",
        category=Category.objects.get(code="sampah"),
        text_id="Laporan {code} di {kelurahan} kami tangani.",
        text_en="We are handling complaint {code} in {kelurahan}.",
    )
    sign_in(page, live_server)
    page.get_by_role("button", name=complaint.tracking_code).click()
    detail = page.locator("#detail")
    note = detail.get_by_label("Catatan (wajib untuk menolak)")
    place = complaint.kelurahan.name
    choose = detail.get_by_label("Templat balasan")
    choose.select_option(value=f"id:{ResponseTemplate.objects.get().id}")
    expect(note).to_have_value(f"Laporan {complaint.tracking_code} di {place} kami tangani.")
    choose.select_option(value=f"en:{ResponseTemplate.objects.get().id}")
    expect(note).to_have_value(f"We are handling complaint {complaint.tracking_code} in {place}.")
    detail.get_by_role("button", name="Selesaikan", exact=True).click()
    expect(detail).to_contain_text("dikerjakan → selesai")
    assert complaint.events.last().note == f"We are handling complaint {complaint.tracking_code} in {place}."


def test_staff_file_for_a_caller_from_the_inbox(page, live_server, working):
    sign_in(page, live_server)
    expect(page.locator("#list .item")).to_have_count(2)
    page.get_by_role("button", name="Catat untuk penelepon").click()
    form = page.locator("#caller-form")
    form.get_by_label("Jenis masalah").select_option("sampah")
    form.get_by_label("Yang dilaporkan penelepon").fill("Penelepon: sampah di depan masjid.")
    form.get_by_label("Nama penelepon (opsional, rahasia)").fill("Bu Ani")
    page.evaluate("() => PEKA.inbox.map.setView([0.5105, 101.4405], 17, {animate: false})")
    page.locator("#map").click(position={"x": 200, "y": 200})
    form.get_by_role("button", name="Catat pengaduan").click()
    result = page.locator("#caller-result")
    expect(result).to_contain_text("Tercatat sebagai PKU-")
    expect(result).to_contain_text("DLHK-TENGAH")
    filed = Complaint.objects.get(channel=Channel.STAFF)
    assert filed.reporter_name == "Bu Ani" and filed.task_force.code == "DLHK-TENGAH"
    assert filed.events.get(kind=EventKind.CREATED).actor.username == "satgas.tengah"
    expect(page.locator("#list .item")).to_have_count(3)  # in this officer's own inbox


def test_the_nearest_complaints_first_from_the_officers_own_position(page, context, live_server, working):
    complaint, other = working  # at (101.44, 0.51) and (101.445, 0.515)
    context.grant_permissions(["geolocation"], origin=live_server.url)
    context.set_geolocation({"latitude": 0.5149, "longitude": 101.4449})  # beside the second
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    sign_in(page, live_server)
    items = page.locator("#list .item")
    expect(items).to_have_count(2)
    first_by_due = items.first.get_attribute("data-code")
    page.get_by_role("button", name="Terdekat dulu").click()
    expect(page.get_by_role("button", name="Terdekat dulu")).to_have_attribute("aria-pressed", "true")
    expect(items.first).to_have_attribute("data-code", other.tracking_code)
    expect(items.first.locator(".distance")).to_have_text(re.compile(r"^\d+ m$"))
    expect(items.nth(1).locator(".distance")).to_have_text(re.compile(r"^\d+ m$|km$"))
    assert not any("0.5149" in url or "101.4449" in url for url in asked)  # the position never leaves the page
    page.get_by_role("button", name="Terdekat dulu").click()
    expect(items.first).to_have_attribute("data-code", first_by_due)

    items.filter(has_text=complaint.tracking_code).click()
    lon, lat = complaint.location.x, complaint.location.y
    navigate = page.locator("#detail").get_by_role("link", name="Navigasi")
    expect(navigate).to_have_attribute("href", f"geo:{lat},{lon}?q={lat},{lon}")
    expect(page.locator("#detail").get_by_role("link", name="Buka di peta web")).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/\?mlat=")
    )


def test_the_inbox_reads_on_a_360_px_phone_offline_with_a_conflict(
    page, context, live_server, working, staff_user, screenshot
):
    complaint, _other = working
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server)
    inbox_kept(page)
    page.get_by_role("button", name=complaint.tracking_code).click()
    context.set_offline(True)
    page.locator("#detail").get_by_role("button", name="Selesaikan", exact=True).click()
    complaint_transition(
        complaint=complaint, actor=staff_user("lain", Role.CITY_ADMIN), to_status=Status.DITOLAK, note="Salah kategori."
    )
    context.set_offline(False)
    expect(page.locator("#conflicts .conflict")).to_be_visible()
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert wide <= 360
    page.locator("#detail .close").click()
    screenshot("satgas-conflict-360")
