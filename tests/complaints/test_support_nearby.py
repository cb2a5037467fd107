"""The duplicate step: open complaints of the category nearby, and "Dukung" instead of a new complaint."""

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from complaints.models import Complaint, Status
from geo.spatial import WGS84, offset_point

pytestmark = pytest.mark.django_db
HERE = Point(101.44, 0.51, srid=WGS84)


def at(east_m):
    point = offset_point(HERE, east_m=east_m)
    return point.x, point.y


def nearby(client, category="lampu-jalan", **extra):
    return client.get("/api/v1/complaints/nearby/", {"lat": HERE.y, "lon": HERE.x, "category": category, **extra})


def test_offers_open_complaints_of_the_category_within_100_m(client, file_complaint):
    near = file_complaint(*at(40), category="lampu-jalan")
    far = file_complaint(*at(150), category="lampu-jalan")
    other_category = file_complaint(*at(20), category="sampah")
    closed = file_complaint(*at(30), category="lampu-jalan")
    Complaint.objects.filter(pk=closed.pk).update(status=Status.SELESAI)
    response = nearby(client)
    assert response.status_code == 200
    offered = response.json()
    assert [c["tracking_code"] for c in offered] == [near.tracking_code]
    assert offered[0]["distance_m"] == pytest.approx(40, abs=1)
    assert far.tracking_code in [c["tracking_code"] for c in nearby(client, radius_m=200).json()]
    assert other_category.tracking_code not in str(offered)


def test_sensitive_complaints_are_never_offered(client, file_complaint):
    file_complaint(*at(10), category="kdrt")
    assert nearby(client, category="kdrt").json() == []


@pytest.mark.parametrize("params", [{"radius_m": 5000}, {"category": "tidak-ada"}, {"lat": "nan"}])
def test_bad_nearby_queries_are_400(client, params):
    assert nearby(client, **params).status_code == 400


def test_support_counts_once_per_browser_session(file_complaint):
    complaint = file_complaint(*at(40), category="lampu-jalan")
    url = f"/api/v1/complaints/{complaint.tracking_code}/support/"
    browser = Client()
    first = browser.post(url)
    assert (first.status_code, first.json()["support_count"], first.json()["already_supported"]) == (200, 1, False)
    again = browser.post(url)
    assert (again.json()["support_count"], again.json()["already_supported"]) == (1, True)
    assert Client().post(url).json()["support_count"] == 2
    complaint.refresh_from_db()
    assert complaint.support_count == 2
    assert Complaint.objects.count() == 1


def test_support_only_for_open_public_complaints(client, file_complaint):
    closed = file_complaint(category="sampah")
    Complaint.objects.filter(pk=closed.pk).update(status=Status.SELESAI)
    assert client.post(f"/api/v1/complaints/{closed.tracking_code}/support/").status_code == 409
    sensitive = file_complaint(category="kdrt")
    assert client.post(f"/api/v1/complaints/{sensitive.tracking_code}/support/").status_code == 404
