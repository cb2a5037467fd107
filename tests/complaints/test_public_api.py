"""The public complaint list and detail: GeoJSON, filters, and the privacy rules."""

import re

import pytest

from complaints.models import Category, Complaint
from disclosure.public import public_complaints
from tests.conftest import complaint_body

pytestmark = pytest.mark.django_db

REPORTER = {"name": "Siti Rahmawati", "phone": "0812 9999 1234", "email": "siti@example.id"}


@pytest.fixture
def filed(post_complaint):
    """Three complaints with reporter details: two public in different kecamatan, one sensitive."""
    codes = {}
    for key, body in {
        "sukajadi": complaint_body(101.44, 0.51, category="lampu-jalan", reporter=REPORTER),
        "airport": complaint_body(101.4445, 0.4608, category="sampah", reporter=REPORTER),
        "kdrt": complaint_body(
            101.45, 0.5263, category="kdrt", description="Kekerasan di rumah no. 12.", reporter=REPORTER
        ),
    }.items():
        response = post_complaint(body)
        assert response.status_code == 201
        codes[key] = response.json()["id"]
    return codes


def get(client, url, **params):
    response = client.get(url, params)
    return response


def test_list_is_a_paginated_feature_collection(client, filed):
    response = get(client, "/api/v1/complaints/", page_size=1)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 1
    assert body["count"] == public_complaints().count()
    assert body["next"]


@pytest.mark.parametrize("url", ["/api/v1/complaints/?page_size=1000", "/api/v1/complaints/{sukajadi}/"])
def test_reporter_details_are_never_public(client, filed, url):
    text = client.get(url.format(**filed)).content.decode()
    for value in (*REPORTER.values(), "6281299991234"):  # the number as typed and as stored
        assert value not in text
    assert "reporter" not in text
    assert "idempotency" not in text


def test_sensitive_category_is_absent_from_list_and_detail(client, filed):
    listed = {f["id"] for f in get(client, "/api/v1/complaints/", page_size=1000).json()["features"]}
    assert filed["sukajadi"] in listed
    assert filed["kdrt"] not in listed
    assert client.get(f"/api/v1/complaints/{filed['kdrt']}/").status_code == 404
    assert get(client, "/api/v1/complaints/", category="kdrt").status_code == 400
    assert Category.objects.get(code="kdrt").complaints.count() == 1  # it is stored, just not public


def test_detail_by_tracking_code_accepts_what_people_type(client, filed):
    code = filed["airport"]
    typed = code.lower().replace("-", " ")
    response = client.get(f"/api/v1/complaints/{typed}/")
    assert response.status_code == 200
    assert response.json()["properties"]["kecamatan"]["name"] == "Marpoyan Damai"
    assert client.get("/api/v1/complaints/PKU-ZZZZ-ZZZZ/").status_code == 404


def test_filters_by_kecamatan_category_status_and_bbox(client, filed):
    def ids(**params):
        return {f["id"] for f in get(client, "/api/v1/complaints/", page_size=1000, **params).json()["features"]}

    assert filed["sukajadi"] in ids(kecamatan="14.71.01")
    assert filed["airport"] not in ids(kecamatan="14.71.01")
    assert filed["airport"] in ids(category="sampah")
    assert filed["sukajadi"] not in ids(category="sampah")
    assert {filed["sukajadi"], filed["airport"]} <= ids(status="baru")
    assert filed["airport"] in ids(bbox="101.44,0.46,101.45,0.47")
    assert filed["sukajadi"] not in ids(bbox="101.44,0.46,101.45,0.47")


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "nan,0,1,1"},
        {"bbox": "101.5,0.4,101.4,0.5"},
        {"status": "hilang"},
        {"kecamatan": "99.99.99"},
        {"since": "kemarin"},
        {"page": "abc"},
        {"page": "999999"},
    ],
)
def test_bad_filters_are_4xx_with_a_message(client, filed, params):
    response = get(client, "/api/v1/complaints/", **params)
    assert 400 <= response.status_code < 500
    assert response.json()


def test_kecamatan_boundaries_as_geojson(client):
    body = client.get("/api/v1/boundaries/kecamatan/").json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 15
    first = body["features"][0]
    assert first["id"] == "14.71.01"
    assert first["geometry"]["type"] == "MultiPolygon"


def test_kelurahan_boundaries_as_geojson_with_their_names(client):
    from boundaries.models import Kelurahan

    body = client.get("/api/v1/boundaries/kelurahan/").json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == Kelurahan.objects.count() > 0
    names = {f["id"]: f["properties"]["name"] for f in body["features"]}
    assert names == dict(Kelurahan.objects.values_list("code", "name"))


def test_locate_shows_the_decision_and_stores_nothing(client):
    before = Complaint.objects.count()
    response = client.get("/api/v1/locate/", {"lat": 0.4608, "lon": 101.4445}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["kecamatan"] == {"code": "14.71.09", "name": "Marpoyan Damai"}
    assert body["rule"] == "inside"
    assert body["reason"] == "Inside kecamatan 14.71.09 Marpoyan Damai."
    assert Complaint.objects.count() == before


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "nan", "lon": "101.44"}, "lat"),
        ({"lat": "0.5", "lon": "inf"}, "lon"),
        ({"lat": "91", "lon": "101.44"}, "lat"),
        ({"lat": "abc", "lon": "101.44"}, "lat"),
        ({"lat": "0.5"}, "lon"),
        ({"lat": "-6.1754", "lon": "106.8272"}, "location"),
    ],
)
def test_locate_refuses_bad_or_outside_points(client, params, field):
    response = client.get("/api/v1/locate/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/complaints/", "/api/v1/locate/", "/api/v1/boundaries/kecamatan/"} <= set(paths)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert not re.search(rb"(src|href)=\"https?://", docs.content)  # Swagger UI from our own origin


def test_home_page_in_both_languages(client):
    assert "Peta pengaduan Pekanbaru" in client.get("/").content.decode()
    assert "Pekanbaru complaint map" in client.get("/", headers={"Accept-Language": "en"}).content.decode()
