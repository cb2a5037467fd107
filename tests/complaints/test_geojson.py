"""The database-built Features equal the serializer's, field for field."""

import json
from datetime import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone, translation

from complaints.models import Complaint
from tests.complaints.test_photos import file_with_photo, upload
from tests.conftest import jpeg_with_gps
from web.public.geojson import features_json
from web.public.serializers import ComplaintSerializer

pytestmark = pytest.mark.django_db

TIMES = ("created_at", "updated_at", "due_at", "resolved_at")


def normalised(feature: dict) -> dict:
    """Timestamps as instants (Python's isoformat drops zero microseconds; PostgreSQL keeps them)."""
    properties = dict(feature["properties"])
    for name in TIMES:
        if properties[name] is not None:
            properties[name] = datetime.fromisoformat(properties[name].replace("Z", "+00:00"))
    return {**feature, "properties": properties}


@pytest.mark.parametrize("language", ["id", "en"])
def test_database_features_equal_the_serializer(file_complaint, client, settings, tmp_path, language):
    settings.MEDIA_ROOT = tmp_path
    file_complaint(101.4478, 0.5071, category="sampah", description='Sampah "menumpuk" <b>\\ di pasar')
    second = file_complaint(101.45, 0.52, category="lampu-jalan")
    Complaint.objects.filter(id=second.id).update(status="selesai", resolved_at=second.created_at)
    response = file_with_photo(client, upload(jpeg_with_gps()))
    assert response.status_code == 201, response.content
    queryset = Complaint.objects.order_by("id")
    with translation.override(language):
        ours = json.loads(features_json(queryset))
        theirs = ComplaintSerializer(queryset, many=True).data["features"]
    assert len(ours) == 3 and any(f["properties"]["photos"] for f in ours)
    assert [normalised(f) for f in ours] == [normalised(json.loads(json.dumps(f))) for f in theirs]


def test_database_features_follow_the_active_time_zone(file_complaint):
    complaint = file_complaint()
    with timezone.override("UTC"):
        utc = json.loads(features_json([complaint.id]))[0]["properties"]["created_at"]
    jakarta = json.loads(features_json([complaint.id]))[0]["properties"]["created_at"]
    assert utc.endswith("+00:00") and jakarta.endswith("+07:00")
    assert datetime.fromisoformat(utc) == datetime.fromisoformat(jakarta) == complaint.created_at


@pytest.mark.django_db(transaction=True)
def test_the_connection_keeps_its_own_time_zone(committed_city, file_complaint):
    """Alone (its COMMIT ends the setting) or inside a caller's transaction (set back by hand)."""
    complaint = file_complaint()

    def session_zone() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW TimeZone")
            return cursor.fetchone()[0]

    assert not connection.in_atomic_block
    features_json([complaint.id])
    assert session_zone() == connection.timezone_name == "UTC"
    with transaction.atomic():
        features_json([complaint.id])
        assert session_zone() == "UTC"
    assert session_zone() == "UTC"


@pytest.mark.parametrize("zone", ["America/St_Johns", "Asia/Kolkata", "Asia/Jayapura"])
def test_database_features_write_offsets_as_python_does(file_complaint, zone):
    """Offsets west of UTC and of half hours are written with their sign and minutes."""
    complaint = file_complaint()
    with timezone.override(zone):
        written = json.loads(features_json([complaint.id]))[0]["properties"]["created_at"]
        expected = timezone.localtime(complaint.created_at).isoformat()
    assert written[-6:] == expected[-6:] and written[:19] == expected[:19]
    assert datetime.fromisoformat(written) == complaint.created_at


def test_list_keeps_the_order_and_the_pagination_envelope(file_complaint, client):
    codes = [file_complaint(101.44 + k / 1000, 0.51).tracking_code for k in range(5)]
    body = client.get("/api/v1/complaints/?page_size=2").json()
    assert body["type"] == "FeatureCollection" and body["count"] == 5
    assert [f["id"] for f in body["features"]] == codes[::-1][:2]  # newest first
    assert body["next"].endswith("page=2&page_size=2") and body["previous"] is None
