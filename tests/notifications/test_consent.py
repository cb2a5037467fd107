"""Consent: the receipt goes to any contact given; updates only with "kabari saya" (the intake API's
reporter.notify, Open311's notify=true). Staff choose their channels in the admin."""

import pytest

from complaints.models import Complaint, Role
from notifications.models import Channel, Kind, ReporterChoice, StaffPreference
from notifications.rules import for_event
from tests.open311.test_georeport import VALID, form_post


@pytest.mark.django_db
@pytest.mark.parametrize("notify, expect", [("true", True), ("false", False), ("", False)])
def test_open311_notify_field(client, api_key, notify, expect):
    response, body = form_post(client, api_key=api_key, **{**VALID, "email": "warga@contoh.id", "notify": notify})
    assert response.status_code == 201, body
    complaint = Complaint.objects.get(tracking_code=body[0]["service_request_id"])
    assert ReporterChoice.objects.get(complaint=complaint).notify is expect


@pytest.mark.django_db
def test_intake_notify_must_be_a_boolean(post_complaint):
    from tests.conftest import complaint_body

    response = post_complaint(complaint_body(reporter={"email": "warga@contoh.id", "notify": "mungkin"}))
    assert response.status_code == 400 and "notify" in response.content.decode()


@pytest.mark.django_db
def test_the_receipt_needs_no_consent_but_updates_do(file_complaint):
    complaint = file_complaint(reporter={"email": "warga@contoh.id"})
    [created] = complaint.events.all()
    assert [(r.kind, r.channel) for r in for_event(created) if r.audience == "reporter"] == [(Kind.RECEIPT, Channel.EMAIL)]
    assert ReporterChoice.objects.get(complaint=complaint).notify is False


@pytest.mark.django_db
def test_staff_choose_channels_and_a_whatsapp_number_in_the_admin(client, staff_user):
    client.force_login(staff_user("admin.uji", Role.CITY_ADMIN, is_staff=True))
    member = staff_user("satgas.wa", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    form = {"user": member.id, "channels": [Channel.EMAIL, Channel.WHATSAPP], "phone": "0812 3456 7890", "muted": [Kind.INBOX]}
    assert client.post("/admin/notifications/staffpreference/add/", form).status_code == 302
    preference = StaffPreference.objects.get(user=member)
    assert preference.phone == "+6281234567890" and preference.muted == [Kind.INBOX]
    bad = client.post("/admin/notifications/staffpreference/add/", {**form, "user": staff_user("lain").id, "phone": "12"})
    assert bad.status_code == 200 and "0812 3456 7890" in bad.content.decode()


@pytest.mark.django_db
def test_staff_choose_their_channels_in_their_profile(client, staff_user):
    member = staff_user("satgas.profil", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    client.force_login(member)
    assert client.get("/satgas/notifikasi/").status_code == 200
    assert client.post("/satgas/notifikasi/", {"channels": [Channel.WHATSAPP], "phone": ""}).status_code == 200  # no number
    answer = client.post("/satgas/notifikasi/", {"channels": [Channel.WHATSAPP], "phone": "0812-3456-7890", "muted": [Kind.DIGEST]})
    assert answer.status_code == 302
    preference = StaffPreference.objects.get(user=member)
    assert preference.channels == [Channel.WHATSAPP] and preference.phone == "+6281234567890"
    assert preference.muted == [Kind.DIGEST]
    client.force_login(staff_user("warga.bukan.petugas"))
    assert client.get("/satgas/notifikasi/").status_code == 403
