"""/satgas/ in a real browser: sign in, see the task force's open complaints overdue first, act on one."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint, Role, Status

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "kata-sandi-uji-7"


@pytest.fixture
def inbox(committed_city, file_complaint, staff_user):
    staff_user("satgas.tengah", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"], password=PASSWORD)
    fresh = file_complaint(101.44, 0.51, category="sampah", description="Sampah baru menumpuk.")
    late = file_complaint(101.445, 0.515, category="pohon-tumbang", description="Pohon tumbang sejak kemarin.")
    Complaint.objects.filter(pk=late.pk).update(due_at=late.created_at - timedelta(days=2))
    elsewhere = file_complaint(101.4445, 0.4608, category="sampah")  # another zone's task force
    return fresh, late, elsewhere


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/satgas/")
    expect(page).to_have_url(f"{live_server.url}/masuk/?next=/satgas/")
    page.get_by_label("Nama pengguna").fill("satgas.tengah")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{live_server.url}/satgas/")


def test_inbox_lists_own_open_complaints_overdue_first_and_acknowledges_one(page, live_server, inbox):
    fresh, late, elsewhere = inbox
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
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
    detail.get_by_role("button", name="Verifikasi").click()
    expect(detail).to_contain_text("baru → diverifikasi")

    fresh.refresh_from_db()
    assert fresh.status == Status.DIVERIFIKASI
    assert fresh.events.last().actor.username == "satgas.tengah"
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
