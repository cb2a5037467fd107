"""manage.py reroute after a jurisdiction change: dry run reports, --commit moves open complaints only."""

import io

import pytest
from django.core.management import call_command

from boundaries.models import Agency, Jurisdiction, TaskForce
from boundaries.services import jurisdiction_save, kecamatan_union
from complaints.models import Complaint, Status

pytestmark = pytest.mark.django_db
SUKAJADI = (101.44, 0.51)


def reroute(*args) -> str:
    out = io.StringIO()
    call_command("reroute", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def filed(file_complaint):
    open_one = file_complaint(*SUKAJADI, category="sampah")
    closed_one = file_complaint(*SUKAJADI, category="sampah")
    Complaint.objects.filter(pk=closed_one.pk).update(status=Status.SELESAI)
    elsewhere = file_complaint(101.4445, 0.4608, category="sampah")
    return open_one, closed_one, elsewhere


@pytest.fixture
def sukajadi_squad():
    """A new, higher-priority DLHK jurisdiction over Sukajadi for garbage."""
    dlhk = Agency.objects.get(code="DLHK")
    squad = TaskForce.objects.create(agency=dlhk, code="DLHK-SUKAJADI", name="Satgas Sukajadi")
    return jurisdiction_save(
        Jurisdiction(
            code="DLHK-SUKAJADI",
            agency=dlhk,
            task_force=squad,
            categories=["sampah"],
            area=kecamatan_union(["14.71.01"]),
            priority=20,
        )
    )


def test_nothing_moves_when_nothing_changed(filed):
    assert "re-routed: 0" in reroute("--commit")


def test_dry_run_reports_moves_and_writes_nothing(filed, sukajadi_squad):
    open_one = filed[0]
    output = reroute()
    assert "would re-route (dry run, nothing written): 1" in output
    assert "jurisdiction: DLHK-TENGAH → DLHK-SUKAJADI: 1" in output
    open_one.refresh_from_db()
    assert open_one.task_force.code == "DLHK-TENGAH"
    assert not open_one.events.filter(kind="rerouted").exists()


def test_commit_moves_open_complaints_only(filed, sukajadi_squad):
    open_one, closed_one, elsewhere = filed
    assert "re-routed: 1" in reroute("--commit")
    for complaint in filed:
        complaint.refresh_from_db()
    assert open_one.task_force.code == "DLHK-SUKAJADI"
    assert open_one.version == 2
    assert "DLHK-SUKAJADI" in open_one.routing_reason
    assert open_one.events.filter(kind="rerouted", public=False).count() == 1
    assert closed_one.task_force.code == "DLHK-TENGAH"
    assert elsewhere.task_force.code == "DLHK-BARAT-DAYA"
    assert "re-routed: 0" in reroute("--commit")


def test_a_task_force_chosen_by_hand_is_kept_while_the_jurisdiction_stands(filed):
    open_one = filed[0]
    Complaint.objects.filter(pk=open_one.pk).update(task_force=TaskForce.objects.get(code="DLHK-UTARA"))
    assert "re-routed: 0" in reroute("--commit")
    open_one.refresh_from_db()
    assert open_one.task_force.code == "DLHK-UTARA"


@pytest.mark.django_db(transaction=True)
def test_on_its_own_the_shares_are_routed_on_their_own_connections_and_moved_at_once(
    committed_city, file_complaint, monkeypatch
):
    from complaints import rerouting
    from tests.rollups.test_exact import differences

    moving = [file_complaint(*SUKAJADI, category="sampah") for _ in range(5)]
    staying = file_complaint(101.4445, 0.4608, category="sampah")
    dlhk = Agency.objects.get(code="DLHK")
    squad = TaskForce.objects.create(agency=dlhk, code="DLHK-SUKAJADI", name="Satgas Sukajadi")
    jurisdiction_save(
        Jurisdiction(
            code="DLHK-SUKAJADI",
            agency=dlhk,
            task_force=squad,
            categories=["sampah"],
            area=kecamatan_union(["14.71.01"]),
            priority=20,
        )
    )
    shares = []
    route_share = rerouting._route_share
    monkeypatch.setattr(rerouting, "_route_share", lambda *a: shares.append(a) or route_share(*a))
    report = rerouting.complaints_reroute(commit=True)
    assert sorted(shares) == [(0, 2), (1, 2)]
    assert report.checked == 6 and report.moved_complaints == 5
    assert {c.task_force.code for c in Complaint.objects.filter(pk__in=[m.pk for m in moving])} == {"DLHK-SUKAJADI"}
    assert Complaint.objects.get(pk=staying.pk).task_force.code != "DLHK-SUKAJADI"
    assert all(
        c.events.filter(kind="rerouted").count() == 1 for c in Complaint.objects.filter(pk__in=[m.pk for m in moving])
    )
    assert differences() == {}
