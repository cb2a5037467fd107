"""Routing rule 3 on the real city: jurisdictions by category, priority, area and code; fallbacks."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from boundaries.models import Agency, Jurisdiction, Kecamatan
from boundaries.services import jurisdiction_save, kecamatan_union
from complaints.models import AssignmentRule, Category
from complaints.routing import route_complaint
from geo.spatial import WGS84

pytestmark = pytest.mark.django_db

ZONE = {
    "14.71.01": "TENGAH",
    "14.71.02": "TENGAH",
    "14.71.03": "TENGAH",
    "14.71.04": "TENGAH",
    "14.71.05": "TENGAH",
    "14.71.06": "UTARA",
    "14.71.12": "UTARA",
    "14.71.15": "UTARA",
    "14.71.07": "TIMUR",
    "14.71.10": "TIMUR",
    "14.71.14": "TIMUR",
    "14.71.08": "BARAT-DAYA",
    "14.71.09": "BARAT-DAYA",
    "14.71.11": "BARAT-DAYA",
    "14.71.13": "BARAT-DAYA",
}


def expected(category: str, zone: str) -> tuple[str, str | None]:
    """The example configuration (fixtures/kecamatan/agencies.json), written out by hand."""
    if category in ("sampah", "pohon-tumbang"):
        return "DLHK", f"DLHK-{zone}"
    if category == "lampu-jalan":
        return "DPUPR", "DPUPR-PJU"
    if category == "drainase" and zone == "TENGAH":
        return "DPUPR", "DPUPR-DRAINASE-PUSAT"  # priority 10 over the southern roads task force
    if category in ("jalan-rusak", "drainase"):
        return "DPUPR", "DPUPR-JALAN-UTARA" if zone == "UTARA" else "DPUPR-JALAN-SELATAN"
    if category == "kesehatan":
        return "DINKES", "DINKES-SURVEILANS"
    if category == "kdrt":
        return "DP3A", "DP3A-UPTD-PPA"
    return "DISKOMINFOTIKSAN", None  # lainnya: no agency, so the triage queue


def inner_point(code: str) -> Point:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(boundary) p FROM boundaries_kecamatan WHERE code = %s) q",
            [code],
        )
        return Point(*cursor.fetchone(), srid=WGS84)


CATEGORIES = ["lampu-jalan", "sampah", "jalan-rusak", "drainase", "pohon-tumbang", "kesehatan", "kdrt", "lainnya"]


@pytest.mark.parametrize("kecamatan", sorted(ZONE))
@pytest.mark.parametrize("category", CATEGORIES)
def test_each_kecamatan_and_category_reaches_the_expected_agency_and_task_force(kecamatan, category):
    route = route_complaint(inner_point(kecamatan), Category.objects.get(code=category))
    assert route.area.kecamatan.code == kecamatan
    agency, task_force = expected(category, ZONE[kecamatan])
    assert route.agency.code == agency
    assert (route.task_force.code if route.task_force else None) == task_force
    assert route.rule == (AssignmentRule.TRIAGE if category == "lainnya" else AssignmentRule.JURISDICTION)


@pytest.fixture
def parkir():
    """A category of DLHK's that no jurisdiction takes yet."""
    return Category.objects.create(
        code="parkir",
        name_id="Parkir liar",
        name_en="Illegal parking",
        agency=Agency.objects.get(code="DLHK"),
        sla_working_days=3,
    )


def jurisdiction(code, kecamatan_codes, *, priority=0, categories=("parkir",), agency="DPUPR"):
    return jurisdiction_save(
        Jurisdiction(
            code=code,
            agency=Agency.objects.get(code=agency),
            categories=list(categories),
            area=kecamatan_union(kecamatan_codes),
            priority=priority,
        )
    )


SUKAJADI = Point(101.44, 0.51, srid=WGS84)


def test_category_without_jurisdiction_goes_to_its_agency(parkir):
    route = route_complaint(SUKAJADI, parkir)
    assert (route.rule, route.agency.code, route.task_force) == (AssignmentRule.CATEGORY_AGENCY, "DLHK", None)
    assert "DLHK" in route.reason()


def test_overlapping_jurisdictions_smaller_area_wins_at_equal_priority(parkir):
    jurisdiction("Z-CITY", list(Kecamatan.objects.values_list("code", flat=True)))
    jurisdiction("Z-SUKAJADI", ["14.71.01"])
    assert route_complaint(SUKAJADI, parkir).area.jurisdiction.code == "Z-SUKAJADI"


def test_overlapping_jurisdictions_higher_priority_wins_over_smaller_area(parkir):
    jurisdiction("Z-CITY", list(Kecamatan.objects.values_list("code", flat=True)), priority=5)
    jurisdiction("Z-SUKAJADI", ["14.71.01"])
    assert route_complaint(SUKAJADI, parkir).area.jurisdiction.code == "Z-CITY"


def test_identical_jurisdictions_lowest_code_wins(parkir):
    jurisdiction("Z-B", ["14.71.01"])
    jurisdiction("Z-A", ["14.71.01"])
    assert route_complaint(SUKAJADI, parkir).area.jurisdiction.code == "Z-A"


def test_triage_without_a_triage_agency_still_routes_the_complaint(settings):
    settings.PEKA_TRIAGE_AGENCY = "TIDAK-ADA"
    route = route_complaint(SUKAJADI, Category.objects.get(code="lainnya"))
    assert route.accepted
    assert (route.rule, route.agency) == (AssignmentRule.TRIAGE, None)


def test_point_just_outside_the_city_is_assigned_as_at_the_nearest_spot(west_edge):
    route = route_complaint(Point(*west_edge(30), srid=WGS84), Category.objects.get(code="sampah"))
    assert route.area.kecamatan.code == "14.71.12"
    assert route.task_force.code == "DLHK-UTARA"


def test_locate_shows_the_full_decision(client):
    response = client.get("/api/v1/locate/", {"lat": 0.51, "lon": 101.44, "category": "drainase"})
    assert response.status_code == 200
    body = response.json()
    assert body["agency"]["code"] == "DPUPR"
    assert body["task_force"]["code"] == "DPUPR-DRAINASE-PUSAT"
    assert body["assignment_rule"] == "jurisdiction"
    assert client.get("/api/v1/locate/", {"lat": 0.51, "lon": 101.44, "category": "x"}).status_code == 400
