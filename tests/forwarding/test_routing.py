"""Routing with assets and bodies outside the city (docs/rules.md, routing rule 3): the asset's owner
first (a PLN pole goes to PLN), then the external rules' areas, then the city's jurisdictions."""

import io

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import AssignmentRule, Category, Complaint, Status
from complaints.routing import route_complaint
from forwarding.models import ExternalBody, ExternalRoute, Forwarding
from geo.spatial import WGS84
from tests.assets.conftest import on_asset

pytestmark = pytest.mark.django_db
# On the example provincial corridor of fixtures/kecamatan/external_bodies.json (Jl. Kaharuddin Nasution).
ON_PROVINCIAL_ROAD = Point(101.45375, 0.4510, srid=WGS84)


@pytest.fixture
def bodies(db):
    call_command("load_external_bodies", stdout=io.StringIO())
    return {b.code: b for b in ExternalBody.objects.all()}


def filed(post_complaint, body) -> Complaint:
    response = post_complaint(body)
    assert response.status_code == 201, response.content
    return Complaint.objects.get(tracking_code=response.json()["id"])


def test_one_complaint_asks_for_the_outside_rules_once(bodies):
    """In a city with outside rules, a pin that none of them takes costs one lookup of them."""
    category = Category.objects.get(code="sampah")
    with CaptureQueriesContext(connection) as queries:
        route = route_complaint(Point(101.4478, 0.5071, srid=WGS84), category)
    assert route.external_body is None and route.rule == AssignmentRule.JURISDICTION
    assert sum(ExternalRoute._meta.db_table in q["sql"] for q in queries) == 1


def test_a_pln_pole_goes_to_pln_and_is_forwarded(post_complaint, pole, bodies):
    complaint = filed(post_complaint, on_asset(pole("PJU-PLN", owner="PLN")))
    assert complaint.assignment_rule == AssignmentRule.EXTERNAL
    assert complaint.external_body == bodies["PLN"] and complaint.agency is None and complaint.task_force is None
    assert complaint.status == Status.DITERUSKAN and complaint.closed_at is not None
    assert "PT PLN (Persero)" in complaint.routing_reason
    forwarding = Forwarding.objects.get(complaint=complaint)
    assert forwarding.reference == f"PEKA-{complaint.tracking_code}" and forwarding.status == "pending"
    assert [e.to_status for e in complaint.events.order_by("id")] == [Status.BARU, Status.DITERUSKAN]
    assert not complaint.is_overdue


def test_the_same_category_without_an_owner_stays_with_the_city(post_complaint, pole, bodies):
    complaint = filed(post_complaint, on_asset(pole("PJU-KOTA")))
    assert (complaint.agency.code, complaint.task_force.code) == ("DPUPR", "DPUPR-PJU")
    assert complaint.assignment_rule == AssignmentRule.JURISDICTION and complaint.status == Status.BARU
    assert not Forwarding.objects.exists()


def test_an_owner_that_is_a_city_agency_takes_it_before_the_polygons(post_complaint, pole, bodies):
    # A TPS the file says DPUPR keeps: DPUPR, not the DLHK task force whose zone it lies in.
    complaint = filed(post_complaint, {**on_asset(pole("TPS-X", kind="tps", owner="DPUPR")), "category": "sampah"})
    assert complaint.assignment_rule == AssignmentRule.ASSET_OWNER
    assert complaint.agency.code == "DPUPR" and complaint.task_force is None
    assert "DPUPR" in complaint.routing_reason


def test_an_owner_rule_limited_to_categories_applies_only_to_them(pole, bodies):
    # PLN's rule takes street-light complaints on its poles; any other category stays in the city.
    route = route_complaint(
        pole("PJU-PLN", owner="PLN").location, Category.objects.get(code="jalan-rusak"), owner="PLN"
    )
    assert route.external_body is None and route.agency.code == "DPUPR"


def test_a_provincial_road_goes_to_the_province_by_its_area(bodies):
    road = Category.objects.get(code="jalan-rusak")
    route = route_complaint(ON_PROVINCIAL_ROAD, road)
    assert route.rule == AssignmentRule.EXTERNAL and route.external_body.code == "PROV-RIAU"
    # A little way off the corridor: the city's road task force.
    assert route_complaint(Point(101.4638, 0.4510, srid=WGS84), road).external_body is None
    # Another category on the corridor: the city.
    assert route_complaint(ON_PROVINCIAL_ROAD, Category.objects.get(code="sampah")).external_body is None


def test_without_external_rules_nothing_changes(pole):
    route = route_complaint(
        pole("PJU-PLN", owner="PLN").location, Category.objects.get(code="lampu-jalan"), owner="PLN"
    )
    assert route.rule == AssignmentRule.JURISDICTION and route.agency.code == "DPUPR"


def test_loading_the_bodies_twice_changes_nothing(bodies):
    before = {(r.code, r.body_id, tuple(r.categories), r.owner) for b in bodies.values() for r in b.routes.all()}
    call_command("load_external_bodies", stdout=io.StringIO())
    after = {
        (r.code, r.body_id, tuple(r.categories), r.owner) for b in ExternalBody.objects.all() for r in b.routes.all()
    }
    assert before == after and len(after) == 3


def test_staff_forward_by_hand_and_record_the_reply(client, file_complaint, bodies, staff_user):
    from complaints.models import Role

    complaint = file_complaint(category="lampu-jalan")
    client.force_login(staff_user("pju", Role.SUPERVISOR, agency="DPUPR"))
    url = f"/api/v1/staff/complaints/{complaint.tracking_code}/forward/"
    response = client.post(url, {"body": "SP4N-LAPOR", "note": "Kewenangan nasional."}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["body"] == "SP4N-LAPOR"
    complaint.refresh_from_db()
    assert complaint.status == Status.DITERUSKAN and complaint.agency.code == "DPUPR"  # still theirs to follow
    assert client.post(url, {"body": "PLN"}, content_type="application/json").status_code == 409
    assert (
        client.post(
            url.replace(complaint.tracking_code, "X"), {"body": "PLN"}, content_type="application/json"
        ).status_code
        == 404
    )
    reference = complaint.forwarding.reference
    reply = client.post(
        f"/api/v1/staff/forwardings/{reference}/reply/",
        {"external_ref": "LAPOR-123", "reply": "Diterima."},
        content_type="application/json",
    )
    assert reply.status_code == 200 and reply.json()["external_ref"] == "LAPOR-123"
    blank = client.post(
        f"/api/v1/staff/forwardings/{reference}/reply/", {"external_ref": " "}, content_type="application/json"
    )
    assert blank.status_code == 400
    # The tracking page shows the body and its reference.
    page = client.get(f"/lacak/{complaint.tracking_code}/").content.decode()
    assert "Diteruskan ke SP4N-LAPOR!" in page and "LAPOR-123" in page


def test_rerouting_leaves_what_the_assets_owner_decided(post_complaint, pole, bodies):
    from complaints.rerouting import complaints_reroute

    complaint = filed(post_complaint, {**on_asset(pole("TPS-Y", kind="tps", owner="DPUPR")), "category": "sampah"})
    report = complaints_reroute(commit=True)
    complaint.refresh_from_db()
    assert complaint.agency.code == "DPUPR" and complaint.assignment_rule == AssignmentRule.ASSET_OWNER
    assert report.checked == 0
