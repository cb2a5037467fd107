"""manage.py import_boundaries: dry run by default, keyed on the code, any GDAL format, clear errors."""

import io
import json

import geopandas as gpd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import Polygon as ShapelyPolygon

from boundaries.models import BoundaryPiece, Kecamatan, Kelurahan

pytestmark = pytest.mark.django_db

SQUARE_A = [[101.0, 0.2], [101.01, 0.2], [101.01, 0.21], [101.0, 0.21], [101.0, 0.2]]
SQUARE_B = [[101.01, 0.2], [101.02, 0.2], [101.02, 0.21], [101.01, 0.21], [101.01, 0.2]]
BOWTIE = [[101.0, 0.2], [101.01, 0.21], [101.01, 0.2], [101.0, 0.21], [101.0, 0.2]]


def geojson(path, features):
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}
                    for props, ring in features
                ],
            }
        )
    )
    return path


@pytest.fixture
def two_kecamatan(tmp_path):
    return geojson(
        tmp_path / "kec.geojson",
        [({"kode": "98.01.01", "nama": "Satu"}, SQUARE_A), ({"kode": "98.01.02", "nama": "Dua"}, SQUARE_B)],
    )


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_boundaries", *map(str, args), stdout=out)
    return out.getvalue()


def test_dry_run_writes_nothing(two_kecamatan):
    before = Kecamatan.objects.count(), BoundaryPiece.objects.count()
    output = run(two_kecamatan, "--level=kecamatan", "--code-field=kode", "--name-field=nama")
    assert "dry run" in output
    assert "2 created" in output
    assert (Kecamatan.objects.count(), BoundaryPiece.objects.count()) == before


def test_two_committed_runs_give_the_same_rows(two_kecamatan):
    args = (two_kecamatan, "--level=kecamatan", "--code-field=kode", "--name-field=nama", "--commit")
    assert "2 created" in run(*args)
    rows = list(Kecamatan.objects.filter(code__startswith="98.").values_list("id", "code", "name", "boundary"))
    pieces = BoundaryPiece.objects.filter(code__startswith="98.").count()
    assert "0 created, 0 updated, 2 unchanged" in run(*args)
    assert list(Kecamatan.objects.filter(code__startswith="98.").values_list("id", "code", "name", "boundary")) == rows
    assert BoundaryPiece.objects.filter(code__startswith="98.").count() == pieces == 2


def test_changed_name_is_updated(two_kecamatan, tmp_path):
    args = ("--level=kecamatan", "--code-field=kode", "--name-field=nama", "--commit")
    run(two_kecamatan, *args)
    renamed = geojson(tmp_path / "renamed.geojson", [({"kode": "98.01.01", "nama": "Satu Baru"}, SQUARE_A)])
    assert "0 created, 1 updated" in run(renamed, *args)
    assert Kecamatan.objects.get(code="98.01.01").name == "Satu Baru"


def test_missing_field_lists_the_fields_the_file_has(two_kecamatan):
    with pytest.raises(CommandError) as error:
        run(two_kecamatan, "--level=kecamatan", "--code-field=KODE_KEC", "--name-field=nama")
    message = str(error.value)
    assert "'KODE_KEC'" in message
    assert "Its fields are: kode, nama" in message


def test_invalid_polygon_is_refused_unless_repaired(tmp_path):
    path = geojson(tmp_path / "bowtie.geojson", [({"code": "98.02.01", "name": "Pita"}, BOWTIE)])
    with pytest.raises(CommandError, match=r"98\.02\.01.*invalid geometry.*--repair"):
        run(path, "--level=kecamatan", "--commit")
    assert not Kecamatan.objects.filter(code="98.02.01").exists()
    assert "1 repaired" in run(path, "--level=kecamatan", "--repair", "--commit")
    repaired = Kecamatan.objects.get(code="98.02.01").boundary
    assert repaired.valid
    assert len(repaired) == 2  # the bow tie becomes its two triangles


def test_geopackage_in_utm_is_transformed_to_wgs84(tmp_path):
    frame = gpd.GeoDataFrame(
        {"KD": ["98.03.01"], "NM": ["Utm"]}, geometry=[ShapelyPolygon(SQUARE_A)], crs="EPSG:4326"
    ).to_crs("EPSG:32647")
    path = tmp_path / "kec.gpkg"
    frame.to_file(path, layer="kecamatan", driver="GPKG")
    run(path, "--level=kecamatan", "--code-field=KD", "--name-field=NM", "--layer=kecamatan", "--commit")
    boundary = Kecamatan.objects.get(code="98.03.01").boundary
    assert boundary.srid == 4326
    assert boundary.geom_type == "MultiPolygon"
    assert boundary.extent == pytest.approx((101.0, 0.2, 101.01, 0.21), abs=1e-7)


def test_shapefile_kelurahan_find_their_kecamatan_by_location(two_kecamatan, tmp_path):
    run(two_kecamatan, "--level=kecamatan", "--code-field=kode", "--name-field=nama", "--commit")
    frame = gpd.GeoDataFrame(
        {"KODE": ["98.01.02.1001"], "NAMA": ["Desa Dua"]}, geometry=[ShapelyPolygon(SQUARE_B)], crs="EPSG:4326"
    )
    path = tmp_path / "desa.shp"
    frame.to_file(path)
    run(path, "--level=kelurahan", "--code-field=KODE", "--name-field=NAMA", "--commit")
    assert Kelurahan.objects.get(code="98.01.02.1001").kecamatan.code == "98.01.02"


def test_kelurahan_with_unknown_parent_code_is_refused(tmp_path):
    path = geojson(
        tmp_path / "kel.geojson", [({"code": "98.09.01.1001", "name": "Yatim", "kec": "98.09.01"}, SQUARE_A)]
    )
    with pytest.raises(CommandError, match="import the kecamatan first"):
        run(path, "--level=kelurahan", "--parent-field=kec", "--commit")


def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text("not geojson")
    with pytest.raises(CommandError, match="Cannot open"):
        run(path, "--level=kecamatan")


def test_load_city_twice_changes_nothing():
    out = io.StringIO()
    call_command("load_city", stdout=out)
    assert "0 created, 0 updated, 15 unchanged" in out.getvalue()
    assert "0 created, 0 updated, 83 unchanged" in out.getvalue()


def test_load_city_without_boundary_files_says_where_to_put_them(settings, tmp_path):
    settings.PEKA_BOUNDARY_DIR = tmp_path
    with pytest.raises(CommandError, match="PEKA_BOUNDARY_DIR"):
        call_command("load_city", stdout=io.StringIO())
