"""Loading many complaints at once: seed data, imports, the benchmark's million.

One COPY into a staging table, then one routed INSERT … SELECT: the routing statement of
boundaries.selectors runs over the whole indexed staging table, so PostgreSQL walks the few hundred
boundary pieces against the points' index instead of probing once per point, and nothing comes
back to Python row by row. The rules, fallbacks and stored reasons are those of a single intake
(complaints.routing.assignment_sql); tests/complaints/test_bulk.py holds the two to the same answers.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.geos import Point
from django.db import connection, transaction

from complaints.intake import Reporter
from complaints.models import Category, Complaint, ComplaintEvent, EventKind, Status
from complaints.routing import assignment_sql
from complaints.sla import due_at
from complaints.tracking import key_hash, new_key_salt, reporter_key


@dataclass(frozen=True)
class NewComplaint:
    """One row for ``complaints_load``: a complaint as filed, optionally already further along
    (``status``, ``resolved_at``, ``closed_at``: seed and benchmark data with a history)."""

    tracking_code: str
    category: Category
    description: str
    location: Point
    created_at: datetime
    reporter: Reporter = Reporter()
    status: str = Status.BARU
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    # A second load of a row with the same key adds nothing (seed data names its rows this way).
    idempotency_key: str | None = None


@dataclass(frozen=True)
class LoadReport:
    created_ids: list[int]
    refused: int  # outside the city (rule 1)
    existing: int  # tracking code or idempotency key already stored: a repeated load adds nothing

    def complaints(self) -> list[Complaint]:
        return list(Complaint.objects.filter(id__in=self.created_ids).order_by("id"))


_STAGED = (
    "i bigint, tracking_code text, category_id bigint, category text, description text, g geometry(Point, 4326), "
    "reporter_name text, reporter_phone text, reporter_email text, status text, created_at timestamptz, "
    "due_at timestamptz, resolved_at timestamptz, closed_at timestamptz, private boolean, reporter_key_salt text, reporter_key_hash text, "
    "idempotency_key text"
)


def complaints_load(rows: Iterable[NewComplaint]) -> LoadReport:
    """Route and store ``rows`` with their creation events in one transaction; rows outside the city
    are refused, rows whose tracking code or idempotency key exists are skipped. Each row gets a reporter
    key that nobody is told (complaints.tracking): the row's reporter, if any, asks staff for a new one."""
    staged = io.StringIO()
    count = 0
    for count, row in enumerate(rows, start=1):
        staged.write(_copy_line(count, row))
    if not count:
        return LoadReport([], 0, 0)
    staged.seek(0)
    assigned, params = assignment_sql("complaint_staging")
    params |= {"created": EventKind.CREATED, "new": Status.BARU}
    with transaction.atomic(), connection.cursor() as cursor:
        # Dropped at commit; dropped first too, for a second load inside one outer transaction.
        cursor.execute(
            f"DROP TABLE IF EXISTS complaint_staging; CREATE TEMP TABLE complaint_staging ({_STAGED}) ON COMMIT DROP"
        )
        with cursor.copy("COPY complaint_staging FROM STDIN") as copy:
            copy.write(staged.getvalue())
        cursor.execute("CREATE INDEX ON complaint_staging USING gist (g); ANALYZE complaint_staging")
        # Raw SQL: the ORM has no INSERT … SELECT. The creation events go in with the same statement:
        # the set form of complaints.events.event_record, announced to nobody (a bulk load tells no one).
        cursor.execute(
            f"""
            WITH assigned AS ({assigned}),
            inserted AS (
                INSERT INTO {Complaint._meta.db_table} (
                    tracking_code, category_id, description, location, kecamatan_id, kelurahan_id, agency_id,
                    task_force_id, jurisdiction_id, status, area_rule, assignment_rule, routing_reason,
                    reporter_name, reporter_phone, reporter_email, created_at, updated_at, due_at, resolved_at,
                    closed_at, reopen_count, support_count, rating_comment, version, private, reporter_key_salt, reporter_key_hash,
                    idempotency_key)
                SELECT s.tracking_code, s.category_id, s.description, s.g, a.kecamatan_id, a.kelurahan_id,
                       a.agency_id, a.task_force_id, a.jurisdiction_id, s.status, a.area_rule, a.assignment_rule,
                       a.routing_reason, s.reporter_name, s.reporter_phone, s.reporter_email, s.created_at,
                       coalesce(s.closed_at, s.resolved_at, s.created_at), s.due_at, s.resolved_at, s.closed_at,
                       0, 0, '', 1, s.private, s.reporter_key_salt, s.reporter_key_hash, s.idempotency_key
                FROM complaint_staging s JOIN assigned a ON a.i = s.i
                ORDER BY s.i
                ON CONFLICT DO NOTHING
                RETURNING id, created_at, routing_reason
            ),
            events AS (
                INSERT INTO {ComplaintEvent._meta.db_table} (complaint_id, at, kind, from_status, to_status, note, public)
                SELECT id, created_at, %(created)s, '', %(new)s, routing_reason, true FROM inserted
            )
            SELECT (SELECT count(*) FROM assigned), coalesce(array_agg(id ORDER BY id), '{{}}') FROM inserted
            """,
            params,
        )
        accepted, ids = cursor.fetchone()
    return LoadReport(ids, refused=count - accepted, existing=accepted - len(ids))


def _copy_line(i: int, row: NewComplaint) -> str:
    """One line of COPY's text format (tab-separated; \\N is NULL; backslash, tab and newlines escaped)."""
    values = (
        i,
        row.tracking_code,
        row.category.id,
        row.category.code,
        row.description,
        f"SRID=4326;POINT({row.location.x!r} {row.location.y!r})",
        row.reporter.name,
        row.reporter.phone,
        row.reporter.email,
        row.status,
        row.created_at.isoformat(),
        due_at(row.created_at, row.category.sla_working_days).isoformat(),
        row.resolved_at.isoformat() if row.resolved_at else None,
        row.closed_at.isoformat() if row.closed_at else None,
        "t" if row.category.sensitive else "f",
        salt := new_key_salt(),
        key_hash(reporter_key(salt)),
        row.idempotency_key,
    )
    return "\t".join(_copy_value(v) for v in values) + "\n"


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
