"""/satgas/ in a real browser: sign in, see the task force's open complaints overdue first, act on one."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from complaints.intake import photo_attach
from complaints.models import Complaint, ContactView, Photo, PhotoKind, Role, Status
from complaints.photos import photo_clean
from tests.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "kata-sandi-uji-7"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def inbox(committed_city, file_complaint, staff_user):
    staff_user("satgas.tengah", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"], password=PASSWORD)
    fresh = file_complaint(101.44, 0.51, category="sampah", description="Sampah baru menumpuk.")
    late = file_complaint(101.445, 0.515, category="pohon-tumbang", description="Pohon tumbang sejak kemarin.")
    Complaint.objects.filter(pk=late.pk).update(due_at=late.created_at - timedelta(days=2))
    elsewhere = file_complaint(101.4445, 0.4608, category="sampah")  # another zone's task force
    return fresh, late, elsewhere


def sign_in(page, live_server, username="satgas.tengah"):
    page.goto(f"{live_server.url}/satgas/")
    expect(page).to_have_url(f"{live_server.url}/masuk/?next=/satgas/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{live_server.url}/satgas/")


def test_inbox_lists_own_open_complaints_overdue_first_and_acknowledges_one(page, live_server, inbox):
    fresh, late, elsewhere = inbox
    failed = []
    # A request the browser itself cancels (a tile still loading when the sign-in page moves on) is no fault.
    page.on("requestfailed", lambda request: request.failure == "net::ERR_ABORTED" or failed.append(request.url))
    sign_in(page, live_server)

    items = page.locator("#list .item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text(late.tracking_code)
    expect(items.first).to_have_class("item overdue")
    expect(page.locator("#list")).not_to_contain_text(elsewhere.tracking_code)
    expect(page.locator(".leaflet-interactive")).not_to_have_count(0)  # outlines and markers drawn

    page.get_by_role("button", name=fresh.tracking_code).click()
    detail = page.locator("#detail")
    expect(detail).to_contain_text("Sampah baru menumpuk.")
    detail.get_by_label("Catatan (wajib untuk menolak)").fill("Dicek dulu oleh tim.")
    detail.get_by_role("button", name="Verifikasi").click()
    expect(detail).to_contain_text("baru → diverifikasi")

    fresh.refresh_from_db()
    assert fresh.status == Status.DIVERIFIKASI
    acknowledged = fresh.events.last()
    assert acknowledged.actor.username == "satgas.tengah" and not acknowledged.public  # private by default
    # A note the officer marks public reaches the citizen's tracking page.
    detail.get_by_label("Catatan (wajib untuk menolak)").fill("Tim menuju lokasi.")
    detail.get_by_label("Tampilkan catatan ini di halaman lacak publik").check()
    detail.get_by_role("button", name="Mulai kerjakan").click()
    expect(detail).to_contain_text("diverifikasi → dikerjakan")
    assert fresh.events.last().public and fresh.events.last().note == "Tim menuju lokasi."
    assert failed == []


def test_reject_without_a_reason_shows_the_message_and_changes_nothing(page, live_server, inbox):
    fresh = inbox[0]
    sign_in(page, live_server)
    page.get_by_role("button", name=fresh.tracking_code).click()
    page.locator("#detail").get_by_role("button", name="Tolak").click()
    expect(page.locator("#detail .error")).to_contain_text("Sebutkan alasan pengaduan ditolak.")
    fresh.refresh_from_db()
    assert fresh.status == Status.BARU


def test_filters_narrow_the_list(page, live_server, inbox):
    sign_in(page, live_server)
    expect(page.locator("#list .item")).to_have_count(2)
    page.get_by_label("Kategori").select_option("pohon-tumbang")
    expect(page.locator("#list .item")).to_have_count(1)


def test_list_items_are_readable(page, live_server, inbox):
    sign_in(page, live_server)
    item = page.locator("#list .item").first
    for part in (".tracking", ".what", ".place"):
        colour = item.locator(part).evaluate("(e) => getComputedStyle(e).color")
        assert colour != "rgb(255, 255, 255)", part  # was white on the white item


def test_detail_shows_the_photo_calls_navigates_and_resolves_with_an_after_photo(page, live_server, inbox, tmp_path):
    fresh = inbox[0]
    Complaint.objects.filter(pk=fresh.pk).update(reporter_phone="0812-3456-7890", status=Status.DIKERJAKAN)
    upload = SimpleUploadedFile("r.jpg", jpeg_with_gps((800, 600)), content_type="image/jpeg")
    photo_attach(fresh, photo_clean(upload), PhotoKind.REPORT)
    sign_in(page, live_server)
    page.get_by_role("button", name=fresh.tracking_code).click()
    detail = page.locator("#detail")
    expect(detail.get_by_role("img", name="Foto yang dikirim bersama laporan")).to_be_visible()
    # The contact is not in the detail: "Tampilkan kontak" asks for it, and the reading is logged.
    expect(detail.get_by_role("link", name="Telepon 0812-3456-7890")).to_have_count(0)
    detail.get_by_role("button", name="Tampilkan kontak").click()
    expect(detail.get_by_role("link", name="Telepon 0812-3456-7890")).to_have_attribute("href", "tel:081234567890")
    assert ContactView.objects.filter(complaint=fresh, actor__username="satgas.tengah").count() == 1
    lon, lat = fresh.location.x, fresh.location.y
    expect(detail.get_by_role("link", name="Navigasi")).to_have_attribute("href", f"geo:{lat},{lon}?q={lat},{lon}")
    # The map is centred on the complaint.
    centre = page.evaluate("(() => { const c = document.getElementById('map').pekaMap.getCenter(); return [c.lng, c.lat]; })()")
    assert abs(centre[0] - lon) < 1e-4 and abs(centre[1] - lat) < 1e-4

    after = tmp_path / "sesudah.jpg"
    after.write_bytes(jpeg_with_gps((800, 600)))
    detail.get_by_label("Foto setelah penanganan (dengan", exact=False).set_input_files(str(after))
    detail.get_by_role("button", name="Selesaikan", exact=True).click()
    expect(detail).to_contain_text("dikerjakan → selesai")
    assert Photo.objects.filter(complaint=fresh, kind=PhotoKind.AFTER).count() == 1


def test_actions_keep_one_order_and_a_refusal_reads_as_a_sentence(page, live_server, inbox):
    fresh = inbox[0]
    sign_in(page, live_server)
    page.get_by_role("button", name=fresh.tracking_code).click()
    buttons = page.locator("#detail .buttons button")
    expect(buttons).to_have_text(["Verifikasi", "Tandai duplikat", "Tolak"])
    expect(page.locator("#detail .buttons button.danger")).to_have_text("Tolak")
    page.locator("#detail").get_by_role("button", name="Verifikasi").click()
    expect(page.locator("#detail")).to_contain_text("baru → diverifikasi")
    expect(buttons).to_have_text(["Mulai kerjakan", "Tandai duplikat", "Tolak"])
    page.locator("#detail").get_by_role("button", name="Tolak").click()
    expect(page.locator("#detail .error")).to_contain_text("Sebutkan alasan")
    expect(page.locator("#detail .error")).not_to_contain_text("note")


def test_overdue_and_task_force_filters_and_a_supervisor_reassigns(page, live_server, inbox, staff_user):
    fresh, late, elsewhere = inbox
    staff_user("supervisor.dlhk", Role.SUPERVISOR, agency="DLHK", password=PASSWORD)
    sign_in(page, live_server, "supervisor.dlhk")
    items = page.locator("#list .item")
    expect(items).to_have_count(3)
    page.get_by_label("Hanya yang terlambat").check()
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(late.tracking_code)
    page.get_by_label("Hanya yang terlambat").uncheck()
    expect(items).to_have_count(3)
    page.locator("#filters select[name=task_force]").select_option(elsewhere.task_force.code)
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(elsewhere.tracking_code)

    items.first.click()
    detail = page.locator("#detail")
    detail.get_by_label("Serahkan ke satgas lain").select_option("DLHK-TENGAH")
    detail.get_by_role("button", name="Alihkan").click()
    page.wait_for_function("() => document.querySelectorAll('#list .item').length === 0")
    elsewhere.refresh_from_db()
    assert elsewhere.task_force.code == "DLHK-TENGAH"


def test_a_phone_shows_the_contact_on_asking_and_a_supervisor_sees_who_asked(page, live_server, inbox, staff_user):
    fresh, late, elsewhere = inbox
    Complaint.objects.filter(pk=fresh.pk).update(
        reporter_name="Bu Ani", reporter_phone="+6281234567890", reporter_email="ani@contoh.id"
    )
    Complaint.objects.filter(pk=late.pk).update(reporter_phone="+6281299998888", reporter_anonymous=True)
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server)
    detail = page.locator("#detail")
    page.get_by_role("button", name=late.tracking_code).click()
    expect(detail).to_contain_text("Pelapor meminta identitasnya dirahasiakan")
    expect(detail.get_by_role("button", name="Tampilkan kontak")).to_have_count(0)
    detail.get_by_role("button", name="Tutup").click()  # on a phone the detail covers the list
    page.get_by_role("button", name=fresh.tracking_code).click()
    button = detail.get_by_role("button", name="Tampilkan kontak")
    expect(button).to_be_visible()
    expect(detail).to_contain_text("Setiap penampilan kontak dicatat.")
    button.click()
    expect(detail.get_by_role("link", name="Telepon +6281234567890")).to_have_attribute("href", "tel:+6281234567890")
    expect(detail.get_by_role("link", name="ani@contoh.id")).to_have_attribute("href", "mailto:ani@contoh.id")
    expect(detail).to_contain_text("Bu Ani")
    # Nothing is wider than the phone.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    page.context.clear_cookies()
    staff_user("supervisor.dlhk", Role.SUPERVISOR, agency="DLHK", password=PASSWORD)
    sign_in(page, live_server, "supervisor.dlhk")
    page.get_by_role("button", name=fresh.tracking_code).click()
    expect(detail).to_contain_text("Yang menampilkan kontak pelapor")
    expect(detail.locator(".contact-views li")).to_have_count(1)
    expect(detail.locator(".contact-views li")).to_contain_text("satgas.tengah")
