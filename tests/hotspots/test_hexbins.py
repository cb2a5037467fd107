"""Hexagon counts from PostGIS against an independent count with shapely on the same hexagons."""

import json
import math
from datetime import date

import pyproj
import pytest
import shapely
from shapely.geometry import shape

from disclosure.public import public_complaints
from tests.hotspots.conftest import uniform_points

pytestmark = pytest.mark.django_db


def features(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()["features"]


def hexagon(i: int, j: int, size: float) -> shapely.Polygon:
    """PostGIS's flat-topped hexagon (i, j) of edge ``size`` in UTM 47N, written out from its definition."""
    h = size * math.sqrt(3) / 2
    cx, cy = 1.5 * i * size, h * (2 * j + abs(i % 2))
    return shapely.Polygon(
        [
            (cx - size, cy),
            (cx - size / 2, cy - h),
            (cx + size / 2, cy - h),
            (cx + size, cy),
            (cx + size / 2, cy + h),
            (cx - size / 2, cy + h),
        ]
    )


@pytest.mark.parametrize("size_m", [250, 500, 1000])
def test_hexagon_counts_equal_an_independent_shapely_count(client, plant, size_m):
    plant(uniform_points(1500, seed=size_m))
    plant(uniform_points(300, seed=1, bounds=(101.44, 0.50, 101.45, 0.51)))  # a dense patch
    to_utm = pyproj.Transformer.from_crs(4326, 32647, always_xy=True)
    lonlat = [(c.location.x, c.location.y) for c in public_complaints()]
    points = shapely.points(list(zip(*to_utm.transform(*zip(*lonlat, strict=True)), strict=True)))
    tree = shapely.STRtree(points)
    hexagons = features(client, "/api/v1/hotspots/hexbins/", size_m=size_m)
    total = 0
    for feature in hexagons:
        props = feature["properties"]
        polygon = hexagon(props["i"], props["j"], size_m)
        # The answer's WGS84 geometry is that hexagon, to the 6 decimals (~0.11 m) GeoJSON carries.
        answered = shapely.transform(
            shape(feature["geometry"]), lambda xy: list(zip(*to_utm.transform(*xy.T), strict=True))
        )
        assert answered.hausdorff_distance(polygon) < 0.2
        independent = len(tree.query(polygon, predicate="covers"))
        count = feature["properties"]["count"]
        if count == "<3":
            assert independent in (1, 2)
        else:
            assert count == independent
        total += independent
    assert total == len(points)  # every complaint in exactly one hexagon


@pytest.mark.parametrize(
    "window",
    [
        {},  # the default year: day rows, whole months, day rows
        {"since": "2000-01-01"},  # everything
        {"since": "2026-02-10", "until": "2026-05-20"},
        {"since": "2026-03-01", "until": "2026-06-01"},  # whole months only
    ],
)
def test_whole_months_are_read_from_the_month_rollup_with_the_same_answer(client, plant, window):
    """Complaints over 500 days: each window's hexagons and heat cells equal a count of the complaints
    filed in it (whole days, Asia/Jakarta), whether its months come from the month rollup or not."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from complaints.sla import PEKANBARU
    from rollups.models import CellMonth

    for days_ago in range(0, 500, 9):
        plant(uniform_points(12, seed=days_ago, bounds=(101.42, 0.49, 101.47, 0.54)), days_ago=days_ago + 0.5)
        plant(uniform_points(2, seed=days_ago, bounds=(101.4401, 0.5101, 101.4419, 0.5109)), days_ago=days_ago + 0.5)
    assert CellMonth.objects.filter(grid=500).count() > 10
    now = timezone.now()
    day = lambda value: datetime.combine(value, time(0), PEKANBARU)  # noqa: E731
    since = day(date.fromisoformat(window["since"])) if "since" in window else None
    until = day(date.fromisoformat(window["until"])) if "until" in window else None
    if until is None:
        until = day(now.astimezone(PEKANBARU).date() + timedelta(days=1))
    if since is None:
        since = day((now - timedelta(days=365)).astimezone(PEKANBARU).date())
    inside = [c for c in public_complaints() if since <= c.created_at < until]
    to_utm = pyproj.Transformer.from_crs(4326, 32647, always_xy=True)
    hexagons = features(client, "/api/v1/hotspots/hexbins/", size_m=500, **window)
    counted = {}
    for c in inside:
        x, y = to_utm.transform(c.location.x, c.location.y)
        for feature in hexagons:
            p = feature["properties"]
            if hexagon(p["i"], p["j"], 500).covers(shapely.Point(x, y)):
                counted[(p["i"], p["j"])] = counted.get((p["i"], p["j"]), 0) + 1
                break
    assert sum(counted.values()) == len(inside) > 0  # every complaint of the window in an answered hexagon
    for feature in hexagons:
        p = feature["properties"]
        want = counted.get((p["i"], p["j"]), 0)
        assert p["count"] == ("<3" if want < 3 else want)
    heat = client.get("/api/v1/hotspots/heatmap/", window).json()["points"]
    cells = {}
    for c in inside:
        cells.setdefault((round(c.location.x / 0.001), round(c.location.y / 0.001)), []).append(c.location)
    want_heat = sorted(
        (round(sum(p.y for p in ps) / len(ps), 6), round(sum(p.x for p in ps) / len(ps), 6), len(ps))
        for ps in cells.values()
        if len(ps) >= 3
    )
    assert len(want_heat) >= 3
    flat = lambda rows: [value for row in sorted(tuple(r) for r in rows) for value in row]  # noqa: E731
    assert flat(heat) == pytest.approx(flat(want_heat), abs=2e-6)


def test_a_window_holding_every_complaint_reads_the_all_time_cells(client, plant):
    """What the all-time rollup says shows in a window holding every day with complaints, and in no
    narrower one (the rollup is written to by hand here, to tell which rows were read)."""
    from django.db import connection

    plant([(101.4400, 0.5100)] * 4, days_ago=40)
    plant([(101.4400, 0.5100)] * 3, days_ago=400)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE rollups_celltotal SET n = n + 100 WHERE grid = 500")

    def counts(**window):
        answer = features(client, "/api/v1/hotspots/hexbins/", size_m=500, **window)
        return [f["properties"]["count"] for f in answer]

    assert counts(since="2000-01-01") == [107]
    assert counts() == [4]  # the default year: months and days


def test_sensitive_complaints_are_in_no_hexagon_and_small_counts_are_suppressed(client, plant):
    plant([(101.4400, 0.5100)] * 2, category="sampah")
    plant([(101.4400, 0.5100)] * 5, category="kdrt")
    [hexagon] = features(client, "/api/v1/hotspots/hexbins/")
    assert hexagon["properties"]["count"] == "<3"
    assert client.get("/api/v1/hotspots/hexbins/", {"category": "kdrt"}).status_code == 400


def test_filters_and_bad_parameters(client, plant):
    plant(uniform_points(200, seed=3))
    plant([(101.4400, 0.5100)] * 4, category="lampu-jalan")
    only = features(client, "/api/v1/hotspots/hexbins/", category="lampu-jalan")
    assert [f["properties"]["count"] for f in only] == [4]
    in_sukajadi = features(client, "/api/v1/hotspots/hexbins/", kecamatan="14.71.01")
    assert sum(f["properties"]["count"] for f in in_sukajadi if f["properties"]["count"] != "<3") >= 4
    for params in ({"size_m": 300}, {"since": "kemarin"}, {"since": "2026-11-01", "until": "2026-10-01"}, {"x": 1}):
        assert client.get("/api/v1/hotspots/hexbins/", params).status_code == 400


def test_heatmap_is_aggregated_and_suppressed(client, plant):
    plant([(101.4400, 0.5100)] * 7)
    plant([(101.4600, 0.5300)] * 2)
    body = client.get("/api/v1/hotspots/heatmap/").json()
    assert body["max"] == 7
    assert [w for _lat, _lon, w in body["points"]] == [7]  # one weighted cell; the cell of 2 is left out


def test_kecamatan_summary_counts_per_km2_and_suppresses(client, plant):
    plant([(101.4400, 0.5100)] * 6)  # Sukajadi, 3.9 km²
    plant([(101.4445, 0.4608)] * 2)  # Marpoyan Damai
    rows = {f["properties"]["code"]: f["properties"] for f in features(client, "/api/v1/hotspots/kecamatan/")}
    assert rows["14.71.01"]["count"] == 6
    assert rows["14.71.01"]["per_km2"] == pytest.approx(6 / 3.901, abs=0.01)
    assert (rows["14.71.09"]["count"], rows["14.71.09"]["per_km2"]) == ("<3", None)
    assert rows["14.71.02"]["count"] == 0
    by_category = features(client, "/api/v1/hotspots/kecamatan/", by_category="true")
    assert {(f["properties"]["code"], f["properties"]["category"]) for f in by_category} >= {("14.71.01", "sampah")}
    assert json.dumps(by_category).count("kdrt") == 0
