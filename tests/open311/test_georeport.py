"""Open311 GeoReport v2, checked from the specification: every endpoint in JSON and XML, every
parameter and error case, and a round trip through the staff workflow."""

import json
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from complaints.models import Complaint, Role
from complaints.tracking import key_hash
from open311.models import ApiKey

pytestmark = pytest.mark.django_db
BASE = "/open311/v2/"
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def get(client, path, fmt="json", **params):
    response = client.get(f"{BASE}{path}.{fmt}", params)
    if fmt == "xml":
        assert response["Content-Type"].startswith("text/xml")
        return response, ElementTree.fromstring(response.content)
    assert response["Content-Type"].startswith("application/json")
    return response, json.loads(response.content)


def form_post(client, fmt="json", **fields):
    from urllib.parse import urlencode

    response = client.post(f"{BASE}requests.{fmt}", urlencode(fields), content_type="application/x-www-form-urlencoded")
    return response, (ElementTree.fromstring(response.content) if fmt == "xml" else json.loads(response.content))


VALID = {
    "service_code": "sampah",
    "lat": "0.51",
    "long": "101.44",
    "description": "Sampah menumpuk di simpang.",
    "first_name": "Budi",
    "last_name": "Santoso",
    "email": "budi@example.id",
    "phone": "0812 3456 7890",
}


def test_discovery(client):
    _r, body = get(client, "discovery")
    assert body["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert "application/json" in body["endpoints"][0]["formats"]
    _r, xml = get(client, "discovery", "xml")
    assert xml.tag == "discovery"
    assert xml.find("endpoints/endpoint/formats/format").text == "application/json"


def test_services_and_definitions(client):
    _r, services = get(client, "services")
    codes = {s["service_code"] for s in services}
    assert {"lampu-jalan", "sampah", "jalan-rusak", "drainase"} <= codes
    assert set(services[0]) >= {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
    _r, xml = get(client, "services", "xml")
    assert xml.tag == "services" and xml.find("service/service_code") is not None
    _r, definition = get(client, "services/drainase")
    assert definition == {"service_code": "drainase", "attributes": []}
    _r, xml = get(client, "services/sampah", "xml")
    assert xml.tag == "service_definition" and xml.find("service_code").text == "sampah"
    response, body = get(client, "services/tidak-ada")
    assert response.status_code == 404 and body[0]["code"] == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_through_the_same_intake(client, api_key, fmt):
    response, body = form_post(client, fmt, api_key=api_key, **VALID)
    assert response.status_code == 201
    code = body[0]["service_request_id"] if fmt == "json" else body.find("request/service_request_id").text
    complaint = Complaint.objects.get(tracking_code=code)
    assert (complaint.kecamatan.code, complaint.agency.code, complaint.task_force.code) == (
        "14.71.01",
        "DLHK",
        "DLHK-TENGAH",
    )
    assert (complaint.reporter_name, complaint.reporter_email) == ("Budi Santoso", "budi@example.id")
    assert complaint.events.get().kind == "created"
    assert complaint.channel == "open311"
    # The reporter's key, once, for the client to pass on: it opens the complaint as its reporter.
    key = body[0]["reporter_key"] if fmt == "json" else body.find("request/reporter_key").text
    assert key and complaint.reporter_key_hash == key_hash(key)


@pytest.mark.parametrize(
    ("fields", "status", "fragment"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "salah"}, 403, "api_key"),
        ({"service_code": "tidak-ada"}, 400, "service_code"),
        ({"lat": "", "long": "", "address_string": "Jl. Sudirman 1"}, 400, "address_string"),
        ({"lat": "nol koma lima"}, 400, "lat dan long"),
        ({"lat": "-6.1754", "long": "106.8272"}, 400, "di luar Kota Pekanbaru"),
        ({"lat": "95"}, 400, "lat/long"),
        ({"description": "x" * 4001}, 400, "4000"),
        ({"email": "bukan-email"}, 400, "email"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_errors_use_the_spec_format_and_store_nothing(client, api_key, fields, status, fragment, fmt):
    before = Complaint.objects.count()
    response, body = form_post(client, fmt, **{"api_key": api_key, **VALID, **fields})
    assert response.status_code == status
    if fmt == "json":
        assert body[0]["code"] == status and fragment in " ".join(e["description"] for e in body)
    else:
        assert body.tag == "errors" and body.find("error/code").text == str(status)
        assert fragment in " ".join(e.text for e in body.iter("description"))
    assert Complaint.objects.count() == before


@pytest.fixture
def filed(client, api_key, file_complaint):
    codes = [form_post(client, api_key=api_key, **VALID)[1][0]["service_request_id"] for _ in range(3)]
    secret = file_complaint(category="kdrt", description="Rahasia.")
    old = Complaint.objects.get(tracking_code=codes[0])
    Complaint.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))
    return codes, secret


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_requests_fields_filters_and_privacy(client, filed, fmt):
    codes, secret = filed
    response, body = get(client, "requests", fmt)
    if fmt == "xml":
        assert body.tag == "service_requests"
        items = [{child.tag: child.text or "" for child in request} for request in body.findall("request")]
    else:
        items = body
    ids = {item["service_request_id"] for item in items}
    assert ids == set(codes[1:])  # the 120-day-old one is outside the default 90 days
    assert set(items[0]) == REQUEST_FIELDS
    assert items[0]["requested_datetime"].endswith("+07:00")
    assert secret.tracking_code not in response.content.decode()
    for private in ("Budi", "budi@example.id", "0812"):
        assert private not in response.content.decode()


def test_get_requests_parameters(client, filed):
    codes, secret = filed
    _r, by_id = get(client, "requests", service_request_id=f"{codes[0]},{secret.tracking_code}", status="closed")
    assert [r["service_request_id"] for r in by_id] == [
        codes[0]
    ]  # overrides the other filters; never the sensitive one
    _r, open_ = get(client, "requests", status="open", service_code="sampah")
    assert len(open_) == 2
    assert get(client, "requests", status="closed")[1] == []
    _r, paged = get(client, "requests", page="2", page_size="1")
    assert len(paged) == 1
    start = (timezone.now() - timedelta(days=150)).isoformat()
    end = (timezone.now() - timedelta(days=100)).isoformat()
    assert [r["service_request_id"] for r in get(client, "requests", start_date=start, end_date=end)[1]] == [codes[0]]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00+07:00", "end_date": "2026-06-01T00:00:00+07:00"},
        {"start_date": "kemarin"},
        {"start_date": "2026-01-01"},
        {"status": "pending"},
        {"page": "0"},
        {"page_size": "lots"},
        {"service_code": "kdrt"},
    ],
)
def test_get_requests_bad_parameters(client, params):
    response, body = get(client, "requests", **params)
    assert response.status_code == 400
    assert body[0]["code"] == 400


def test_request_detail_token_formats_and_jurisdiction(client, filed):
    codes, secret = filed
    _r, one = get(client, f"requests/{codes[1]}")
    assert one[0]["service_request_id"] == codes[1]
    _r, xml = get(client, f"requests/{codes[1]}", "xml")
    assert xml.find("request/status").text == "open"
    assert get(client, f"requests/{secret.tracking_code}")[0].status_code == 404
    _r, tok = get(client, f"tokens/{codes[1]}")
    assert tok == [{"service_request_id": codes[1], "token": codes[1]}]
    assert client.get(f"{BASE}requests.csv").status_code == 404
    response, body = get(client, "services", jurisdiction_id="jakarta.go.id")
    assert response.status_code == 404 and "jurisdiction_id" in body[0]["description"]
    assert get(client, "services", jurisdiction_id="pekanbaru.go.id")[0].status_code == 200


def test_round_trip_post_inbox_resolve_closed_with_note(client, api_key, staff_user):
    _r, body = form_post(client, api_key=api_key, **VALID)
    code = body[0]["service_request_id"]
    staff = Client()
    staff.force_login(staff_user("satgas.tengah", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"]))
    inbox = staff.get("/api/v1/staff/complaints/").json()["features"]
    assert code in [f["id"] for f in inbox]
    steps = (
        ("diverifikasi", "Internal: cek dulu.", False),
        ("dikerjakan", "Internal: truk 3.", False),
        ("selesai", "Sampah sudah diangkut pagi ini.", True),
    )
    for status, note, public in steps:
        url = f"/api/v1/staff/complaints/{code}/transition/"
        body = {"to": status, "note": note, "note_public": public}
        assert staff.post(url, body, content_type="application/json").status_code == 200
        _r, answer = get(client, f"requests/{code}")
        assert "Internal" not in answer[0]["status_notes"]  # staff notes are private unless marked public
    assert answer[0]["status"] == "closed"
    assert answer[0]["status_notes"] == "Sampah sudah diangkut pagi ini."


def test_open311_key_command_prints_a_working_key(client):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("open311_key", "--name", "LAPOR!", stdout=out)
    key = out.getvalue().strip()
    assert ApiKey.objects.valid(key).name == "LAPOR!"
    ApiKey.objects.filter(name="LAPOR!").update(revoked_at=timezone.now())
    assert form_post(client, api_key=key, **VALID)[0].status_code == 403
