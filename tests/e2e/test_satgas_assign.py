"""/satgas/ on a 360 px phone in real Chromium: a supervisor assigns complaints from the list; an
officer takes one ("Ambil"), resolves it where it is (the device's position) and sees the closing
verified on site; the agency's staff hide a name and a photo from the public."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from complaints.intake import photo_attach
from complaints.models import Complaint, ComplaintEvent, PhotoKind, Role, Status
from complaints.photos import photo_clean
from tests.conftest import jpeg_with_gps
from tests.e2e.test_satgas_page import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 360, "height": 740}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def team(committed_city, file_complaint, staff_user, page):
    page.set_viewport_size(PHONE)
    for name in ("ani", "budi"):
        staff_user(name, Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"], password=PASSWORD)
    staff_user("supervisor.dlhk", Role.SUPERVISOR, agency="DLHK", password=PASSWORD)
    first = file_complaint(101.44, 0.51, description="Sampah di depan rumah Pak Joko Santoso.")
    second = file_complaint(101.445, 0.515, description="Sampah di pasar.")
    return first, second


def no_sideways_scroll(page, name: str):
    """Nothing wider than the phone; a screenshot of the step to look at (test-results/satgas-assign/)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=f"test-results/satgas-assign/{name}.png", full_page=True)


def test_a_supervisor_assigns_two_complaints_at_once(page, live_server, team):
    first, second = team
    sign_in(page, live_server, "supervisor.dlhk")
    expect(page.locator("#list .item")).to_have_count(2)
    expect(page.locator("#list")).to_contain_text("Belum ditugaskan kepada petugas")
    for complaint in (first, second):
        page.get_by_label(f"Pilih {complaint.tracking_code}").check()
    bar = page.locator("#assign-bar")
    expect(bar).to_contain_text("2 dipilih")
    no_sideways_scroll(page, "bulk-assign")
    bar.get_by_label("Tugaskan kepada petugas").select_option("budi")
    bar.get_by_role("button", name="Tugaskan yang dipilih").click()
    expect(page.locator("#list .officer", has_text="Ditugaskan kepada budi")).to_have_count(2)
    expect(bar).to_be_hidden()
    assert set(Complaint.objects.values_list("assigned_to__username", flat=True)) == {"budi"}

    # Reassigned from its detail to Ani; the list filter finds hers.
    page.get_by_role("button", name=first.tracking_code).click()
    detail = page.locator("#detail")
    detail.get_by_label("Tugaskan kepada petugas").select_option("ani")
    detail.get_by_role("button", name="Tugaskan", exact=True).click()
    expect(detail).to_contain_text("Ditugaskan kepada ani")
    first.refresh_from_db()
    assert first.assigned_to.username == "ani"
    events = ComplaintEvent.objects.filter(complaint=first, kind="assigned").order_by("id")
    assert [(e.assignee_before and e.assignee_before.username, e.assignee.username) for e in events] == [
        (None, "budi"),
        ("budi", "ani"),
    ]


def test_an_officer_takes_one_and_closes_it_on_the_spot(page, context, live_server, team):
    first, second = team
    Complaint.objects.filter(pk=first.pk).update(status=Status.DIKERJAKAN)
    context.grant_permissions(["geolocation"])
    context.set_geolocation({"latitude": 0.51, "longitude": 101.4402, "accuracy": 12})  # ~22 m east
    sign_in(page, live_server, "ani")
    page.get_by_role("button", name=first.tracking_code).click()
    detail = page.locator("#detail")
    detail.get_by_role("button", name="Ambil").click()
    expect(detail).to_contain_text("Ditugaskan kepada ani")
    no_sideways_scroll(page, "taken")
    page.locator("#filters select[name=assigned]").select_option("me")
    expect(page.locator("#list .item")).to_have_count(1)

    detail.get_by_role("button", name="Selesaikan", exact=True).click()
    expect(detail).to_contain_text("dikerjakan → selesai")
    expect(detail.locator(".on-site")).to_contain_text("Penyelesaian terverifikasi di lokasi (22 m")
    closing = ComplaintEvent.objects.get(complaint=first, to_status=Status.SELESAI)
    assert closing.verified_on_site and closing.site_evidence == "device"
    assert closing.site_distance_m == pytest.approx(22, abs=2)


def test_the_agency_staff_hide_a_name_and_a_photo(page, live_server, team, browser):
    first = team[0]
    photo = photo_attach(
        first,
        photo_clean(SimpleUploadedFile("r.jpg", jpeg_with_gps((400, 300)), content_type="image/jpeg")),
        PhotoKind.REPORT,
    )
    sign_in(page, live_server, "ani")
    page.get_by_role("button", name=first.tracking_code).click()
    moderation = page.locator("#detail .moderation")
    moderation.get_by_label("Kata yang disembunyikan dari publik", exact=False).fill("Pak Joko Santoso")
    moderation.get_by_label("Alasan (wajib)").fill("nama orang")
    moderation.get_by_role("button", name="Sembunyikan kata ini").click()
    expect(page.locator("#detail .moderation .public-text")).to_have_text("Sampah di depan rumah […].")
    no_sideways_scroll(page, "redacted")
    page.locator("#detail .moderation").get_by_label("Alasan (wajib)").fill("wajah terlihat")
    page.locator("#detail .moderation").get_by_role("button", name="Sembunyikan foto ini dari publik").click()
    expect(page.locator("#detail .moderation")).to_contain_text("disembunyikan dari publik")

    # The public, in a browser of its own, sees neither.
    public = browser.new_page()
    public.goto(f"{live_server.url}/lacak/{first.tracking_code}/")
    expect(public.locator("article")).to_contain_text("Sampah di depan rumah […].")
    expect(public.locator("article")).not_to_contain_text("Joko")
    expect(public.locator(".photos img")).to_have_count(0)
    assert public.request.get(f"{live_server.url}/foto/{photo.image.name.split('/')[-1]}").status == 404
    public.close()
