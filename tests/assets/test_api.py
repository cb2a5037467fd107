"""Assets through HTTP: the map's bbox endpoint, filing against an asset (snapped, the pin kept), the
per-asset duplicate check, the chronic-assets list and its export, and staff's asset history."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint, Role, Status
from tests.assets.conftest import HERE, east, on_asset

pytestmark = pytest.mark.django_db


def bbox(west_m=-100, east_m=100) -> str:
    w, e = east(west_m), east(east_m)
    return f"{w.x},{HERE.y - 0.001},{e.x},{HERE.y + 0.001}"


def file_on(post_complaint, asset, **fields) -> Complaint:
    response = post_complaint(on_asset(asset, **fields))
    assert response.status_code == 201, response.content
    return Complaint.objects.get(tracking_code=response.json()["id"])


def test_bbox_lists_the_kinds_assets_in_the_box(client, pole):
    inside, other = pole("PJU-1", east_m=20), pole("PJU-2", east_m=60, owner="PLN")
    pole("PJU-FAR", east_m=900)
    pole("TPS-1", east_m=30, kind="tps")
    response = client.get("/api/v1/assets/", {"kind": "lampu-jalan", "bbox": bbox()})
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert [f["id"] for f in features] == [inside.id, other.id]
    assert (
        features[1]["properties"].items()
        >= {"ref": "PJU-2", "kind": "lampu-jalan", "owner": "PLN", "reported": False}.items()
    )
    assert features[0]["geometry"]["coordinates"] == pytest.approx([inside.location.x, inside.location.y])
    # By category, as the citizen's map asks: the category's kinds.
    by_category = client.get("/api/v1/assets/", {"category": "sampah", "bbox": bbox()}).json()["features"]
    assert [f["properties"]["ref"] for f in by_category] == ["TPS-1"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"kind": "lampu-jalan", "bbox": "101.0,0.0,101.9,0.9"}, "bbox"),  # too large: zoom in
        ({"kind": "lampu-jalan", "bbox": "a,b,c,d"}, "bbox"),
        ({"kind": "lampu-jalan", "bbox": "101.45,0.51,101.44,0.52"}, "bbox"),  # west east of east
        ({"kind": "hidran", "bbox": "101.44,0.51,101.45,0.52"}, "kind"),
        ({"bbox": "101.44,0.51,101.45,0.52"}, "kind"),
    ],
)
def test_bad_bbox_queries_are_400_naming_the_field(client, params, field):
    response = client.get("/api/v1/assets/", params)
    assert response.status_code == 400 and field in response.json()


def test_filing_on_an_asset_snaps_to_it_and_keeps_the_pin(post_complaint, pole):
    asset = pole("PJU-1", east_m=0)
    complaint = file_on(post_complaint, asset, pin_east_m=12)
    assert complaint.asset == asset
    assert complaint.location.equals_exact(asset.location, 1e-9)
    pin = east(12, asset.location)
    assert complaint.reported_location.equals_exact(pin, 1e-9)


def test_the_first_report_marks_the_asset_reported_on_the_map(client, post_complaint, pole):
    asset = pole("PJU-1")
    file_on(post_complaint, asset)
    [feature] = client.get("/api/v1/assets/", {"kind": "lampu-jalan", "bbox": bbox()}).json()["features"]
    assert feature["properties"]["reported"] is True


def test_a_private_complaint_never_marks_an_asset(client, pole):
    asset = pole("PJU-1")
    Complaint.objects.filter(pk=_filed(client, asset).pk).update(private=True)
    [feature] = client.get("/api/v1/assets/", {"kind": "lampu-jalan", "bbox": bbox()}).json()["features"]
    assert feature["properties"]["reported"] is False


def _filed(client, asset) -> Complaint:
    response = client.post("/api/v1/complaints/", on_asset(asset), content_type="application/json")
    assert response.status_code == 201, response.content
    return Complaint.objects.get(tracking_code=response.json()["id"])


@pytest.mark.parametrize(
    "make, body, message",
    [
        (dict(kind="tps"), {"category": "lampu-jalan"}, "bukan untuk kategori"),
        (dict(), {"pin_east_m": 400}, "pilih yang dalam 150 m"),
        (dict(), {"asset": 987654321}, "Tidak ada aset bernomor 987654321"),
        (dict(), {"asset": "tiang"}, "Isi nomor aset"),
    ],
)
def test_an_asset_that_does_not_fit_is_a_400_and_nothing_is_stored(post_complaint, pole, make, body, message):
    asset = pole("X-1", **make)
    response = post_complaint({**on_asset(asset, pin_east_m=body.pop("pin_east_m", 12)), **body})
    assert response.status_code == 400
    assert message in " ".join(response.json()["asset"])
    assert not Complaint.objects.exists()


def test_a_second_report_on_the_same_pole_is_offered_first(client, post_complaint, pole):
    tapped, neighbour = pole("PJU-1", east_m=0), pole("PJU-2", east_m=-15)
    on_neighbour = file_on(post_complaint, neighbour)
    on_tapped = file_on(post_complaint, tapped)
    pin = east(30)
    query = {"lat": pin.y, "lon": pin.x, "category": "lampu-jalan"}
    offered = client.get("/api/v1/complaints/nearby/", {**query, "asset": tapped.id}).json()
    # The tapped pole's own report first, marked; the neighbour's after it.
    assert [(c["tracking_code"], c["same_asset"]) for c in offered] == [
        (on_tapped.tracking_code, True),
        (on_neighbour.tracking_code, False),
    ]
    assert offered[0]["distance_m"] == 0
    # Without an asset, nearest first, nothing marked.
    plain = client.get("/api/v1/complaints/nearby/", query).json()
    assert not any(c["same_asset"] for c in plain)


def test_open311_files_against_attribute_asset(client, pole):
    from open311.models import ApiKey

    _key, key = ApiKey.issue("Mitra")
    asset = pole("PJU-9")
    pin = east(10, asset.location)
    form = {
        "api_key": key,
        "service_code": "lampu-jalan",
        "lat": str(pin.y),
        "long": str(pin.x),
        "description": "Tiang mati.",
        "attribute[asset]": str(asset.id),
        "attribute[jumlah]": "2",
    }
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert complaint.asset == asset and complaint.answers == {"jumlah": 2}
    refused = client.post("/open311/v2/requests.json", {**form, "attribute[asset]": "999999"})
    assert refused.status_code == 400 and "attribute[asset]" in refused.json()[0]["description"]


def _chronic(client, **params):
    return client.get("/api/v1/assets/chronic/", {"kind": "lampu-jalan", "days": 90, "min": 3, **params})


def test_chronic_lists_poles_with_three_reports_in_90_days(client, post_complaint, pole):
    chronic, twice, old = pole("PJU-C"), pole("PJU-T", east_m=50), pole("PJU-O", east_m=-50)
    for _n in range(3):
        file_on(post_complaint, chronic)
    for _n in range(2):
        file_on(post_complaint, twice)
    for n in range(3):
        c = file_on(post_complaint, old)
        # Long ago: only one of the three lies inside the 90 days.
        if n:
            Complaint.objects.filter(pk=c.pk).update(created_at=timezone.now() - timedelta(days=120))
    response = _chronic(client)
    assert response.status_code == 200
    [feature] = response.json()["features"]
    assert feature["id"] == chronic.id
    assert feature["properties"]["reports"] == 3 and feature["properties"]["ref"] == "PJU-C"
    assert [f["id"] for f in _chronic(client, days=365).json()["features"]] == [chronic.id, old.id]


def test_chronic_counts_only_public_complaints_and_never_below_3(client, post_complaint, pole):
    asset = pole("PJU-P")
    filed = [file_on(post_complaint, asset) for _n in range(3)]
    assert len(_chronic(client).json()["features"]) == 1
    Complaint.objects.filter(pk=filed[0].pk).update(private=True)
    assert _chronic(client).json()["features"] == []
    # A smaller threshold would publish counts of one or two: refused.
    assert _chronic(client, min=2).status_code == 400


def test_chronic_export_as_csv_and_geojson(client, post_complaint, pole):
    asset = pole("PJU-E")
    for _n in range(3):
        file_on(post_complaint, asset)
    response = client.get("/api/v1/assets/chronic.csv", {"kind": "lampu-jalan"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["ref"] == "PJU-E" and row["reports"] == "3" and row["wkt"].startswith("POINT (")
    geojson = json.loads(b"".join(client.get("/api/v1/assets/chronic.geojson").streaming_content))
    assert geojson["features"][0]["properties"]["ref"] == "PJU-E"
    assert client.get("/api/v1/assets/chronic.xlsx").status_code == 404


def test_staff_see_the_assets_history(client, post_complaint, pole, staff_user):
    asset = pole("PJU-H")
    first, second = file_on(post_complaint, asset), file_on(post_complaint, asset)
    Complaint.objects.filter(pk=first.pk).update(status=Status.SELESAI)
    client.force_login(staff_user("pju", Role.SUPERVISOR, agency="DPUPR"))
    history = client.get(f"/api/v1/staff/assets/{asset.id}/")
    assert history.status_code == 200
    assert [f["id"] for f in history.json()["complaints"]] == [second.tracking_code, first.tracking_code]
    detail = client.get(f"/api/v1/staff/complaints/{second.tracking_code}/").json()["properties"]
    assert detail["asset"] == {"id": asset.id, "ref": "PJU-H", "kind": "lampu-jalan", "owner": ""}
    assert [c["tracking_code"] for c in detail["asset_history"]] == [first.tracking_code]
    assert detail["reported_location"]["type"] == "Point"
    # Others see nothing of it.
    client.force_login(staff_user("dlhk", Role.SUPERVISOR, agency="DLHK"))
    assert client.get(f"/api/v1/staff/assets/{asset.id}/").json()["complaints"] == []
    client.logout()
    assert client.get(f"/api/v1/staff/assets/{asset.id}/").status_code in (401, 403)


def test_the_hotspot_page_draws_chronic_poles_and_links_their_export(client, post_complaint, pole):
    chronic, once = pole("PJU-KRONIS"), pole("PJU-SEKALI", east_m=40)
    for _n in range(3):
        file_on(post_complaint, chronic)
    file_on(post_complaint, once)
    html = client.get("/peta-panas/").content.decode()
    assert "Aset yang dilaporkan 3 kali atau lebih dalam 90 hari" in html
    assert "PJU-KRONIS: 3" in html and "PJU-SEKALI" not in html
    assert "/api/v1/assets/chronic.csv" in html and "/api/v1/assets/chronic.geojson" in html
    # Filtered to another category: its own kinds only (TPS), so no pole.
    assert "PJU-KRONIS" not in client.get("/peta-panas/", {"category": "sampah"}).content.decode()
