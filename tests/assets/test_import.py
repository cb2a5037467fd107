"""`manage.py import_assets`: any GDAL point file, dry run by default, keyed on the asset id, in
EPSG:4326 whatever the file's CRS; a bad file is a clear error and writes nothing."""

import io

import geopandas
import pytest
import shapely
from django.core.management import CommandError, call_command

from assets.models import Asset
from geo.spatial import to_utm
from tests.assets.conftest import HERE, east

pytestmark = pytest.mark.django_db


def write(tmp_path, rows, *, name="tiang.gpkg", crs=4326, geometry=None) -> str:
    """A file of poles: rows of (id, owner, point in WGS84), written in ``crs``."""
    frame = geopandas.GeoDataFrame(
        {"no_tiang": [r[0] for r in rows], "pemilik": [r[1] for r in rows]},
        geometry=geometry or [shapely.Point(p.x, p.y) for _i, _o, p in rows],
        crs=4326,
    ).to_crs(crs)
    path = tmp_path / name
    frame.to_file(path, engine="pyogrio")
    return str(path)


def run(path, *args) -> str:
    out = io.StringIO()
    call_command(
        "import_assets", path, "--kind=lampu-jalan", "--id-field=no_tiang", "--owner-field=pemilik", *args, stdout=out
    )
    return out.getvalue()


def test_a_dry_run_says_what_would_change_and_writes_nothing(tmp_path):
    path = write(tmp_path, [("A-1", "PLN", east(0)), ("A-2", "", east(40))])
    out = run(path)
    assert "2 features read; 2 new, 0 updated, 0 unchanged." in out
    assert "Dry run: nothing written" in out
    assert not Asset.objects.exists()


def test_commit_writes_and_a_re_import_updates_on_the_id(tmp_path):
    run(write(tmp_path, [("A-1", "pln", east(0)), ("A-2", "", east(40))]), "--commit")
    first = Asset.objects.get(ref="A-1")
    assert first.owner == "PLN" and first.location.distance(HERE) < 1e-7
    # Again with one pole moved and one new: the moved one is updated in place, the other unchanged.
    out = run(
        write(tmp_path, [("A-1", "PLN", east(5)), ("A-2", "", east(40)), ("A-3", "", east(80))], name="b.gpkg"),
        "--commit",
    )
    assert "3 features read; 1 new, 1 updated, 1 unchanged." in out and "Written." in out
    moved = Asset.objects.get(ref="A-1")
    assert moved.pk == first.pk and moved.location.distance(east(5)) < 1e-7
    assert Asset.objects.count() == 3


def test_a_projected_file_is_converted_to_wgs84(tmp_path):
    utm = to_utm(east(25))
    path = write(tmp_path, [("U-1", "", east(25))], name="utm.geojson", crs=32647)
    run(path, "--commit")
    stored = Asset.objects.get(ref="U-1")
    assert stored.location.srid == 4326
    assert to_utm(stored.location).distance(utm) < 0.01  # centimetres


@pytest.mark.parametrize(
    "rows, geometry, message",
    [
        ([("L-1", "", HERE)], [shapely.LineString([(101.44, 0.51), (101.441, 0.511)])], "assets are points"),
        ([("", "", HERE)], None, "is empty"),
        ([("D-1", "", HERE), ("D-1", "", east(10))], None, "repeats feature 2"),
        ([("F-1", "", HERE), ("F-2", "", east(200_000))], None, "far outside the city"),
    ],
)
def test_a_bad_file_is_refused_whole(tmp_path, rows, geometry, message):
    path = write(
        tmp_path, [("OK-1", "", east(5)), *rows], geometry=geometry and [shapely.Point(101.44, 0.51), *geometry]
    )
    with pytest.raises(CommandError, match=message) as refused:
        run(path, "--commit")
    assert "Nothing was written" in str(refused.value)
    assert not Asset.objects.exists()  # not even the good first feature


def test_an_empty_point_is_refused(tmp_path):
    path = tmp_path / "kosong.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"no_tiang": "E-1", "pemilik": ""}, "geometry": {"type": "Point", "coordinates": []}}]}'
    )
    with pytest.raises(CommandError, match="Feature 1 \\(id E-1\\)"):
        run(str(path), "--commit")
    assert not Asset.objects.exists()


def test_an_unknown_kind_or_field_names_what_exists(tmp_path):
    path = write(tmp_path, [("A-1", "", HERE)])
    with pytest.raises(CommandError, match="Known kinds: lampu-jalan, tps"):
        call_command("import_assets", path, "--kind=hidran", "--id-field=no_tiang", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no field “nomor”. Its fields: no_tiang, pemilik"):
        call_command("import_assets", path, "--kind=tps", "--id-field=nomor", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        (tmp_path / "rusak.gpkg").write_bytes(b"not a geopackage")
        call_command("import_assets", str(tmp_path / "rusak.gpkg"), "--kind=tps", "--id-field=x", stdout=io.StringIO())


def test_progress_is_reported_on_large_files(tmp_path):
    rows = [(f"P-{n}", "", east(n * 0.5)) for n in range(2100)]
    out = run(write(tmp_path, rows), "--commit")
    assert "1000 features read" in out and "2000 features read" in out
    assert Asset.objects.count() == 2100
