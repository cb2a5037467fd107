"""The staff API for work in the field: the list's ETag and 304, actions done once per Idempotency-Key
(photo included), a conflict that carries both versions, response templates filled in both languages,
filing for a caller, and the inbox's web app manifest."""

import json
import threading
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from complaints.models import (
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    EventKind,
    Photo,
    PhotoKind,
    ResponseTemplate,
    Role,
    StaffActionReceipt,
    Status,
)
from complaints.workflow import complaint_transition
from tests.conftest import complaint_body, jpeg_with_gps

pytestmark = pytest.mark.django_db

SUKAJADI = (101.44, 0.51)  # DLHK-TENGAH for sampah
AIRPORT = (101.4445, 0.4608)  # DLHK-BARAT-DAYA
LIST = "/api/v1/staff/complaints/?open=true&page_size=1000"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer(staff_user):
    user = staff_user("satgas.tengah", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def transition_url(complaint):
    return f"/api/v1/staff/complaints/{complaint.tracking_code}/transition/"


# --- ETag and 304 ------------------------------------------------------------------------------------


def test_the_list_answers_an_etag_and_304_until_its_complaints_change(officer, file_complaint):
    own = file_complaint(*SUKAJADI)
    first = officer.get(LIST)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert "no-store" in first["Cache-Control"]  # staff answers are never kept by a cache

    same = officer.get(LIST, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.content == b"" and same["ETag"] == etag

    file_complaint(*AIRPORT)  # another task force's: not in this list
    assert officer.get(LIST, headers={"If-None-Match": etag}).status_code == 304

    entering = file_complaint(*SUKAJADI, description="Sampah baru lagi.")
    changed = officer.get(LIST, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert entering.tracking_code in {f["id"] for f in changed.json()["features"]}

    etag = changed["ETag"]
    complaint_transition(complaint=own, actor=officer.user, to_status=Status.DIVERIFIKASI)
    assert officer.get(LIST, headers={"If-None-Match": etag}).status_code == 200  # a change to one
    # Other filters are another answer.
    assert officer.get(LIST + "&category=sampah", headers={"If-None-Match": etag}).status_code == 200


def test_an_unchanged_list_costs_one_query_beyond_the_session(officer, file_complaint):
    for _ in range(5):
        file_complaint(*SUKAJADI)
    etag = officer.get(LIST)["ETag"]
    with CaptureQueriesContext(connection) as full:
        officer.get(LIST)
    with CaptureQueriesContext(connection) as unchanged:
        assert officer.get(LIST, headers={"If-None-Match": etag}).status_code == 304
    assert len(unchanged) < len(full)
    assert [q["sql"] for q in unchanged if "complaints_photo" in q["sql"]] == []  # nothing serialised
    assert len(unchanged) <= 4  # session, user, staff role, the aggregate


# --- Idempotent staff actions ----------------------------------------------------------------------


def test_a_retried_transition_with_the_same_key_is_done_once(officer, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    body = {"to": "diverifikasi", "note": "Dicek.", "version": 1}
    headers = {"Idempotency-Key": "8a7c1a2e-0d1b-4c55-9b1a-1d7f3c2a9e10"}
    first = officer.post(transition_url(complaint), body, content_type="application/json", headers=headers)
    again = officer.post(transition_url(complaint), body, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 200
    assert "Idempotent-Replayed" not in first and again["Idempotent-Replayed"] == "true"
    assert again.json()["properties"]["version"] == 2  # the complaint as it is, not a second change
    assert complaint.events.filter(kind=EventKind.STATUS).count() == 1


def test_a_resolution_with_a_photo_replayed_keeps_one_event_and_one_photo(officer, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.DIKERJAKAN)
    photo = jpeg_with_gps((640, 480))

    def resolve():
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("sesudah.jpg", photo, content_type="image/jpeg")
        return officer.post(
            transition_url(complaint),
            {"to": "selesai", "note": "Sudah diangkut.", "version": "1", "photo": upload},
            headers={"Idempotency-Key": "kunci-selesai-1"},
        )

    assert resolve().status_code == 200
    assert resolve()["Idempotent-Replayed"] == "true"
    assert complaint.events.filter(kind=EventKind.STATUS, to_status=Status.SELESAI).count() == 1
    assert Photo.objects.filter(complaint=complaint, kind=PhotoKind.AFTER).count() == 1


def test_the_same_key_with_other_content_is_422_and_changes_nothing(officer, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    headers = {"Idempotency-Key": "kunci-2"}
    url = f"/api/v1/staff/complaints/{complaint.tracking_code}/notes/"
    assert officer.post(url, {"note": "Satu."}, content_type="application/json", headers=headers).status_code == 200
    other = officer.post(url, {"note": "Dua."}, content_type="application/json", headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.json()
    assert list(complaint.events.filter(kind=EventKind.NOTE).values_list("note", flat=True)) == ["Satu."]


def test_keys_are_each_staff_members_own_and_bad_keys_are_400(officer, staff_user, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    colleague = Client()
    colleague.force_login(staff_user("satgas.dua", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"]))
    url = f"/api/v1/staff/complaints/{complaint.tracking_code}/notes/"
    for client in (officer, colleague):
        answer = client.post(
            url, {"note": "Catatan."}, content_type="application/json", headers={"Idempotency-Key": "k"}
        )
        assert answer.status_code == 200 and "Idempotent-Replayed" not in answer
    assert complaint.events.filter(kind=EventKind.NOTE).count() == 2
    too_long = officer.post(url, {"note": "x"}, content_type="application/json", headers={"Idempotency-Key": "k" * 65})
    assert too_long.status_code == 400 and "Idempotency-Key" in too_long.json()


@pytest.mark.django_db(transaction=True)
def test_two_copies_of_one_action_at_once_are_done_once(committed_city, staff_user, file_complaint):
    user = staff_user("satgas.tengah", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    complaint = file_complaint(*SUKAJADI)
    answers, start = [], threading.Barrier(2)

    def send():
        client = Client()
        client.force_login(user)
        start.wait()
        answers.append(
            client.post(
                transition_url(complaint),
                {"to": "diverifikasi", "version": 1},
                content_type="application/json",
                headers={"Idempotency-Key": "sama"},
            )
        )
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 200]
    assert sum(a.has_header("Idempotent-Replayed") for a in answers) == 1
    assert complaint.events.filter(kind=EventKind.STATUS).count() == 1


def test_a_stale_change_is_409_and_leaves_no_receipt(officer, file_complaint, staff_user):
    complaint = file_complaint(*SUKAJADI)
    other = staff_user("satgas.lain", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    complaint_transition(complaint=complaint, actor=other, to_status=Status.DITOLAK, note="Bukan wewenang kami.")
    stale = {"to": "diverifikasi", "version": 1}
    headers = {"Idempotency-Key": "basi"}
    answer = officer.post(transition_url(complaint), stale, content_type="application/json", headers=headers)
    assert answer.status_code == 409
    assert "versi 1, sekarang 2" in answer.json()["detail"]
    # Refused: no receipt, so the same key is decided again (and refused again) rather than replayed.
    assert not StaffActionReceipt.objects.exists()
    again = officer.post(transition_url(complaint), stale, content_type="application/json", headers=headers)
    assert again.status_code == 409 and "Idempotent-Replayed" not in again
    complaint.refresh_from_db()
    assert complaint.status == Status.DITOLAK and complaint.version == 2


# --- Response templates ------------------------------------------------------------------------------


def test_templates_fit_the_complaint_and_are_filled_in_both_languages(officer, file_complaint):
    complaint = file_complaint(*SUKAJADI, category="sampah")
    sampah = Category.objects.get(code="sampah")
    ResponseTemplate.objects.create(
        title="Dijadwalkan",
        category=sampah,
        agency=complaint.agency,
        text_id="Laporan {code} di {kelurahan} dijadwalkan selesai {due}.",
        text_en="Complaint {code} in {kelurahan} is scheduled to be done by {due}.",
    )
    ResponseTemplate.objects.create(title="Terima kasih", text_id="Terima kasih, {code} kami terima.")
    ResponseTemplate.objects.create(title="Lampu", category=Category.objects.get(code="lampu-jalan"), text_id="x")
    answer = officer.get(f"/api/v1/staff/complaints/{complaint.tracking_code}/replies/")
    assert answer.status_code == 200
    replies = answer.json()
    assert [r["title"] for r in replies] == ["Dijadwalkan", "Terima kasih"]  # the specific one first
    due = timezone.localtime(complaint.due_at)
    months_id = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    months_en = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    place = complaint.kelurahan.name
    assert replies[0]["text"]["id"] == (
        f"Laporan {complaint.tracking_code} di {place} dijadwalkan selesai {due.day} {months_id[due.month - 1]} {due.year}."
    )
    assert replies[0]["text"]["en"] == (
        f"Complaint {complaint.tracking_code} in {place} is scheduled to be done by {due.day} {months_en[due.month - 1]} {due.year}."
    )
    assert (
        replies[1]["text"]["en"] == f"Terima kasih, {complaint.tracking_code} kami terima."
    )  # no English: the Indonesian


def test_a_template_with_an_unknown_placeholder_is_refused(officer, file_complaint):
    template = ResponseTemplate(title="Salah", text_id="Halo {nama}, {code}.", text_en="{code.__class__}")
    with pytest.raises(ValidationError) as refused:
        template.full_clean()
    assert set(refused.value.message_dict) == {"text_id", "text_en"}
    assert "{nama}" in refused.value.message_dict["text_id"][0]


def test_replies_of_a_complaint_outside_the_scope_are_404(officer, file_complaint):
    elsewhere = file_complaint(*AIRPORT)
    assert officer.get(f"/api/v1/staff/complaints/{elsewhere.tracking_code}/replies/").status_code == 404
    assert Client().get(f"/api/v1/staff/complaints/{elsewhere.tracking_code}/replies/").status_code == 403


# --- Filing for a caller -----------------------------------------------------------------------------


def test_staff_file_for_a_caller_through_intake_and_routing(officer):
    body = complaint_body(*AIRPORT, description="Penelepon: sampah di depan bandara.")
    answer = officer.post(
        "/api/v1/staff/complaints/", body, content_type="application/json", headers={"Idempotency-Key": "telp-1"}
    )
    assert answer.status_code == 201, answer.content
    filed = answer.json()
    complaint = Complaint.objects.get(tracking_code=filed["id"])
    assert complaint.channel == Channel.STAFF and filed["channel"] == "staff"
    assert complaint.task_force.code == "DLHK-BARAT-DAYA" == filed["task_force"]  # routed as any other
    assert filed["in_your_inbox"] is False  # another zone's: the filer does not see it afterwards
    assert filed["reporter_key"] and filed["private_url"].endswith(filed["reporter_key"])
    assert (complaint.reporter_name, complaint.reporter_phone) == ("", "")  # the caller's contact is optional
    created = complaint.events.get(kind=EventKind.CREATED)
    assert created.actor == officer.user

    again = officer.post(
        "/api/v1/staff/complaints/", body, content_type="application/json", headers={"Idempotency-Key": "telp-1"}
    )
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true" and "reporter_key" not in again.json()
    assert Complaint.objects.filter(channel=Channel.STAFF).count() == 1


def test_filing_for_a_caller_keeps_the_contact_private_and_refuses_bad_input(officer, client):
    body = complaint_body(*SUKAJADI, reporter={"name": "Pak Budi", "phone": "0812 1111 2222"})
    answer = officer.post("/api/v1/staff/complaints/", body, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["in_your_inbox"] is True
    complaint = Complaint.objects.get(tracking_code=answer.json()["id"])
    assert complaint.reporter_phone == "+6281211112222"  # stored in E.164 (geo.phones)
    public = client.get(f"/api/v1/complaints/{complaint.tracking_code}/").content.decode()
    assert "Pak Budi" not in public and "1111" not in public

    bad = officer.post("/api/v1/staff/complaints/", {"category": "tidak-ada"}, content_type="application/json")
    assert bad.status_code == 400 and {"category", "description", "location"} <= set(bad.json())
    assert Client().post("/api/v1/staff/complaints/", body, content_type="application/json").status_code == 403
    assert ComplaintEvent.objects.filter(complaint__channel=Channel.STAFF).count() == 1


# --- The installable inbox -----------------------------------------------------------------------------


def test_the_manifest_is_valid_public_and_its_icons_are_real_pngs(client):
    answer = client.get("/satgas/manifest.webmanifest")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/manifest+json"
    manifest = json.loads(answer.content)
    assert manifest["start_url"] == manifest["scope"] == manifest["id"] == "/satgas/"
    assert manifest["display"] == "standalone" and manifest["name"] and manifest["short_name"]
    sizes = set()
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(Path(path)) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_the_service_worker_keeps_the_inbox_and_still_shows_pushes(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Service-Worker-Allowed"] == "/"
    text = worker.content.decode()
    assert 'const INBOX_PAGE = "/satgas/"' in text and 'addEventListener("fetch"' in text
    assert 'addEventListener("push"' in text and "{%" not in text
