"""Tiles below z14 counted from the cell rollup (rollups.TileCell) equal the same tiles counted from
the complaints' points: the same clusters (count, dominant category, position), the same single
complaints, for every tile over the city at z10–z13 and below (and the z14 tiles too dense to draw
their complaints), under each filter the rollup carries."""

import json

import mapbox_vector_tile
import pytest
from django.db import connection
from django.utils import timezone

from complaints.bulk import complaints_load
from complaints.demo import demo_complaints
from complaints.models import CLOSED_STATUSES, OPEN_STATUSES, Category, Complaint, Status
from complaints.tracking import new_tracking_code
from disclosure.public import public_complaints
from rollups.models import TileCell
from tests.complaints.test_tiles import (
    SUKAJADI,
    around,
    cell_centre,
    codes,
    lon_lat,
    mercator,
    tile_of,
    tile_size,
)
from web.public.filters import ComplaintFilter
from web.public.tile_views import tile_source
from web.public.tiles import TileFilters, complaint_tile_geojson, complaint_tile_mvt

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def city(tmp_path, settings, plant):
    """600 demo complaints of four statuses over the city, a cell with a tie of categories, and
    sensitive (private) complaints that would fill small cells if they counted."""
    settings.MEDIA_ROOT = tmp_path
    loaded = complaints_load(demo_complaints(600, seed=21, days=200, now=NOW)).created_ids
    for status, every in ((Status.DIKERJAKAN, 5), (Status.SELESAI, 3), (Status.DITOLAK, 7)):
        Complaint.objects.filter(pk__in=loaded[::every]).update(status=status)
    tie = cell_centre(*SUKAJADI, 13)
    plant(around(*tie, 2, step_m=4), category="sampah")
    plant(around(*tie, 2, step_m=-4), category="drainase")
    plant(around(*tie, 4, step_m=6), category="kdrt")
    lone = cell_centre(*lon_lat(mercator(*tie)[0] + 5 * tile_size(13) / 64, mercator(*tie)[1]), 13)
    plant([lone])
    plant(around(*lone, 3, step_m=3), category="kdrt")
    return tie


def features(collection: str) -> list[tuple]:
    """A GeoJSON tile's features, sorted: (count or 1, category, tracking code or "", lon, lat)."""
    rows = []
    for f in json.loads(collection)["features"]:
        p = f["properties"]
        rows.append((p.get("count", 1), p["category"], p.get("tracking_code", ""), *f["geometry"]["coordinates"]))
    return sorted(rows)


def same(counted: list[tuple], points: list[tuple]) -> bool:
    """The same features, positions within 1e-6 degrees (GeoJSON's 6 decimals, rounded either way)."""
    return len(counted) == len(points) and all(
        a[:3] == b[:3] and abs(a[3] - b[3]) <= 1.1e-6 and abs(a[4] - b[4]) <= 1.1e-6
        for a, b in zip(counted, points, strict=True)
    )


def city_tiles(z: int) -> list[tuple[int, int]]:
    x0, y0 = tile_of(101.30, 0.70, z)
    x1, y1 = tile_of(101.62, 0.38, z)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


FILTERS = {
    "all": TileFilters(),
    "open": TileFilters(statuses=tuple(OPEN_STATUSES)),
    "closed": TileFilters(statuses=tuple(CLOSED_STATUSES)),
    "resolved": TileFilters(statuses=(Status.SELESAI,)),
    "sampah": "sampah",
    "open sampah": ("sampah", tuple(OPEN_STATUSES)),
}


def tile_filters(name: str) -> TileFilters:
    value = FILTERS[name]
    if isinstance(value, TileFilters):
        return value
    code, statuses = (value, None) if isinstance(value, str) else value
    return TileFilters(statuses=statuses, category_id=Category.objects.get(code=code).pk)


@pytest.mark.parametrize("z", [8, 10, 11, 12, 13])
@pytest.mark.parametrize("name", list(FILTERS))
def test_a_counted_tile_equals_the_tile_counted_from_its_points(city, z, name):
    filters = tile_filters(name)
    clusters = singles = 0
    for x, y in city_tiles(z):
        counted = features(complaint_tile_geojson(z, x, y, filters))
        points = features(complaint_tile_geojson(z, x, y, filters.complaints()))
        assert same(counted, points), (z, x, y)
        clusters += sum(1 for f in counted if not f[2])
        singles += sum(1 for f in counted if f[2])
    assert clusters + singles > 0
    if (z, name) in ((10, "all"), (13, "all")):
        assert clusters > 0 and singles > 0  # both kinds of feature were compared


@pytest.mark.parametrize("name", ["all", "open", "sampah"])
def test_a_crowded_z14_tile_is_counted_from_the_rollup_as_from_its_points(city, name, plant, monkeypatch):
    """With the cap and the crowd lowered to 3, the city's busier z14 tiles are crowded (one with a
    cell of five): counted from level 14 of the rollup, they equal the cells their points give; the
    others are their complaints either way."""
    from web.public import tiles

    plant(around(*cell_centre(*SUKAJADI, 14), 5, step_m=2))
    monkeypatch.setattr(tiles, "FEATURE_CAP", 3)
    monkeypatch.setattr(tiles, "COUNTED_FROM_ROLLUP_ABOVE", 3)
    filters = tile_filters(name)
    dense = sparse = 0
    for x, y in city_tiles(14):
        counted = features(complaint_tile_geojson(14, x, y, filters))
        points = features(complaint_tile_geojson(14, x, y, filters.complaints()))
        assert same(counted, points), (x, y)
        if any(not f[2] for f in counted):
            dense += 1
        elif counted:
            sparse += 1
    assert dense > 0 and sparse > 0
    assert tiles._crowded(14, *tile_of(*SUKAJADI, 14), filters)  # decided by the rollup, not the points


@pytest.mark.parametrize("z", [10, 13])
def test_the_vector_tile_has_the_same_features_too(city, z):
    for x, y in city_tiles(z):
        decoded = [
            mapbox_vector_tile.decode(body)["complaints"]["features"] if body else []
            for body in (
                complaint_tile_mvt(z, x, y, TileFilters()),
                complaint_tile_mvt(z, x, y, Complaint.objects.all()),
            )
        ]
        counted, points = (
            sorted((json.dumps(f["properties"], sort_keys=True), tuple(f["geometry"]["coordinates"])) for f in fs)
            for fs in decoded
        )
        assert [p for p, _ in counted] == [p for p, _ in points]
        for (_, a), (_, b) in zip(counted, points, strict=True):
            assert abs(a[0] - b[0]) <= 1 and abs(a[1] - b[1]) <= 1  # extent units, rounded either way


def test_ties_go_to_the_smaller_code_and_private_complaints_count_nowhere(plant):
    z = 13
    spot = cell_centre(*SUKAJADI, z)
    x, y = tile_of(*spot, z)
    plant(around(*spot, 2, step_m=4), category="sampah")
    plant(around(*spot, 2, step_m=-4), category="drainase")
    sensitive = plant(around(*spot, 4, step_m=6), category="kdrt")
    assert all(c.private for c in sensitive)
    assert not TileCell.objects.filter(category_id=sensitive[0].category_id).exists()
    for filters in (TileFilters(), TileFilters().complaints()):
        assert features(complaint_tile_geojson(z, x, y, filters))[0][:3] == (4, "drainase", "")
    # Two public complaints and the private ones in the next cell: the two are shown, not a count.
    lone = cell_centre(*lon_lat(mercator(*spot)[0] + 3 * tile_size(z) / 64, mercator(*spot)[1]), z)
    pair = plant(around(*lone, 2, step_m=5))
    plant(around(*lone, 3, step_m=-3), category="kdrt")
    counted = features(complaint_tile_geojson(z, x, y, TileFilters()))
    assert [f[:3] for f in counted] == sorted([(4, "drainase", "")] + [(1, "sampah", c.tracking_code) for c in pair])


def test_a_small_cell_names_its_complaints_after_changes(plant):
    """One complaint, then two (their ids from the sums), then one again after a status change
    moves one out of the filter; three make a count, and two again after a deletion."""
    z = 12
    spot = cell_centre(*SUKAJADI, z)
    x, y = tile_of(*spot, z)

    def shown(filters):
        return [f[:3] for f in features(complaint_tile_geojson(z, x, y, filters))]

    [first] = plant([spot])
    assert shown(TileFilters()) == [(1, "sampah", first.tracking_code)]
    [second] = plant(around(*spot, 2, step_m=10)[1:])
    assert shown(TileFilters()) == sorted((1, "sampah", c.tracking_code) for c in (first, second))
    Complaint.objects.filter(pk=second.pk).update(status=Status.DITOLAK, closed_at=NOW)
    assert shown(TileFilters(statuses=tuple(OPEN_STATUSES))) == [(1, "sampah", first.tracking_code)]
    assert shown(TileFilters(statuses=tuple(CLOSED_STATUSES))) == [(1, "sampah", second.tracking_code)]
    third = Complaint.objects.get(pk=first.pk)  # a copy without events, so it can be deleted
    third.pk, third.tracking_code, third.idempotency_key = None, new_tracking_code(), None
    third.save()
    assert shown(TileFilters()) == [(3, "sampah", "")]
    Complaint.objects.filter(pk=third.pk).delete()
    assert shown(TileFilters()) == sorted((1, "sampah", c.tracking_code) for c in (first, second))


@pytest.mark.parametrize(
    "query, counted",
    [
        ({}, TileFilters()),
        ({"open": "true"}, TileFilters(statuses=tuple(OPEN_STATUSES))),
        ({"open": "false", "status": "selesai"}, TileFilters(statuses=("selesai",))),
        ({"open": "true", "status": "selesai"}, TileFilters(statuses=())),
        ({"category": "sampah"}, "sampah"),
        ({"kecamatan": "14.71.01"}, None),
        ({"since": "2026-01-01T00:00:00Z", "open": "true"}, None),
        ({"bbox": "101.4,0.4,101.5,0.5"}, None),
    ],
)
def test_only_the_filters_the_rollup_carries_are_counted_from_it(query, counted):
    filters = ComplaintFilter(query, queryset=public_complaints())
    assert filters.is_valid()
    source = tile_source(filters)
    if counted is None:
        assert not isinstance(source, TileFilters)
    elif isinstance(counted, str):
        assert source == TileFilters(category_id=Category.objects.get(code=counted).pk)
    else:
        assert source == counted


def test_the_view_counts_from_the_rollup(client, plant):
    """A change the triggers did not see (they are switched off) shows in a tile counted from the
    points and not in one counted from the rollup: the view takes the rollup for open=true alone."""
    three = plant(around(*SUKAJADI, 3))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        Complaint.objects.filter(pk=three[0].pk).update(status=Status.DITOLAK)
        cursor.execute("SET LOCAL session_replication_role = origin")
    x, y = tile_of(*SUKAJADI, 12)
    url = f"/tiles/complaints/12/{x}/{y}.geojson"
    counted = client.get(url, {"open": "true"}).json()["features"]
    points = client.get(url, {"open": "true", "kecamatan": three[0].kecamatan.code}).json()["features"]
    assert [f["properties"] for f in counted] == [{"count": 3, "category": "sampah"}]  # the rollup's
    assert codes(points) == {c.tracking_code for c in three[1:]}  # the complaints'


@pytest.mark.parametrize("z", [12, 15])
def test_filters_that_leave_no_status_give_an_empty_tile(client, plant, z):
    plant([SUKAJADI])
    x, y = tile_of(*SUKAJADI, z)
    url = f"/tiles/complaints/{z}/{x}/{y}"
    assert client.get(f"{url}.geojson", {"open": "true", "status": "selesai"}).json()["features"] == []
    assert client.get(f"{url}.mvt", {"open": "true", "status": "selesai"}).status_code == 204
    assert len(client.get(f"{url}.geojson", {"open": "true", "status": "baru"}).json()["features"]) == 1
