"""Privacy stored on the complaint, aggregates on whole days, and the smaller holes a stranger found."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from complaints.models import Category, Complaint, ComplaintEvent, EventKind, Role, Status
from disclosure.surfaces import OPEN_DATA, PAGES
from tests.conftest import complaint_body

pytestmark = pytest.mark.django_db


def public_codes(client) -> set[str]:
    return {f["id"] for f in client.get("/api/v1/complaints/", {"page_size": 1000}).json()["features"]}


def test_unticking_a_category_does_not_republish_its_history(client, file_complaint):
    kdrt = file_complaint(category="kdrt")
    assert Complaint.objects.get(pk=kdrt.pk).private
    Category.objects.filter(code="kdrt").update(sensitive=False)
    assert kdrt.tracking_code not in public_codes(client)
    later = file_complaint(category="kdrt")
    assert later.tracking_code in public_codes(client)  # new complaints follow the flag
    out = io.StringIO()
    call_command("category_privacy", stdout=out)
    assert "1 complaints would become public" in out.getvalue() and kdrt.tracking_code not in public_codes(client)
    call_command("category_privacy", "--commit", stdout=io.StringIO())
    assert kdrt.tracking_code in public_codes(client)
    event = ComplaintEvent.objects.filter(complaint=kdrt, kind=EventKind.PRIVACY).get()
    assert event.note.startswith("private → public") and not event.public


def test_hexagon_counts_cannot_be_differenced_by_moving_until(client, file_complaint):
    for _ in range(3):
        file_complaint()
    last = file_complaint()
    at = Complaint.objects.get(pk=last.pk).created_at
    answers = [
        client.get("/api/v1/hotspots/hexbins/", {"until": (at + delta).isoformat(), "since": (at - timedelta(days=3)).isoformat()}).json()
        for delta in (timedelta(microseconds=-1), timedelta(microseconds=1))
    ]
    assert answers[0] == answers[1]


def test_a_duplicate_of_outside_the_officers_scope_answers_as_an_unknown_code(file_complaint, staff_user):
    mine = file_complaint(lon=101.44, lat=0.51, category="sampah")  # DLHK, central task force
    elsewhere = file_complaint(category="kdrt")  # DP3A: not this officer's
    officer = Client()
    officer.force_login(staff_user("satgas.tengah", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"]))
    url = f"/api/v1/staff/complaints/{mine.tracking_code}/transition/"
    answers = [
        officer.post(url, {"to": "duplikat", "duplicate_of": code}, content_type="application/json")
        for code in (elsewhere.tracking_code, "PKU-2222-2222")
    ]
    assert answers[0].status_code == answers[1].status_code == 400
    assert answers[0].json() == answers[1].json()
    assert Complaint.objects.get(pk=mine.pk).status == Status.BARU


def test_a_private_complaints_open311_token_answers_as_an_unknown_one(client, file_complaint):
    kdrt = file_complaint(category="kdrt")
    mine = client.get(f"/open311/v2/tokens/{kdrt.tracking_code}.json")
    none = client.get("/open311/v2/tokens/PKU-2222-2222.json")
    assert mine.status_code == none.status_code == 404
    assert mine.content.replace(kdrt.tracking_code.encode(), b"X") == none.content.replace(b"PKU-2222-2222", b"X")


@pytest.mark.parametrize("name", ["%00.jpg", "%00", "..%2F..%2Fsettings.py", "x" * 300 + ".jpg", "a.jpg%00.png"])
def test_no_photo_name_is_a_500(client, name):
    # NUL is refused before any view (geo.middleware.ControlCharacterGuard); the rest are unknown files.
    assert client.get(f"/foto/{name}").status_code == (400 if "%00" in name else 404)


def test_a_json_body_over_the_limit_is_a_json_413_and_stores_nothing(client, settings):
    count = Complaint.objects.count()
    body = json.dumps({**complaint_body(), "description": "x" * (settings.PEKA_MAX_JSON_BYTES + 10)})
    response = client.post("/api/v1/complaints/", body, content_type="application/json")
    assert response.status_code == 413 and "KB" in response.json()["detail"]
    assert Complaint.objects.count() == count


def test_unknown_fields_are_named_at_most_twenty_times(client):
    body = {**complaint_body(), **{f"field{i:05d}" + "x" * 200: 1 for i in range(2000)}}
    response = client.post("/api/v1/complaints/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    assert len(errors) == 21 and "1980" in errors["non_field_errors"][0]
    assert len(response.content) < 10_000


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, file_complaint):
    for text in ("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "Aman -1"):
        file_complaint(description=text)
    csv = b"".join(client.get("/api/v1/hotspots/exports/complaints.csv").streaming_content).decode()
    for text in ("=HYPERLINK", "+1+1", "-2+3", "@SUM"):
        assert f"'{text}" in csv and f",{text}" not in csv
    assert ",Aman -1," in csv


CORS_EXAMPLES = [
    "/api/v1/complaints/",
    "/api/v1/boundaries/kecamatan/",
    "/tiles/complaints/10/800/510.geojson",
    "/api/v1/hotspots/hexbins/",
    "/api/v1/hotspots/exports/complaints.csv",
    "/api/v1/report-card/",
    "/open311/v2/requests.json",
    "/open311/v2/services.xml",
]


def test_cors_exactly_on_anonymous_public_reads(client, file_complaint, staff_user):
    complaint = file_complaint()
    for url in CORS_EXAMPLES:
        assert client.get(url)["Access-Control-Allow-Origin"] == "*", url
    for url in ("/", "/rapor/", f"/lacak/{complaint.tracking_code}/", "/masuk/"):
        assert not client.get(url).has_header("Access-Control-Allow-Origin"), url
    posted = client.post("/api/v1/complaints/", complaint_body(), content_type="application/json")
    assert posted.status_code == 201 and not posted.has_header("Access-Control-Allow-Origin")
    staff = Client()
    staff.force_login(staff_user("admin-kota", Role.CITY_ADMIN))
    for url in ("/api/v1/staff/complaints/", f"/api/v1/staff/complaints/{complaint.tracking_code}/", "/satgas/"):
        response = staff.get(url)
        assert response.status_code == 200 and not response.has_header("Access-Control-Allow-Origin"), url
        assert "no-store" in response["Cache-Control"], url
    assert {"complaint-list", "report-card", "open311-requests"} <= OPEN_DATA and not OPEN_DATA & PAGES


def test_the_staff_api_by_token_is_not_stored_either(client, staff_user):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=staff_user("admin-kota", Role.CITY_ADMIN))
    response = client.get("/api/v1/staff/complaints/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_editing_a_kecamatan_in_the_admin_cuts_its_routing_pieces_again(file_complaint, staff_user):
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from boundaries.models import BoundaryPiece, Kecamatan, Layer
    from boundaries.selectors import route

    admin = Client()
    admin.force_login(staff_user("root", Role.CITY_ADMIN, is_staff=True))
    sail = Kecamatan.objects.get(code="14.71.03")
    # Sail redrawn as a small square in its own middle.
    c = sail.boundary.point_on_surface
    square = MultiPolygon(Polygon.from_bbox((c.x - 0.001, c.y - 0.001, c.x + 0.001, c.y + 0.001)), srid=4326)
    response = admin.post(
        f"/admin/boundaries/kecamatan/{sail.pk}/change/",
        {"code": sail.code, "name": sail.name, "boundary": square.ewkt},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pieces = BoundaryPiece.objects.filter(layer=Layer.KECAMATAN, area_id=sail.pk)
    assert pieces.count() == 1 and pieces.get().piece.sym_difference(square[0]).area < 1e-12
    assert route(c).kecamatan.code == "14.71.03"
