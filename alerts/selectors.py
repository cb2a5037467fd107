"""Who follows the place of a complaint: one statement on the subscriptions' GiST index.

``ST_Covers`` (not ``ST_Contains``) so that a complaint on a kelurahan's border, or exactly on a
circle's edge, still reaches its followers (the same border rule as routing).
"""

from django.contrib.gis.geos import Point
from django.db import connection

from alerts.models import Frequency, Subscription

_MATCH = f"""
    SELECT id FROM {Subscription._meta.db_table}
    WHERE confirmed_at IS NOT NULL
      AND frequency = %(frequency)s
      AND ST_Covers(area, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
      AND (cardinality(categories) = 0 OR %(category)s = ANY(categories))
    ORDER BY id
"""


def followers(location: Point, category_code: str, frequency: str = Frequency.INSTANT) -> list[int]:
    """Ids of the confirmed subscriptions of ``frequency`` whose place covers ``location`` (WGS84) and
    whose categories include ``category_code`` (or that follow every category)."""
    with connection.cursor() as cursor:
        cursor.execute(_MATCH, {"frequency": frequency, "lon": location.x, "lat": location.y, "category": category_code})
        return [row[0] for row in cursor.fetchall()]
