"""Who follows the place of a complaint: one statement.

A subscription to a kelurahan or kecamatan follows that area by its code, matched against the
kelurahan and kecamatan the complaint was routed to (boundaries.selectors.route), so a complaint on a
border reaches exactly the followers of the area that took it, by the same border rule; a btree
index answers it. A circle or a drawn area is matched on its polygon with ``ST_Covers`` (a point on
the edge still matches) through the GiST index on ``area``. Every place keeps its polygon (a
kelurahan's copied at subscribing) for what the subscriber is shown.
"""

from django.contrib.gis.geos import Point
from django.db import connection

from alerts.models import Frequency, Subscription


def place_arms(s: str, *, kelurahan: str, kecamatan: str, location: str) -> list[str]:
    """The three ways subscription ``s`` follows the place of a complaint, given SQL expressions for the
    complaint's kelurahan code, kecamatan code and location (WGS84): by code, by code, on the polygon."""
    return [
        f"{s}.place_kind = 'kelurahan' AND {s}.place_code = {kelurahan}",
        f"{s}.place_kind = 'kecamatan' AND {s}.place_code = {kecamatan}",
        f"{s}.place_kind IN ('point', 'area') AND ST_Covers({s}.area, {location})",
    ]


def place_match_sql(s: str, **complaint: str) -> str:
    """The condition "subscription ``s`` follows the place of this complaint" (place_arms, any of them)."""
    return "(" + " OR ".join(f"({arm})" for arm in place_arms(s, **complaint)) + ")"


def wanted_sql(s: str, *, frequency: str, category: str) -> str:
    """The condition "subscription ``s`` is confirmed, of this frequency and wants this category"."""
    return f"""{s}.confirmed_at IS NOT NULL AND {s}.frequency = {frequency}
           AND (cardinality({s}.categories) = 0 OR {category} = ANY({s}.categories))"""


_MATCH = f"""
    SELECT s.id FROM {Subscription._meta.db_table} s
    WHERE {wanted_sql("s", frequency="%(frequency)s", category="%(category)s")}
      AND {
    place_match_sql(
        "s",
        kelurahan="%(kelurahan)s",
        kecamatan="%(kecamatan)s",
        location="ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)",
    )
}
"""


def followers(
    location: Point, category_code: str, *, kelurahan: str, kecamatan: str, frequency: str = Frequency.INSTANT
) -> list[int]:
    """Ids of the confirmed subscriptions of ``frequency`` that follow a complaint at ``location`` (WGS84)
    routed to ``kelurahan`` / ``kecamatan`` (codes; "" when it has none) of ``category_code``."""
    with connection.cursor() as cursor:
        cursor.execute(
            _MATCH,
            {
                "frequency": frequency,
                "category": category_code,
                "kelurahan": kelurahan,
                "kecamatan": kecamatan,
                "lon": location.x,
                "lat": location.y,
            },
        )
        return [row[0] for row in cursor.fetchall()]
