"""Public complaints as GeoJSON Features, built by PostgreSQL (ST_AsGeoJSON + json_agg).

The same Features ComplaintSerializer gives (tests/complaints/test_geojson.py holds the two equal),
but for a page of thousands the database writes the JSON text in one statement instead of
Python building and encoding an object per field (docs/benchmarks.md). A caller may ask for fewer
properties: the public list's default is disclosure.public.LEAN_FEATURE_PROPERTIES, about a quarter
of the text, and the statement then reads only the tables those name. Use the serializer for one
complaint, this for lists.
"""

import json

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from boundaries.models import Agency, Kecamatan, Kelurahan, TaskForce
from complaints.models import Category, Complaint, Photo, Status, overdue_sql
from disclosure.public import (
    FEATURE_PROPERTIES,
    LEAN_FEATURE_PROPERTIES,
    public_description_sql,
    public_photo_sql,
)
from geo.db_router import reading
from geo.language import english
from geo.prepared import Prepared

# Each property of a Feature (disclosure.public.FEATURE_PROPERTIES) as SQL over the page's rows.
_PROPERTY_SQL = {
    "category": "cat.code",
    "category_name": "CASE WHEN %(english)s THEN cat.name_en ELSE cat.name_id END",
    "description": public_description_sql("c"),
    "status": "c.status",
    "status_label": "%(status_labels)s::json ->> c.status",
    "kecamatan": "json_build_object('code', k.code, 'name', k.name)",
    "kelurahan": "CASE WHEN l.id IS NULL THEN NULL ELSE json_build_object('code', l.code, 'name', l.name) END",
    "agency": "a.code",
    "task_force": "tf.code",
    "routing_reason": "c.routing_reason",
    "created_at": "c.created_at",
    "updated_at": "c.updated_at",
    "due_at": "c.due_at",
    "is_overdue": overdue_sql("c"),
    "resolved_at": "c.resolved_at",
    "support_count": "c.support_count",
    "photos": f"""coalesce((
        SELECT json_agg(json_build_object(
            'kind', ph.kind,
            'url', %(photo_url)s || regexp_replace(ph.image, '^.*/', ''),
            'thumbnail_url', %(photo_url)s || regexp_replace(ph.thumbnail, '^.*/', ''),
            'width', ph.width, 'height', ph.height) ORDER BY ph.created_at, ph.id)
        FROM {Photo._meta.db_table} ph WHERE ph.complaint_id = c.id AND {public_photo_sql("ph", "c")}
    ), '[]'::json)""",
}
assert tuple(_PROPERTY_SQL) == FEATURE_PROPERTIES, "one SQL expression per public property, in their order"

# Each Feature is a row turned into JSON whole (json_agg of rows, the properties a row in it): one
# type lookup per column instead of json_build_object's per argument, and no spaces between members.
# Every join is a LEFT JOIN on a primary key, so PostgreSQL drops those whose columns the chosen
# properties do not name (each complaint has its category and kecamatan: the rows are the same).
_FEATURES_SQL = f"""
SELECT coalesce(json_agg(f ORDER BY page.n), '[]'::json)::text
FROM unnest(%(ids)s::bigint[]) WITH ORDINALITY AS page(id, n)
JOIN {Complaint._meta.db_table} c ON c.id = page.id
LEFT JOIN {Category._meta.db_table} cat ON cat.id = c.category_id
LEFT JOIN {Kecamatan._meta.db_table} k ON k.id = c.kecamatan_id
LEFT JOIN {Kelurahan._meta.db_table} l ON l.id = c.kelurahan_id
LEFT JOIN {Agency._meta.db_table} a ON a.id = c.agency_id
LEFT JOIN {TaskForce._meta.db_table} tf ON tf.id = c.task_force_id
CROSS JOIN LATERAL (
    SELECT 'Feature' AS type, c.tracking_code AS id, ST_AsGeoJSON(c.location)::json AS geometry,
        (SELECT p FROM (SELECT {{properties}}) p) AS properties
) f
"""


def _statement(properties: tuple[str, ...]) -> str:
    """The statement writing Features with ``properties`` (names of FEATURE_PROPERTIES, in any order;
    they are written in FEATURE_PROPERTIES' order, as the serializer writes them)."""
    unknown = set(properties) - set(_PROPERTY_SQL)
    if unknown:
        raise ValueError(f"not a public property of a complaint: {sorted(unknown)}")
    columns = ", ".join(f'{sql} AS "{name}"' for name, sql in _PROPERTY_SQL.items() if name in properties)
    return _FEATURES_SQL.replace("{properties}", columns)


# Planning the statement takes ~1.3 ms against ~0.2 ms to run it for one complaint (a filing's
# response, a complaint's page): the full Feature and the list's lean one are prepared once per
# connection (geo.prepared); another choice of ``?fields=`` is planned each time. A generic plan joins
# by index lookups, as fast as a planned one up to a page of the API's largest size (1,000), ~12%
# slower at 10,000 ids, where hash joins win and planning is a small share: longer lists are planned.
PREPARED_UP_TO = 1000
_ARGUMENTS = {"ids": "bigint[]", "english": "boolean", "status_labels": "text", "photo_url": "text"}
_PREPARED = {
    FEATURE_PROPERTIES: Prepared("peka_features", _statement(FEATURE_PROPERTIES), _ARGUMENTS),
    LEAN_FEATURE_PROPERTIES: Prepared("peka_lean_features", _statement(LEAN_FEATURE_PROPERTIES), _ARGUMENTS),
}


def features_json(complaints: QuerySet[Complaint] | list[int], properties: tuple[str, ...] = FEATURE_PROPERTIES) -> str:
    """The JSON text of a list of Features for ``complaints`` (a queryset, evaluated for its ids
    only, or a list of ids), in that order, in the active language and time zone, with
    ``properties`` (all of FEATURE_PROPERTIES unless fewer are named; the public list's default is
    LEAN_FEATURE_PROPERTIES)."""
    ids = list(complaints.values_list("id", flat=True)) if isinstance(complaints, QuerySet) else list(complaints)
    params = {
        "ids": ids,
        "english": english(),
        "status_labels": json.dumps({value: str(label) for value, label in Status.choices}),
        "photo_url": reverse("photo-file", args=["x"])[:-1],
    }
    prepared = _PREPARED.get(tuple(properties)) if len(ids) <= PREPARED_UP_TO else None
    database = reading(Complaint)
    # Timestamps are written in the session's time zone, with its offset: the active one (as DRF
    # writes them) for this statement only. Set for the transaction (set_config's is_local), so it
    # cannot outlive it even if the statement fails: in a transaction of its own, its COMMIT sets the
    # connection's zone back; inside a caller's, it is set back by hand.
    nested = database.in_atomic_block
    with transaction.atomic(using=database.alias), database.cursor() as cursor:
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [timezone.get_current_timezone_name()])
        if prepared:
            prepared.execute(cursor, params)
        else:
            cursor.execute(_statement(properties), params)
        features = cursor.fetchone()[0]
        if nested:
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [database.timezone_name])
    return features


def feature_collection_json(features: str, **members) -> str:
    """A FeatureCollection's JSON text around ``features`` (JSON text), with other ``members`` first."""
    head = json.dumps({"type": "FeatureCollection", **members})
    return f'{head[:-1]}, "features": {features}}}'
