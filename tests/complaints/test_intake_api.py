"""POST /api/v1/complaints/: a good complaint is routed and stored; bad input is a 400 that says why
(in Indonesian, or English on request) and writes nothing."""

import json

import pytest

from complaints.models import Complaint, ComplaintEvent, Status
from tests.conftest import complaint_body

pytestmark = pytest.mark.django_db

POINT = {"type": "Point", "coordinates": [101.44, 0.51]}


def test_complaint_is_routed_stored_and_answered_as_a_feature(post_complaint):
    response = post_complaint(complaint_body(reporter={"name": "Budi", "phone": "0812 3456 7890"}))
    assert response.status_code == 201
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["geometry"] == POINT
    props = feature["properties"]
    assert props["kecamatan"] == {"code": "14.71.01", "name": "Sukajadi"}
    assert props["kelurahan"]["code"].startswith("14.71.01.")
    assert props["status"] == "baru"
    complaint = Complaint.objects.get(tracking_code=feature["id"])
    assert complaint.kecamatan.code == "14.71.01"
    assert complaint.reporter_name == "Budi"
    assert complaint.channel == "web"
    assert (complaint.area_rule, complaint.assignment_rule) == ("inside", "jurisdiction")
    assert (complaint.agency.code, complaint.task_force.code) == ("DLHK", "DLHK-TENGAH")
    assert complaint.routing_reason == (
        "Di dalam Kecamatan 14.71.01 Sukajadi. Yurisdiksi DLHK-TENGAH: DLHK, satgas DLHK-TENGAH."
    )
    assert props["agency"] == "DLHK"
    assert props["due_at"]
    [event] = complaint.events.all()
    assert (event.kind, event.from_status, event.to_status) == ("created", "", Status.BARU)


@pytest.mark.parametrize(("metres", "accepted"), [(30, True), (80, False)])
def test_point_outside_the_city_limit_within_50_m_is_accepted_with_the_reason(
    post_complaint, west_edge, metres, accepted
):
    lon, lat = west_edge(metres)
    response = post_complaint(complaint_body(lon, lat))
    if accepted:
        assert response.status_code == 201
        props = response.json()["properties"]
        assert props["kecamatan"]["code"] == "14.71.12"  # Rumbai holds the city's western tip
        assert props["routing_reason"].startswith("30 m di luar batas kota")
    else:
        assert response.status_code == 400
        assert "di luar Kota Pekanbaru" in response.json()["location"][0]


def test_same_idempotency_key_returns_the_first_complaint(post_complaint):
    first = post_complaint(complaint_body(), **{"Idempotency-Key": "abc-123"})
    again = post_complaint(complaint_body(), **{"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Complaint.objects.filter(idempotency_key="abc-123").count() == 1


@pytest.mark.parametrize(
    "changed",
    [
        {"description": "Dikirim ulang dengan isi lain."},
        {"category": "lampu-jalan"},
        {"location": {"type": "Point", "coordinates": [101.45, 0.52]}},
        {"reporter": {"name": "Orang lain"}},
    ],
    ids=["description", "category", "location", "reporter"],
)
def test_an_idempotency_key_reused_for_other_content_is_refused(post_complaint, changed):
    first = post_complaint(complaint_body(), **{"Idempotency-Key": "abc-124"})
    assert first.status_code == 201
    other = post_complaint({**complaint_body(), **changed}, language="en", **{"Idempotency-Key": "abc-124"})
    assert other.status_code == 422
    assert "already used for a different complaint" in other.json()["Idempotency-Key"][0]
    assert Complaint.objects.count() == 1


def test_events_are_append_only(post_complaint):
    post_complaint(complaint_body())
    event = ComplaintEvent.objects.latest("id")
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).delete()


LONG = "x" * 4001
# (case, body, field with the error, Indonesian message fragment, English message fragment)
BAD_INPUT = [
    ("malformed JSON", '{"category": "sampah",', "detail", "bukan JSON yang valid (baris 1", "not valid JSON (line 1"),
    (
        "NaN",
        '{"category": "sampah", "description": "x", "location": {"type": "Point", "coordinates": [NaN, 0.5]}}',
        "detail",
        "NaN bukan angka",
        "NaN is not a number JSON allows",
    ),
    (
        "Infinity",
        '{"category": "sampah", "description": "x", "location": {"type": "Point", "coordinates": [101.4, Infinity]}}',
        "detail",
        "Infinity bukan angka",
        "Infinity is not a number",
    ),
    (
        "overflowing number",
        '{"category": "sampah", "description": "x", "location": {"type": "Point", "coordinates": [1e400, 0.5]}}',
        "location",
        "di luar jangkauan",
        "out of range",
    ),
    ("not an object", [1, 2], "non_field_errors", "Seharusnya objek JSON", "Expected a dictionary"),
    ("missing fields", {}, "category", "harus diisi", "required"),
    (
        "category of wrong type",
        complaint_body(category=7),
        "category",
        "Kategori “7” tidak dikenal",
        "Unknown category “7”",
    ),
    (
        "unknown category",
        complaint_body(category="banjir-bandang"),
        "category",
        "Pilih salah satu: lampu-jalan",
        "Choose one of: lampu-jalan",
    ),
    (
        "empty description",
        complaint_body(description="   "),
        "description",
        "Jelaskan masalahnya",
        "Describe the problem",
    ),
    (
        "description over 4000",
        complaint_body(description=LONG),
        "description",
        "paling banyak 4000 karakter",
        "at most 4000 characters",
    ),
    (
        "description of wrong type",
        complaint_body(description=["a"]),
        "description",
        "Harus berupa teks",
        "Not a valid string",
    ),
    (
        "location missing type",
        complaint_body(location={"coordinates": [101.44, 0.51]}),
        "location",
        "GeoJSON Point",
        "GeoJSON Point",
    ),
    (
        "non-Point geometry",
        complaint_body(location={"type": "LineString", "coordinates": [[101.44, 0.51], [101.45, 0.52]]}),
        "location",
        "GeoJSON Point",
        "GeoJSON Point",
    ),
    ("location as text", complaint_body(location="101.44,0.51"), "location", "GeoJSON Point", "GeoJSON Point"),
    (
        "coordinates as strings",
        complaint_body(location={"type": "Point", "coordinates": ["101.44", "0.51"]}),
        "location",
        "dua angka",
        "two numbers",
    ),
    (
        "three coordinates",
        complaint_body(location={"type": "Point", "coordinates": [101.44, 0.51, 3]}),
        "location",
        "dua angka",
        "two numbers",
    ),
    (
        "booleans as coordinates",
        complaint_body(location={"type": "Point", "coordinates": [True, False]}),
        "location",
        "dua angka",
        "two numbers",
    ),
    ("longitude out of range", complaint_body(181, 0.5), "location", "di luar jangkauan", "out of range"),
    ("latitude out of range", complaint_body(101.44, -91), "location", "di luar jangkauan", "out of range"),
    ("swapped coordinates", complaint_body(0.51, 101.44), "location", "di luar jangkauan", "out of range"),
    ("point in the sea", complaint_body(103.5, 1.0), "location", "di luar Kota Pekanbaru", "outside Kota Pekanbaru"),
    (
        "point in Jakarta",
        complaint_body(106.8272, -6.1754),
        "location",
        "di luar Kota Pekanbaru",
        "outside Kota Pekanbaru",
    ),
    ("unknown field", complaint_body(desciption="typo"), "desciption", "Bidang tidak dikenal", "Unknown field"),
    ("bad reporter e-mail", complaint_body(reporter={"email": "budi@"}), "reporter", "alamat email", "valid email"),
    ("bad reporter phone", complaint_body(reporter={"phone": "call me"}), "reporter", "nomor telepon", "phone number"),
    ("reporter not an object", complaint_body(reporter="Budi"), "reporter", "objek JSON", "Expected a dictionary"),
]


@pytest.mark.parametrize(
    ("case", "body", "field", "message_id", "message_en"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT]
)
@pytest.mark.parametrize("language", ["id", "en"])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
    post_complaint, case, body, field, message_id, message_en, language
):
    before = (Complaint.objects.count(), ComplaintEvent.objects.count())
    response = post_complaint(body, language=language)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors
    assert (message_id if language == "id" else message_en) in json.dumps(errors[field], ensure_ascii=False)
    assert (Complaint.objects.count(), ComplaintEvent.objects.count()) == before


def test_wrong_content_type_is_415(post_complaint):
    response = post_complaint("category=sampah", content_type="text/plain")
    assert response.status_code == 415
    assert "tidak didukung" in response.json()["detail"]


def test_invalid_utf8_is_refused(post_complaint):
    response = post_complaint(b'{"description": "\xff"}')
    assert response.status_code == 400
    assert "bukan teks utf-8" in response.json()["detail"]


@pytest.mark.parametrize("key", ["x" * 65, "tab\tkey"])
def test_bad_idempotency_key_is_refused(post_complaint, key):
    response = post_complaint(complaint_body(), **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Complaint.objects.filter(description=complaint_body()["description"]).exists()
