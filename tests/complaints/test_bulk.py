"""The bulk load (one COPY, one routed INSERT … SELECT) stores what a single intake would."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from complaints.bulk import NewComplaint, complaints_load
from complaints.demo import demo_complaints
from complaints.models import Category, Complaint, ComplaintEvent, EventKind, Status
from complaints.routing import route_complaint
from complaints.tracking import new_tracking_code

pytestmark = pytest.mark.django_db


def shared_border_vertices(n: int) -> list[tuple[float, float]]:
    """Vertices that two kecamatan of the real city share (within a micrometre-scale distance)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT ST_X(d.geom), ST_Y(d.geom)
            FROM boundaries_kecamatan a CROSS JOIN LATERAL ST_DumpPoints(a.boundary) d
            JOIN boundaries_kecamatan b ON a.code < b.code AND ST_DWithin(b.boundary, d.geom, 1e-9)
            LIMIT %s
            """,
            [n],
        )
        return cursor.fetchall()


def row(category, lon, lat, description="Uji.") -> NewComplaint:
    return NewComplaint(new_tracking_code(), category, description, Point(lon, lat, srid=4326), timezone.now())


@pytest.fixture
def no_agency_category(db):
    return Category.objects.create(code="uji-tanpa-dinas", name_id="Uji", name_en="Test", sla_working_days=3)


def test_bulk_routes_every_row_as_a_single_intake_would(west_edge, no_agency_category):
    categories = list(Category.objects.all())
    rows = list(demo_complaints(400, seed=8))  # clustered and background points, some outside
    border = shared_border_vertices(6)
    assert border, "the real city should have kecamatan sharing vertices"
    rows += [row(categories[k % len(categories)], lon, lat) for k, (lon, lat) in enumerate(border)]
    rows += [row(categories[k], *west_edge(30)) for k in range(len(categories))]  # near the limit: rule 1
    rows += [row(no_agency_category, 101.4478, 0.5071), row(categories[0], *west_edge(5_000))]

    report = complaints_load(rows)

    stored = {c.tracking_code: c for c in Complaint.objects.filter(id__in=report.created_ids)}
    rules = set()
    for new in rows:
        expected = route_complaint(new.location, new.category)
        complaint = stored.get(new.tracking_code)
        if not expected.accepted:
            assert complaint is None, new
            continue
        rules |= {complaint.area_rule, complaint.assignment_rule}
        assert complaint.routing_reason == expected.stored_reason()
        assert (complaint.kecamatan_id, complaint.kelurahan_id) == (
            expected.area.kecamatan.id,
            expected.area.kelurahan.id if expected.area.kelurahan else None,
        )
        assert complaint.agency_id == (expected.agency.id if expected.agency else None)
        assert complaint.task_force_id == (expected.task_force.id if expected.task_force else None)
        assert complaint.jurisdiction_id == expected.jurisdiction_id
        assert (complaint.area_rule, complaint.assignment_rule) == (expected.area.rule.value, expected.rule.value)
    # Every rule of routing and of assignment was exercised.
    assert {"inside", "border", "near_city_limit", "jurisdiction", "triage"} <= rules
    assert report.refused == len(rows) - len(stored) > 0


def test_bulk_writes_a_creation_event_per_complaint_and_a_repeat_adds_nothing():
    sampah = Category.objects.get(code="sampah")
    rows = [row(sampah, 101.44 + k / 1000, 0.51) for k in range(20)]
    first = complaints_load(rows)
    again = complaints_load(rows)
    assert len(first.created_ids) == 20 and first.refused == 0
    assert (again.created_ids, again.existing) == ([], 20)
    events = ComplaintEvent.objects.filter(complaint_id__in=first.created_ids)
    assert events.count() == 20
    assert set(events.values_list("kind", "to_status")) == {(EventKind.CREATED, Status.BARU)}


def test_bulk_keeps_text_with_tabs_newlines_and_backslashes_verbatim():
    text = "Lampu mati\tdi gang\\2\nsejak 3 hari\r\n'; DROP TABLE x; -- <script>"
    report = complaints_load([row(Category.objects.get(code="lampu-jalan"), 101.45, 0.52, text)])
    assert Complaint.objects.get(id=report.created_ids[0]).description == text


def test_bulk_of_nothing_is_nothing():
    report = complaints_load([])
    assert (report.created_ids, report.refused, report.existing) == ([], 0, 0)
