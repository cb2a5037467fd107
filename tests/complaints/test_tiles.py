"""Vector tiles of the public complaint layer (/tiles/complaints/z/x/y.mvt and .geojson) on the real PostGIS.

Where a point falls (tile, pixel, 64-px cell) is computed here independently, with the spherical
mercator formulas in Python, and compared with what PostGIS built.
"""

import math
from datetime import UTC, timedelta

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from complaints.models import Complaint, Status
from disclosure.public import public_complaints
from geo.spatial import WGS84, offset_point

pytestmark = pytest.mark.django_db

R = 6378137.0  # EPSG:3857 sphere radius, metres
HALF = math.pi * R  # half the width of the web-mercator world
SUKAJADI = (101.44, 0.51)
REPORTER = {"name": "Siti Rahmawati", "phone": "0812 9999 1234", "email": "siti@example.id"}


def mercator(lon: float, lat: float) -> tuple[float, float]:
    return R * math.radians(lon), R * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def lon_lat(mx: float, my: float) -> tuple[float, float]:
    return math.degrees(mx / R), math.degrees(2 * math.atan(math.exp(my / R)) - math.pi / 2)


def tile_size(z: int) -> float:
    return 2 * HALF / 2**z


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    mx, my = mercator(lon, lat)
    return math.floor((mx + HALF) / tile_size(z)), math.floor((HALF - my) / tile_size(z))


def pixel_in_tile(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Position inside its tile in MVT extent units (0..4096, y down)."""
    x, y = tile_of(lon, lat, z)
    mx, my = mercator(lon, lat)
    return ((mx + HALF) / tile_size(z) - x) * 4096, ((HALF - my) / tile_size(z) - y) * 4096


def cell_centre(lon: float, lat: float, z: int) -> tuple[float, float]:
    """(lon, lat) of the centre of the 64-extent-unit cell of a zoom-z tile that holds the point."""
    mx, my = mercator(lon, lat)
    cell = tile_size(z) / 64
    cx = (math.floor((mx + HALF) / cell) + 0.5) * cell - HALF
    cy = HALF - (math.floor((HALF - my) / cell) + 0.5) * cell
    return lon_lat(cx, cy)


def in_tile(point: Point, z: int, x: int, y: int) -> bool:
    return tile_of(point.x, point.y, z) == (x, y)


def tile_json(client, z, x, y, **params) -> dict:
    response = client.get(f"/tiles/complaints/{z}/{x}/{y}.geojson", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return response.json()


def tile_mvt(client, z, x, y, **params) -> list[dict]:
    response = client.get(f"/tiles/complaints/{z}/{x}/{y}.mvt", params)
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layers = mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})
    assert set(layers) == {"complaints"}
    assert layers["complaints"]["extent"] == 4096
    return layers["complaints"]["features"]


def codes(features) -> set[str]:
    return {f["properties"]["tracking_code"] for f in features if "tracking_code" in f["properties"]}


def total(features) -> int:
    """Complaints a tile stands for: each cluster its count, each single complaint one."""
    return sum(f["properties"].get("count", 1) for f in features)


def around(lon, lat, n, *, step_m=5):
    """n points a few metres apart around (lon, lat)."""
    centre = Point(lon, lat, srid=WGS84)
    return [(p.x, p.y) for p in (offset_point(centre, east_m=step_m * i, north_m=-step_m * i) for i in range(n))]


def test_detail_tile_is_a_decodable_vector_tile_with_public_fields_only(client, file_complaint):
    complaint = file_complaint(*SUKAJADI, category="lampu-jalan", reporter=REPORTER)
    x, y = tile_of(*SUKAJADI, 14)
    features = tile_mvt(client, 14, x, y)
    assert len(features) == 1
    feature = features[0]
    assert feature["properties"] == {
        "tracking_code": complaint.tracking_code,
        "category": "lampu-jalan",
        "status": "baru",
        "created_at": timezone.localdate(complaint.created_at).isoformat(),
        "support_count": 0,
    }
    px, py = pixel_in_tile(*SUKAJADI, 14)
    gx, gy = feature["geometry"]["coordinates"]
    assert abs(gx - px) <= 1 and abs(gy - py) <= 1

    body = (
        client.get(f"/tiles/complaints/14/{x}/{y}.mvt").content
        + client.get(f"/tiles/complaints/14/{x}/{y}.geojson").content
    )
    for value in (*REPORTER.values(), "6281299991234"):  # the number as typed and as stored
        assert value.encode() not in body


def test_geojson_twin_has_the_same_features_in_wgs84(client, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    x, y = tile_of(*SUKAJADI, 15)
    collection = tile_json(client, 15, x, y)
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["properties"] == tile_mvt(client, 15, x, y)[0]["properties"]
    assert feature["properties"]["tracking_code"] == complaint.tracking_code
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx(SUKAJADI, abs=2e-6)


@pytest.mark.parametrize("z", [14, 16, 18])
def test_complaint_is_in_its_tile_and_not_in_the_neighbours(client, file_complaint, z):
    complaint = file_complaint(*SUKAJADI)
    x, y = tile_of(*SUKAJADI, z)
    assert complaint.tracking_code in codes(tile_mvt(client, z, x, y))
    for nx, ny in [(x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)]:
        assert complaint.tracking_code not in codes(tile_mvt(client, z, nx, ny))
        assert tile_json(client, z, nx, ny)["features"] == []


def test_sensitive_complaints_appear_at_no_zoom(client, plant):
    public = plant(around(*SUKAJADI, 2))
    sensitive = plant(around(*SUKAJADI, 6, step_m=3), category="kdrt")
    sensitive_codes = {c.tracking_code for c in sensitive}
    for z in range(0, 23, 2):
        x, y = tile_of(*SUKAJADI, z)
        for features in (tile_mvt(client, z, x, y), tile_json(client, z, x, y)["features"]):
            assert not codes(features) & sensitive_codes
            # not counted in any cluster either
            assert total(features) == sum(in_tile(p.location, z, x, y) for p in public) > 0
            assert all(f["properties"]["category"] != "kdrt" for f in features)
    x, y = tile_of(*SUKAJADI, 14)
    response = client.get(f"/tiles/complaints/14/{x}/{y}.mvt", {"category": "kdrt"})
    assert response.status_code == 400
    assert "category" in response.json()


def test_open_true_leaves_closed_complaints_out(client, plant):
    [open_one] = plant([SUKAJADI])
    closed = plant(around(*SUKAJADI, 3, step_m=20)[1:], status=Status.SELESAI)
    x, y = tile_of(*SUKAJADI, 14)
    assert codes(tile_mvt(client, 14, x, y, open="true")) == {open_one.tracking_code}
    assert codes(tile_mvt(client, 14, x, y)) == {open_one.tracking_code, *(c.tracking_code for c in closed)}
    assert codes(tile_mvt(client, 14, x, y, open="false")) == {c.tracking_code for c in closed}
    assert codes(tile_mvt(client, 14, x, y, category="lampu-jalan")) == set()


def test_below_z14_cells_of_three_or_more_become_counts_and_smaller_cells_stay_points(client, plant):
    z = 12
    a = cell_centre(*SUKAJADI, z)
    cell_m = tile_size(z) / 64
    b = cell_centre(*lon_lat(mercator(*a)[0] + 3 * cell_m, mercator(*a)[1]), z)
    c = cell_centre(*lon_lat(mercator(*a)[0], mercator(*a)[1] - 3 * cell_m), z)
    x, y = tile_of(*a, z)
    assert tile_of(*b, z) == tile_of(*c, z) == (x, y)  # the three cells lie in one tile

    cluster = plant(around(*a, 3), category="sampah") + plant(around(*a, 2, step_m=-5)[1:], category="lampu-jalan")
    pair = plant(around(*b, 2))
    single = plant([c])
    plant(around(*b, 2, step_m=-7)[1:], category="kdrt")  # would make b a cell of three if it counted
    plant(around(*c, 3, step_m=-7)[1:], status=Status.DITOLAK)  # closed: left out with open=true

    for features in (tile_mvt(client, z, x, y, open="true"), tile_json(client, z, x, y, open="true")["features"]):
        clusters = [f for f in features if "count" in f["properties"]]
        assert [f["properties"] for f in clusters] == [{"count": 4, "category": "sampah"}]
        assert codes(features) == {p.tracking_code for p in pair + single}
        expected = public_complaints().open().filter(pk__in=[p.pk for p in cluster + pair + single])
        assert total(features) == sum(1 for p in expected if in_tile(p.location, z, x, y)) == 7

    lon, lat = [f for f in tile_json(client, z, x, y, open="true")["features"] if "count" in f["properties"]][0][
        "geometry"
    ]["coordinates"]
    assert tile_of(lon, lat, 18) == tile_of(*a, 18)  # drawn where its complaints are (their mean)


def test_counts_over_the_tiles_covering_the_city_sum_to_every_public_complaint(client, plant):
    rng_points = [(101.40 + (0.0123 * i) % 0.10, 0.45 + (0.0071 * i) % 0.11) for i in range(120)]
    stored = plant(rng_points[:100], strict=False)  # a point or two may lie outside the city
    plant(rng_points[100:], category="kdrt", strict=False)
    assert len(stored) > 90
    for z in (9, 11, 13):
        x0, y0 = tile_of(101.30, 0.70, z)
        x1, y1 = tile_of(101.62, 0.38, z)
        tiles = [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
        assert sum(total(tile_mvt(client, z, x, y)) for x, y in tiles) == len(stored)
        assert sum(total(tile_json(client, z, x, y)["features"]) for x, y in tiles) == len(stored)


@pytest.mark.parametrize(
    "path",
    ["23/0/0.mvt", "14/16384/0.mvt", "14/0/16384.geojson", "3/-1/0.mvt", "-1/0/0.geojson", "2/4/1.geojson"],
)
def test_tile_off_the_grid_is_a_404_that_says_why(client, path):
    response = client.get(f"/tiles/complaints/{path}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "z must be 0 to 22" in response.json()["detail"]


def test_empty_tile_is_204_for_mvt_and_an_empty_collection_for_geojson(client):
    x, y = tile_of(*SUKAJADI, 16)
    response = client.get(f"/tiles/complaints/16/{x}/{y}.mvt")
    assert response.status_code == 204
    assert response.content == b""
    assert tile_json(client, 16, x, y) == {"type": "FeatureCollection", "features": []}


def test_tiles_are_cacheable_for_a_minute_and_revalidate_with_their_etag(client, plant):
    plant([SUKAJADI])
    x, y = tile_of(*SUKAJADI, 14)
    url = f"/tiles/complaints/14/{x}/{y}.mvt"
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["ETag"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    plant([offset_point(Point(*SUKAJADI, srid=WGS84), east_m=30).coords])
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert len(mapbox_vector_tile.decode(changed.content)["complaints"]["features"]) == 2


def test_old_complaints_keep_their_local_date(client, plant):
    [complaint] = plant([SUKAJADI])
    # 23:30 UTC is already the next day in Pekanbaru (UTC+7).
    late = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0, tzinfo=UTC) - timedelta(days=3)
    Complaint.objects.filter(pk=complaint.pk).update(created_at=late)
    x, y = tile_of(*SUKAJADI, 14)
    [feature] = tile_json(client, 14, x, y)["features"]
    assert feature["properties"]["created_at"] == (late + timedelta(hours=7)).date().isoformat()


def test_a_detail_tile_above_the_feature_cap_is_counted_in_cells(client, plant, monkeypatch):
    from web.public import tiles

    z = 14
    centre = cell_centre(*SUKAJADI, z)
    planted = plant(around(*centre, 12))
    x, y = tile_of(*centre, z)
    assert len(codes(tile_mvt(client, z, x, y))) == 12  # under the cap: one feature each
    monkeypatch.setattr(tiles, "FEATURE_CAP", 10)
    for features in (tile_mvt(client, z, x, y), tile_json(client, z, x, y)["features"]):
        assert not codes(features)  # counted now: no complaint of its own
        assert total(features) == len(planted) == 12
