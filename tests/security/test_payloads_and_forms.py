"""SQL and HTML/JS payloads are stored verbatim and rendered escaped; bodies over the size limit are a
413 before anything reads them; the page forms refuse nonsense with a message and write nothing."""

import json

import pytest
from django.utils.html import escape

from complaints import workflow
from complaints.models import Complaint, ComplaintEvent, Photo, Role, Status
from open311.models import ApiKey
from tests.conftest import complaint_body, open_as_reporter

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "'; DROP TABLE complaints_complaint; --",
    "1' OR '1'='1",
    "<script>alert('peka')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ settings.SECRET_KEY }} {% debug %}",
    "javascript:alert(document.cookie)",
]


def counts() -> tuple[int, int, int]:
    return Complaint.objects.count(), ComplaintEvent.objects.count(), Photo.objects.count()


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """Every PEKA_RATE_LIMIT_* off (0), so a battery of requests is judged on its input alone."""
    for name in dir(settings):
        if name.startswith("PEKA_RATE_LIMIT_"):
            setattr(settings, name, 0)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_stored_verbatim_and_rendered_escaped(client, post_complaint, staff_user, payload):
    response = post_complaint(complaint_body(description=payload, reporter={"name": payload}))
    assert response.status_code == 201, response.content
    code = response.json()["id"]
    assert response.json()["properties"]["description"] == payload
    complaint = Complaint.objects.get(tracking_code=code)
    assert (complaint.description, complaint.reporter_name) == (payload, payload)
    assert Complaint.objects.filter(description=payload).count() == 1  # the table is still there
    admin = staff_user("admin-kota", Role.CITY_ADMIN)
    workflow.complaint_note(complaint=complaint, actor=admin, note=payload, public=True)

    assert client.get(f"/api/v1/complaints/{code}/").json()["properties"]["description"] == payload
    page = client.get(f"/lacak/{code}/").content.decode()
    assert page.count(escape(payload)) >= 2  # the description and the public note
    assert payload not in page or escape(payload) == payload
    assert "<script>alert" not in page and "<img src=x" not in page
    client.force_login(admin)
    staff = client.get(f"/api/v1/staff/complaints/{code}/").json()["properties"]
    assert client.post(f"/api/v1/staff/complaints/{code}/contact/").json()["name"] == payload
    assert staff["events"][-1]["note"] == payload


def test_open311_payload_is_stored_verbatim_and_escaped_in_xml(client):
    key = ApiKey.issue("uji")[1]
    payload = PAYLOADS[2] + PAYLOADS[0]
    form = {"api_key": key, "service_code": "sampah", "lat": "0.51", "long": "101.44", "description": payload}
    response = client.post("/open311/v2/requests.xml", form)
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(description=payload)
    xml = client.get(f"/open311/v2/requests/{complaint.tracking_code}.xml").content.decode()
    assert "&lt;script&gt;" in xml and "<script>" not in xml


WRITE_ENDPOINTS = [
    ("/api/v1/complaints/", "application/json"),
    ("/api/v1/complaints/{code}/rating/", "application/json"),
    ("/api/v1/complaints/{code}/reopen/", "application/json"),
    ("/api/v1/complaints/{code}/support/", "application/json"),
    ("/api/v1/photo-location/", "multipart/form-data; boundary=x"),
    ("/api/v1/staff/complaints/{code}/transition/", "application/json"),
    ("/api/v1/staff/complaints/{code}/notes/", "application/json"),
    ("/api/v1/staff/complaints/{code}/reassign/", "application/json"),
    ("/open311/v2/requests.json", "application/x-www-form-urlencoded"),
    ("/lacak/{code}/", "application/x-www-form-urlencoded"),
    ("/masuk/", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("path", "content_type"), WRITE_ENDPOINTS, ids=[p for p, _ in WRITE_ENDPOINTS])
def test_body_over_the_limit_is_413_before_anything_is_read(client, file_complaint, settings, path, content_type):
    settings.PEKA_MAX_REQUEST_BYTES = 64 * 1024
    code = file_complaint().tracking_code
    before = counts()
    body = b'{"description": "' + b"x" * (settings.PEKA_MAX_REQUEST_BYTES + 1) + b'"}'
    response = client.generic("POST", path.format(code=code), body, content_type=content_type)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"] or "terlalu besar" in response.json()["detail"]
    assert counts() == before


def test_deeply_nested_json_in_a_multipart_field_is_a_400(client):
    before = counts()
    form = {**complaint_body(), "location": "[" * 100_000 + "]" * 100_000}
    response = client.post("/api/v1/complaints/", form, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "location" in response.json()
    assert counts() == before


@pytest.fixture
def resolved(file_complaint, staff_user):
    complaint = file_complaint()
    admin = staff_user("admin-kota", Role.CITY_ADMIN)
    for to in (Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI):
        workflow.complaint_transition(complaint=complaint, actor=admin, to_status=to, note="ok")
        complaint.refresh_from_db()
    return complaint


TRACK_FORMS = [
    ({"action": "rate", "rating": "9"}, "Choose a rating from 1 to 5"),
    ({"action": "rate", "rating": "1e3"}, "Choose a rating from 1 to 5"),
    ({"action": "rate", "rating": "5", "comment": "a\x00b"}, "null"),
    ({"action": "reopen", "reason": ""}, "reason"),
    ({"action": "reopen", "reason": "\x00"}, "null"),
    ({"action": "hapus"}, None),
]


@pytest.mark.parametrize(("form", "message"), TRACK_FORMS, ids=[json.dumps(f) for f, _ in TRACK_FORMS])
def test_track_page_forms_refuse_nonsense_with_a_message(client, resolved, form, message):
    open_as_reporter(client, resolved)
    before = (counts(), Complaint.objects.values_list("status", "rating", "version").get(pk=resolved.pk))
    response = client.post(f"/lacak/{resolved.tracking_code}/", form, headers={"Accept-Language": "en"})
    assert response.status_code == 302
    page = client.get(response["Location"], headers={"Accept-Language": "en"})
    if message:
        assert message.lower() in page.content.decode().lower()
    after = (counts(), Complaint.objects.values_list("status", "rating", "version").get(pk=resolved.pk))
    assert after == before


def test_track_page_of_an_unknown_code_is_404(client):
    assert client.post("/lacak/PKU-2222-2222/", {"action": "rate", "rating": "5"}).status_code == 404
    assert client.get("/lacak/%00/").status_code == 400  # NUL: geo.middleware.ControlCharacterGuard


@pytest.mark.parametrize(
    "form", [{"username": "a\x00", "password": "x"}, {"username": "x" * 10_000, "password": "y" * 10_000}, {}]
)
def test_login_form_refuses_nonsense(client, form):
    response = client.post("/masuk/", form)
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/masuk/", "/admin/login/"])
def test_over_long_sign_in_is_a_form_error_and_not_logged_as_an_attempt(client, path):
    from axes.models import AccessAttempt

    response = client.post(path, {"username": "x" * 10_000, "password": "y"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()  # refused before authentication: nothing to count
