"""Trend classes on two planted periods."""

import pytest

from hotspots.query import hotspot_query
from hotspots.trends import trends

pytestmark = pytest.mark.django_db

# Far-apart places, each in its own 500 m hexagon: (lon, lat, complaints before, complaints now, class).
PLACES = [
    (101.4400, 0.5100, 0, 5, "new"),
    (101.4600, 0.5300, 5, 10, "growing"),
    (101.4200, 0.4800, 10, 4, "shrinking"),
    (101.4900, 0.4900, 5, 0, "gone"),
    (101.4050, 0.4700, 4, 4, "stable"),
    (101.4700, 0.4600, 1, 2, "few"),
]


def test_each_hexagon_is_classed_by_how_it_moved(plant):
    for lon, lat, before, now, _kind in PLACES:
        plant([(lon, lat)] * before, days_ago=45)  # the previous 30 days
        plant([(lon, lat)] * now, days_ago=10)  # the current 30 days
    from datetime import timedelta

    from django.utils import timezone

    until = timezone.now()
    query = hotspot_query({"since": (until - timedelta(days=30)).isoformat(), "until": until.isoformat()})
    found = sorted((t.before, t.now, t.kind) for t in trends(query))
    assert found == sorted((before, now, kind) for _lon, _lat, before, now, kind in PLACES)


def test_trends_api_suppresses_small_counts(client, plant):
    plant([(101.4700, 0.4600)] * 2, days_ago=10)
    [feature] = client.get("/api/v1/hotspots/trends/", {"since": "2026-11-01"}).json()["features"] or [None]
    assert feature["properties"] == {**feature["properties"], "kind": "few", "now": "<3"}
