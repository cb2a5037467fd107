"""Assignment to an officer through the staff API: supervisors assign and reassign (one or many),
officers take one ("Ambil"); stale versions, outsiders and officers assigning others are refused; the
list filters by who has it; task forces assign automatically in turn or by patrol area."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.test import Client

from boundaries.models import AutoAssign, TaskForce
from complaints.models import ComplaintEvent, EventKind, Role, StaffRole, Status
from complaints.workflow import complaint_transition
from geo.spatial import WGS84

pytestmark = pytest.mark.django_db

SUKAJADI = (101.44, 0.51)  # sampah: DLHK-TENGAH
AIRPORT = (101.4445, 0.4608)  # sampah: DLHK-BARAT-DAYA


@pytest.fixture
def people(staff_user):
    return {
        "supervisor": staff_user("supervisor.dlhk", Role.SUPERVISOR, agency="DLHK"),
        "ani": staff_user("ani", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"]),
        "budi": staff_user("budi", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"]),
        "outsider": staff_user("citra", Role.SATGAS, agency="DLHK", task_forces=["DLHK-BARAT-DAYA"]),
    }


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assign(client, complaint, officer, version=None):
    body = {"officer": officer, **({"version": version} if version is not None else {})}
    return client.post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/assign/", body, content_type="application/json"
    )


def test_a_supervisor_assigns_and_reassigns_with_an_event_each(people, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    assert complaint.assigned_to is None and complaint.task_force.code == "DLHK-TENGAH"
    supervisor = client_of(people["supervisor"])

    answer = assign(supervisor, complaint, "ani", version=complaint.version)
    assert answer.status_code == 200, answer.content
    assert answer.json()["properties"]["assigned_to"] == "ani"
    assert answer.json()["properties"]["version"] == complaint.version + 1

    answer = assign(supervisor, complaint, "budi", version=complaint.version + 1)
    assert answer.status_code == 200, answer.content
    complaint.refresh_from_db()
    assert complaint.assigned_to == people["budi"]
    events = list(ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.ASSIGNED).order_by("id"))
    assert [(e.assignee_before, e.assignee, e.actor) for e in events] == [
        (None, people["ani"], people["supervisor"]),
        (people["ani"], people["budi"], people["supervisor"]),
    ]
    assert not any(e.public for e in events)
    # The staff detail shows the history with the officer.
    detail = supervisor.get(f"/api/v1/staff/complaints/{complaint.tracking_code}/").json()
    assert [e["assignee"] for e in detail["properties"]["events"] if e["kind"] == "assigned"] == ["ani", "budi"]


def test_an_officer_takes_one_and_gives_it_back_but_assigns_no_one_else(people, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    ani, budi = client_of(people["ani"]), client_of(people["budi"])

    assert assign(ani, complaint, "budi").status_code == 403  # someone else: a supervisor's job
    assert assign(ani, complaint, "ani").status_code == 200  # "Ambil"
    answer = assign(budi, complaint, "budi")  # it is Ani's now
    assert answer.status_code == 403 and answer.json()["detail"]
    assert assign(budi, complaint, None).status_code == 403
    complaint.refresh_from_db()
    assert complaint.assigned_to == people["ani"]

    assert assign(ani, complaint, None).status_code == 200  # back to the whole task force
    complaint.refresh_from_db()
    assert complaint.assigned_to is None
    assert assign(budi, complaint, "budi").status_code == 200


def test_a_stale_version_is_a_409_and_changes_nothing(people, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    supervisor = client_of(people["supervisor"])
    assert assign(supervisor, complaint, "ani", version=complaint.version).status_code == 200
    answer = assign(supervisor, complaint, "budi", version=complaint.version)  # the version before Ani
    assert answer.status_code == 409
    assert "1" in answer.json()["detail"] and "2" in answer.json()["detail"]  # the version seen, and now
    complaint.refresh_from_db()
    assert complaint.assigned_to == people["ani"]
    assert ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.ASSIGNED).count() == 1


def test_an_officer_outside_the_task_force_is_a_400(people, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    supervisor = client_of(people["supervisor"])
    answer = assign(supervisor, complaint, "citra")
    assert answer.status_code == 400
    assert "DLHK-TENGAH" in answer.json()["officer"][0]
    answer = assign(supervisor, complaint, "tidak.ada")
    assert answer.status_code == 400 and "tidak.ada" in answer.json()["officer"][0]
    complaint.refresh_from_db()
    assert complaint.assigned_to is None and complaint.version == 1


def test_a_closed_complaint_is_not_assigned(people, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    complaint_transition(complaint=complaint, actor=people["supervisor"], to_status=Status.DITOLAK, note="bukan sampah")
    assert assign(client_of(people["supervisor"]), complaint, "ani").status_code == 409


def test_bulk_assignment_is_all_or_nothing(people, file_complaint):
    first, second, third = (file_complaint(*SUKAJADI) for _ in range(3))
    supervisor = client_of(people["supervisor"])
    url = "/api/v1/staff/complaints/assign/"

    body = {"officer": "ani", "complaints": [{"code": c.tracking_code, "version": c.version} for c in (first, second)]}
    answer = supervisor.post(url, body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert {f["properties"]["assigned_to"] for f in answer.json()["features"]} == {"ani"}
    assert len(answer.json()["features"]) == 2

    # One stale version among them (first is at version 2 now): nothing moves.
    body = {
        "officer": "budi",
        "complaints": [{"code": third.tracking_code, "version": 1}, {"code": first.tracking_code, "version": 1}],
    }
    assert supervisor.post(url, body, content_type="application/json").status_code == 409
    third.refresh_from_db()
    first.refresh_from_db()
    assert third.assigned_to is None and first.assigned_to == people["ani"]

    assert (
        supervisor.post(url, {"officer": "ani", "complaints": []}, content_type="application/json").status_code == 400
    )


def test_the_list_filters_by_who_has_it(people, file_complaint):
    mine, budis, nobodys = (file_complaint(*SUKAJADI) for _ in range(3))
    supervisor = client_of(people["supervisor"])
    assign(supervisor, mine, "ani")
    assign(supervisor, budis, "budi")
    ani = client_of(people["ani"])

    def listed(client, assigned):
        answer = client.get("/api/v1/staff/complaints/", {"assigned": assigned})
        assert answer.status_code == 200, answer.content
        return {f["id"] for f in answer.json()["features"]}

    assert listed(ani, "me") == {mine.tracking_code}
    assert listed(ani, "none") == {nobodys.tracking_code}
    assert listed(ani, "budi") == {budis.tracking_code}
    assert listed(supervisor, "me") == set()
    features = ani.get("/api/v1/staff/complaints/").json()["features"]
    assert {f["id"]: f["properties"]["assigned_to"] for f in features} == {
        mine.tracking_code: "ani",
        budis.tracking_code: "budi",
        nobodys.tracking_code: None,
    }


def test_round_robin_among_officers_on_duty(people, staff_user, file_complaint):
    TaskForce.objects.filter(code="DLHK-TENGAH").update(auto_assign=AutoAssign.ROUND_ROBIN)
    resting = staff_user("dedi", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    StaffRole.objects.filter(user=resting).update(on_duty=False)
    given = [file_complaint(*SUKAJADI).assigned_to for _ in range(4)]
    assert [u.username for u in given] == ["ani", "budi", "ani", "budi"]
    # Each was an event without an actor, naming the officer.
    events = ComplaintEvent.objects.filter(kind=EventKind.ASSIGNED, complaint__task_force__code="DLHK-TENGAH")
    assert events.count() == 4 and not events.exclude(actor=None).exists()
    # Another task force's complaint is not assigned by this one's rule.
    assert file_complaint(*AIRPORT).assigned_to is None


def box(lon, lat, half=0.002) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((lon - half, lat - half, lon + half, lat + half)), srid=WGS84)


def test_the_officer_whose_patrol_area_covers_the_point(people, file_complaint):
    TaskForce.objects.filter(code="DLHK-TENGAH").update(auto_assign=AutoAssign.AREA)
    StaffRole.objects.filter(user=people["budi"]).update(area=box(*SUKAJADI))
    StaffRole.objects.filter(user=people["ani"]).update(area=box(*SUKAJADI, half=0.01))  # larger, also covering
    inside = [file_complaint(*SUKAJADI) for _ in range(2)]
    assert [c.assigned_to.username for c in inside] == ["budi", "budi"]  # the smallest area covering it
    # Outside every patrol area: in turn (Ani was never given one, Budi was).
    elsewhere = file_complaint(101.455, 0.515)
    assert elsewhere.task_force.code == "DLHK-TENGAH"
    assert elsewhere.assigned_to.username == "ani"


def test_a_hand_over_to_another_task_force_drops_the_officer(people, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    supervisor = client_of(people["supervisor"])
    assign(supervisor, complaint, "ani")
    answer = supervisor.post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/reassign/",
        {"task_force": "DLHK-BARAT-DAYA"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["properties"]["assigned_to"] is None


def test_an_officers_patrol_area_is_drawn_in_the_admin_and_assigns(people, staff_user, file_complaint):
    admin = client_of(staff_user("admin.peta", Role.CITY_ADMIN, is_staff=True))
    role = StaffRole.objects.get(user=people["ani"])
    page = admin.get(f"/admin/complaints/staffrole/{role.pk}/change/").content.decode()
    assert "/static/vendor/ol/ol.js" in page and 'id="id_area_map"' in page  # the map widget
    response = admin.post(
        f"/admin/complaints/staffrole/{role.pk}/change/",
        {
            "user": people["ani"].pk,
            "role": Role.SATGAS,
            "agency": role.agency_id,
            "task_forces": [t.pk for t in role.task_forces.all()],
            "on_duty": "on",
            "area": box(*SUKAJADI).transform(3857, clone=True).json,  # as the map widget sends it
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    role.refresh_from_db()
    assert role.area.srid == WGS84 and role.area.covers(box(*SUKAJADI, half=0.001))
    TaskForce.objects.filter(code="DLHK-TENGAH").update(auto_assign=AutoAssign.AREA)
    assert file_complaint(*SUKAJADI).assigned_to == people["ani"]
