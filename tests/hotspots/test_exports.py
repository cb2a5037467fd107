"""Exports open in geopandas and GDAL with the expected rows and columns, and never carry private data."""

import io

import geopandas
import pytest
from django.contrib.gis.gdal import DataSource

from complaints.models import Complaint
from disclosure.public import public_complaints
from tests.hotspots.conftest import uniform_points

pytestmark = pytest.mark.django_db
COMPLAINT_COLUMNS = {
    "tracking_code",
    "category",
    "category_name",
    "category_name_en",
    "status",
    "kecamatan",
    "kecamatan_name",
    "kelurahan",
    "kelurahan_name",
    "agency",
    "agency_name",
    "task_force",
    "task_force_name",
    "is_overdue",
    "description",
    "channel",
    "support_count",
    "created_at",
    "updated_at",
    "due_at",
    "resolved_at",
    "closed_at",
}


@pytest.fixture
def data(plant, file_complaint):
    plant(uniform_points(300, seed=8))
    file_complaint(category="sampah", reporter={"name": "Rahasia Pelapor", "phone": "0812 0000 1111"})
    file_complaint(category="kdrt", description="Tidak boleh keluar.")
    return public_complaints().count()


def download(client, tmp_path, name, **params):
    response = client.get(f"/api/v1/hotspots/exports/{name}", params)
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content) if response.streaming else b"".join(response)
    path = tmp_path / name
    path.write_bytes(body)
    return response, path, body


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_complaint_export_opens_with_the_public_rows_and_columns(client, tmp_path, data, fmt):
    response, path, body = download(client, tmp_path, f"complaints.{fmt}")
    assert response.streaming or fmt == "gpkg"
    if fmt == "csv":
        frame = geopandas.pd.read_csv(io.BytesIO(body))
        assert {"lon", "lat", "wkt"} <= set(frame.columns)
        assert frame["wkt"].str.startswith("POINT").all()
    else:
        frame = geopandas.read_file(path)
        assert frame.crs.to_epsg() == 4326
        assert (frame.geometry.geom_type == "Point").all()
    assert len(frame) == data
    assert COMPLAINT_COLUMNS <= set(frame.columns)
    assert frame["kecamatan"].str.startswith("14.71.").all()
    text = body.decode("utf-8", "replace") if fmt != "gpkg" else frame.to_json()
    for private in ("Rahasia Pelapor", "0812 0000 1111", "6281200001111", "reporter", "Tidak boleh keluar.", "kdrt"):
        assert private not in text


def test_geopackage_opens_with_gdal(client, tmp_path, data):
    _response, path, _body = download(client, tmp_path, "complaints.gpkg")
    layer = DataSource(str(path))[0]
    assert layer.name == "complaints"
    assert len(layer) == data
    assert "tracking_code" in layer.fields


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
@pytest.mark.parametrize("dataset", ["hexbins", "gistar"])
def test_hexagon_and_gistar_exports(client, tmp_path, data, dataset, fmt):
    _response, path, body = download(client, tmp_path, f"{dataset}.{fmt}", size_m=1000)
    frame = geopandas.pd.read_csv(io.BytesIO(body)) if fmt == "csv" else geopandas.read_file(path)
    assert len(frame) > 0
    assert {"i", "j", "count", "suppressed"} <= set(frame.columns)
    if dataset == "gistar":
        assert {"kind", "confidence", "z", "p"} <= set(frame.columns)
        assert len(frame) > 250  # every hexagon of the city
    suppressed = frame["suppressed"].astype(str).str.lower() == "true"
    assert frame.loc[suppressed, "count"].isna().all()
    assert (
        frame.loc[~suppressed, "count"].astype(int).isin([0]) | (frame.loc[~suppressed, "count"].astype(int) >= 3)
    ).all()


def test_export_filters_and_unknown_exports(client, tmp_path, data, plant):
    plant([(101.44, 0.51)] * 3, category="lampu-jalan")
    _response, path, _body = download(client, tmp_path, "complaints.geojson", category="lampu-jalan")
    assert len(geopandas.read_file(path)) == 3
    assert client.get("/api/v1/hotspots/exports/complaints.shp").status_code == 404
    assert client.get("/api/v1/hotspots/exports/reporters.csv").status_code == 404
    assert client.get("/api/v1/hotspots/exports/complaints.csv", {"category": "kdrt"}).status_code == 400


def test_empty_export_is_still_a_valid_file(client, tmp_path, data):
    for fmt in ("geojson", "gpkg"):
        _response, path, _body = download(client, tmp_path, f"complaints.{fmt}", since="2020-01-01", until="2020-02-01")
        assert len(geopandas.read_file(path)) == 0


def test_complaint_export_names_every_code_and_gives_local_times_and_the_overdue_flag(client, tmp_path, file_complaint):
    from datetime import timedelta

    fresh = file_complaint(101.44, 0.51, category="sampah")
    late = file_complaint(101.44, 0.51, category="sampah")
    Complaint.objects.filter(pk=late.pk).update(due_at=late.created_at - timedelta(days=1))
    _response, _path, body = download(client, tmp_path, "complaints.csv")
    frame = geopandas.pd.read_csv(io.BytesIO(body)).set_index("tracking_code")
    row = frame.loc[fresh.tracking_code]
    assert row["category_name"] == "Sampah tidak diangkut"
    assert row["kecamatan_name"] == "Sukajadi" and row["kelurahan_name"] == fresh.kelurahan.name
    assert row["agency_name"] == fresh.agency.name and row["task_force"] == "DLHK-TENGAH"
    assert row["task_force_name"] == fresh.task_force.name
    assert row["created_at"].endswith("+07:00")
    assert str(row["is_overdue"]) == "False" and str(frame.loc[late.tracking_code, "is_overdue"]) == "True"
