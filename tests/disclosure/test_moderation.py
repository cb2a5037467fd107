"""Moderation as the public sees it: a redacted description on every public surface while the original
stays for the agency's staff and the audit trail; a hidden photo nowhere public; a "moderated first"
category's text and photos public only after the first staff action."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints.models import Category, Complaint, ComplaintEvent, EventKind, Role, Status
from complaints.moderation import REDACTED
from complaints.workflow import complaint_transition
from disclosure.public import public_description, public_description_expression, public_description_sql
from tests.conftest import jpeg_with_gps
from tests.disclosure.test_surfaces import EXAMPLES, fetched

pytestmark = pytest.mark.django_db

NAME, PHONE = "Pak Joko Santoso", "0813 9876 5432"
DESCRIPTION = f"Sampah menumpuk di depan rumah {NAME} ({PHONE}), dasar pemalas."
SUKAJADI = (101.44, 0.51)


@pytest.fixture
def officer(staff_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = staff_user("petugas.moderasi", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def file_with_photo(client, description=DESCRIPTION, category="sampah") -> Complaint:
    answer = client.post(
        "/api/v1/complaints/",
        {
            "category": category,
            "description": description,
            "location": '{"type": "Point", "coordinates": [101.44, 0.51]}',
            "photo": SimpleUploadedFile("foto.jpg", jpeg_with_gps((400, 300)), content_type="image/jpeg"),
        },
    )
    assert answer.status_code == 201, answer.content
    complaint = Complaint.objects.get(tracking_code=answer.json()["id"])
    complaint.reporter_key = answer.json()["reporter_key"]
    return complaint


def staff_post(client, complaint, action, **body):
    complaint.refresh_from_db()
    return client.post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/{action}/",
        {**body, "version": complaint.version},
        content_type="application/json",
    )


def public_texts(client, complaint, photo_name="") -> dict[str, str]:
    """Every public URL's answer about ``complaint`` (the privacy test's list), and its export, by URL."""
    planted = {"public": complaint.tracking_code, "private": complaint.tracking_code, "private_photo": photo_name}
    urls = [u.format(**planted) for examples in EXAMPLES.values() for u in examples]
    urls += [
        f"/open311/v2/requests/{complaint.tracking_code}.xml",
        "/api/v1/hotspots/exports/complaints.gpkg",
        "/tiles/complaints/16/51234/32675.geojson",
    ]
    return {url: fetched(client, url)[1] for url in urls if not url.endswith(".gpkg")}


def test_a_redaction_reaches_every_public_surface_and_the_original_stays(client, officer):
    complaint = file_with_photo(client)
    for words, reason in ((NAME, "nama orang"), (PHONE, "nomor telepon"), ("dasar pemalas", "hinaan")):
        answer = staff_post(officer, complaint, "redact", text=words, reason=reason)
        assert answer.status_code == 200, answer.content
    expected = f"Sampah menumpuk di depan rumah {REDACTED} ({REDACTED}), {REDACTED}."
    assert answer.json()["properties"]["public_description"] == expected

    texts = public_texts(client, complaint)
    for url, text in texts.items():
        for hidden in (NAME, "Joko", PHONE, "pemalas"):
            assert hidden not in text, (url, hidden)
    # The redacted text is what the public surfaces carry.
    code = complaint.tracking_code
    assert client.get(f"/api/v1/complaints/{code}/").json()["properties"]["description"] == expected
    listed = client.get("/api/v1/complaints/", {"fields": "description"}).json()["features"]
    assert [f["properties"]["description"] for f in listed if f["id"] == code] == [expected]
    nearby = client.get("/api/v1/complaints/nearby/", {"lat": 0.51, "lon": 101.44, "category": "sampah"}).json()
    assert [n["description"] for n in nearby] == [expected]
    assert client.get(f"/open311/v2/requests/{code}.json").json()[0]["description"] == expected
    assert expected in texts[f"/open311/v2/requests/{code}.xml"].replace("&quot;", '"')
    assert expected in re.sub(r"\s+", " ", client.get(f"/lacak/{code}/").content.decode())
    export = b"".join(client.get("/api/v1/hotspots/exports/complaints.csv").streaming_content).decode()
    [row] = list(csv.DictReader(io.StringIO(export)))
    assert row["description"] == expected

    # The agency's staff keep the original; the audit trail says what was hidden and why.
    staff = officer.get(f"/api/v1/staff/complaints/{code}/").json()["properties"]
    assert staff["description"] == DESCRIPTION
    moderated = [e for e in staff["events"] if e["kind"] == "moderated"]
    assert len(moderated) == 3 and all(not e["public"] for e in moderated)
    assert NAME in moderated[0]["note"] and "nama orang" in moderated[0]["note"]
    assert moderated[0]["actor"] == "petugas.moderasi"
    complaint.refresh_from_db()
    assert complaint.description == DESCRIPTION and complaint.version == 4


def test_a_redaction_needs_words_that_occur_and_a_reason(client, officer):
    complaint = file_with_photo(client)
    assert staff_post(officer, complaint, "redact", text="Bu Sari", reason="nama").status_code == 400
    answer = staff_post(officer, complaint, "redact", text=NAME, reason=" ")
    assert answer.status_code == 400 and "reason" in answer.json()
    complaint.refresh_from_db()
    assert complaint.public_description is None
    assert not ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.MODERATED).exists()


def test_a_hidden_photo_is_absent_publicly_and_kept_for_staff(client, officer):
    complaint = file_with_photo(client, description="Sampah menumpuk.")
    [photo] = complaint.photos.all()
    name = photo.image.name.split("/")[-1]
    assert client.get(f"/foto/{name}").status_code == 200
    staff_photos = officer.get(f"/api/v1/staff/complaints/{complaint.tracking_code}/").json()["properties"]["photos"]
    assert [p["id"] for p in staff_photos] == [photo.id]

    answer = staff_post(officer, complaint, "hide-photo", photo=photo.id, reason="wajah orang terlihat")
    assert answer.status_code == 200, answer.content
    assert answer.json()["properties"]["photos"][0]["hidden"] is True

    code = complaint.tracking_code
    assert client.get(f"/api/v1/complaints/{code}/").json()["properties"]["photos"] == []
    assert client.get(f"/open311/v2/requests/{code}.json").json()[0]["media_url"] == ""
    for thumb_or_image in (name, photo.thumbnail.name.split("/")[-1]):
        assert client.get(f"/foto/{thumb_or_image}").status_code == 404
        assert officer.get(f"/foto/{thumb_or_image}").status_code == 200
    for url, text in public_texts(client, complaint, name).items():
        if not url.startswith("/foto/"):  # its 404 page names what was asked for
            assert name not in text and photo.thumbnail.name.split("/")[-1] not in text, url

    assert (
        staff_post(officer, complaint, "hide-photo", photo=photo.id, hidden=False, reason="keliru").status_code == 200
    )
    assert client.get(f"/foto/{name}").status_code == 200
    assert staff_post(officer, complaint, "hide-photo", photo=999999, reason="x").status_code == 400


def test_a_moderated_first_category_is_public_only_after_the_first_staff_action(client, officer):
    Category.objects.filter(code="sampah").update(moderated_first=True)
    complaint = file_with_photo(client, description="Sampah di Jalan Melati.")
    [photo] = complaint.photos.all()
    name = photo.image.name.split("/")[-1]
    code = complaint.tracking_code

    feature = client.get(f"/api/v1/complaints/{code}/").json()["properties"]
    assert (feature["description"], feature["photos"]) == ("", [])
    for url, text in public_texts(client, complaint, name).items():
        assert "Melati" not in text, url
        assert url.startswith("/foto/") or name not in text, url
    assert client.get(f"/foto/{name}").status_code == 404
    # The complaint itself (its place and status) is public as usual; staff see everything.
    assert feature["status"] == "baru"
    assert officer.get(f"/api/v1/staff/complaints/{code}/").json()["properties"]["held"] is True

    complaint_transition(complaint=complaint, actor=officer.user, to_status=Status.DIVERIFIKASI)
    feature = client.get(f"/api/v1/complaints/{code}/").json()["properties"]
    assert feature["description"] == "Sampah di Jalan Melati." and len(feature["photos"]) == 1
    assert client.get(f"/foto/{name}").status_code == 200
    assert "Melati" in client.get(f"/lacak/{code}/").content.decode()


def test_other_categories_are_public_at_once(client):
    assert not Category.objects.filter(moderated_first=True).exists()  # default: none
    complaint = file_with_photo(client, description="Sampah di Jalan Mawar.")
    assert client.get(f"/api/v1/complaints/{complaint.tracking_code}/").json()["properties"]["description"] == (
        "Sampah di Jalan Mawar."
    )


def test_the_three_forms_of_the_public_description_agree(client, officer):
    from django.db import connection

    plain = file_with_photo(client, description="Lampu mati.")
    redacted = file_with_photo(client, description=DESCRIPTION)
    staff_post(officer, redacted, "redact", text=NAME, reason="nama")
    Category.objects.filter(code="sampah").update(moderated_first=True)
    held = file_with_photo(client, description="Belum dilihat.")
    rows = Complaint.objects.filter(pk__in=[plain.pk, redacted.pk, held.pk]).annotate(
        shown=public_description_expression()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, {public_description_sql('c')} FROM complaints_complaint c WHERE c.id = ANY(%s)",
            [[plain.pk, redacted.pk, held.pk]],
        )
        by_sql = dict(cursor.fetchall())
    for row in rows:
        assert row.shown == public_description(row) == by_sql[row.pk]
    assert {r.pk: r.shown for r in rows} == {
        plain.pk: "Lampu mati.",
        redacted.pk: DESCRIPTION.replace(NAME, REDACTED),
        held.pk: "",
    }


def test_what_leaves_peka_carries_the_redacted_text(client, officer):
    """Area alerts and the forwarding to a body outside the city are public faces too."""
    from alerts.messages import complaint_line
    from forwarding.models import ExternalBody, Forwarding
    from notifications.forwarding import _text, open311_fields

    complaint = file_with_photo(client)
    assert staff_post(officer, complaint, "redact", text=NAME, reason="nama orang").status_code == 200
    complaint.refresh_from_db()
    assert NAME not in complaint_line(complaint) and REDACTED in complaint_line(complaint)
    body = ExternalBody(code="PDAM", name="PDAM Tirta Siak", delivery="open311", api_key="k")
    forwarding = Forwarding(complaint=complaint, body=body, reference=f"PEKA-{complaint.tracking_code}")
    fields = open311_fields(forwarding)
    assert NAME not in str(fields) and REDACTED in fields["description"]
    assert NAME not in _text(forwarding) and REDACTED in _text(forwarding)
