"""Exports for planners (GeoJSON, CSV with lon/lat and WKT, GeoPackage), public fields only.

Complaint exports stream: rows come from a server-side cursor in chunks and leave as they are
written, so a million-row export neither times out nor sits in memory. A GeoPackage is an SQLite
file and cannot be written as a stream, so it is filled chunk by chunk in a temporary file that is
then streamed and removed.
"""

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime

import geopandas
import shapely
from django.db.models import BooleanField, ExpressionWrapper
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from complaints.models import overdue_q
from disclosure.public import public_description_expression
from hotspots.query import HotspotQuery

CHUNK = 5_000
GPKG_CHUNK = 50_000
# What leaves the city about a complaint: no reporter field, ever (docs/rules.md, privacy rule 1).
# Each code has its name beside it, so that a planner's spreadsheet reads without a lookup table.
COMPLAINT_COLUMNS = [
    ("tracking_code", "tracking_code"),
    ("category", "category__code"),
    ("category_name", "category__name_id"),
    ("category_name_en", "category__name_en"),
    ("status", "status"),
    ("kecamatan", "kecamatan__code"),
    ("kecamatan_name", "kecamatan__name"),
    ("kelurahan", "kelurahan__code"),
    ("kelurahan_name", "kelurahan__name"),
    ("agency", "agency__code"),
    ("agency_name", "agency__name"),
    ("task_force", "task_force__code"),
    ("task_force_name", "task_force__name"),
    ("description", "public_text"),  # as moderated (disclosure.public.public_description)
    ("channel", "channel"),  # how it reached PEKA: web, open311, whatsapp, staff
    ("support_count", "support_count"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("due_at", "due_at"),
    ("resolved_at", "resolved_at"),
    ("closed_at", "closed_at"),
]
CONTENT_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "gpkg": "application/geopackage+sqlite3",
}


def complaint_rows(query: HotspotQuery) -> Iterator[dict]:
    """Public complaint rows with lon/lat and whether each is overdue (open past its due time, at the
    time of the export), oldest first, from a server-side cursor."""
    fields = [f for _name, f in COMPLAINT_COLUMNS]
    rows = (
        query.complaints()
        .annotate(
            overdue=ExpressionWrapper(overdue_q(), output_field=BooleanField()),
            public_text=public_description_expression(),
        )
        .order_by("created_at", "id")
        .values_list(*fields, "overdue", "answers", "location")
    )
    # Filtered to one category, each of its questions is a column ("answers.jumlah").
    questions = [q.code for q in query.category.questions.all()] if query.category else []
    for values in rows.iterator(chunk_size=CHUNK):
        *columns, overdue, answers, location = values
        row = {name: _plain(v) for (name, _f), v in zip(COMPLAINT_COLUMNS, columns, strict=True)}
        row["is_overdue"] = overdue
        for code in questions:
            answer = answers.get(code)
            row[f"answers.{code}"] = ", ".join(answer) if isinstance(answer, list) else answer
        row["lon"], row["lat"] = round(location.x, 6), round(location.y, 6)
        yield row


def _plain(value):
    """Times in the city's own time (settings.TIME_ZONE) with their offset: 2026-12-01T13:05:00+07:00."""
    return timezone.localtime(value).isoformat() if isinstance(value, datetime) else value


def export_response(
    rows: Iterable[dict], fmt: str, filename: str, *, layer: str
) -> StreamingHttpResponse | FileResponse:
    """``rows`` (dicts with lon/lat, or a "geometry" GeoJSON dict for polygons) in ``fmt``."""
    if fmt == "gpkg":
        response = FileResponse(_geopackage(rows, layer), as_attachment=True, filename=f"{filename}.gpkg")
        response["Content-Type"] = CONTENT_TYPES["gpkg"]
        return response
    stream = _geojson(rows) if fmt == "geojson" else _csv(rows)
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _geometry(row: dict) -> dict:
    if "geometry" in row:
        return row["geometry"]
    return {"type": "Point", "coordinates": [row["lon"], row["lat"]]}


def _properties(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in ("geometry", "lon", "lat")}


def _geojson(rows: Iterable[dict]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    for n, row in enumerate(rows):
        feature = {"type": "Feature", "geometry": _geometry(row), "properties": _properties(row)}
        yield ("," if n else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}"


class _Line:
    """csv.writer writes into this and gets the line back, so each row can be yielded at once."""

    def write(self, value: str) -> str:
        return value


def _csv(rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Line())
    header = None
    for row in rows:
        # Points are written directly; only polygons need shapely to become WKT.
        wkt = f"POINT ({row['lon']} {row['lat']})" if "lon" in row else shapely.geometry.shape(row["geometry"]).wkt
        if header is None:
            header = [*_properties(row), *(("lon", "lat") if "lon" in row else ()), "wkt"]
            yield writer.writerow(header)
        values = [*_properties(row).values(), *((row["lon"], row["lat"]) if "lon" in row else ()), wkt]
        yield writer.writerow([_cell(v) for v in values])


# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(…)"): text cells
# that do are prefixed with an apostrophe, as OWASP's CSV-injection guidance recommends.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _geopackage(rows: Iterable[dict], layer: str):
    """Rows into a GeoPackage layer, chunk by chunk, in a temporary file; returns it open for reading,
    already unlinked, so it disappears once the response has sent and closed it."""
    folder = tempfile.mkdtemp(prefix="peka-export-")
    path = os.path.join(folder, f"{layer}.gpkg")
    try:
        chunk, written = [], False
        for row in rows:
            chunk.append(row)
            if len(chunk) >= GPKG_CHUNK:
                _append(path, layer, chunk, written)
                chunk, written = [], True
        if chunk or not written:
            _append(path, layer, chunk, written)
        return open(path, "rb")  # noqa: SIM115 - closed by the FileResponse
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(folder)


def _append(path: str, layer: str, rows: list[dict], append: bool) -> None:
    frame = geopandas.GeoDataFrame(
        [_properties(r) for r in rows] or None,
        geometry=[shapely.geometry.shape(_geometry(r)) for r in rows],
        crs=4326,
    )
    frame.to_file(path, layer=layer, driver="GPKG", mode="a" if append else "w", engine="pyogrio")
