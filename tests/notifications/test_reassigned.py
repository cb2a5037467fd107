"""A complaint `manage.py reroute` hands to another agency: its reporter, who asked for updates, hears
of it in the same transaction as the move, and so do the members of the task force whose inbox it
enters."""

import io

import pytest
from django.core import mail
from django.core.management import call_command

from boundaries.models import Agency, Jurisdiction, TaskForce
from boundaries.services import jurisdiction_save, kecamatan_union
from complaints.models import Role
from notifications import sending
from notifications.models import Delivery, DeliveryStatus, Kind
from tests.notifications.test_email import file

pytestmark = pytest.mark.django_db


def test_the_reporter_hears_of_a_new_agency(post_complaint):
    told = file(post_complaint, email="diberitahu@contoh.id")
    silent = file(post_complaint, email="diam@contoh.id", notify=False)
    assert told.agency.code == "DLHK"
    dpupr = Agency.objects.get(code="DPUPR")
    squad = TaskForce.objects.create(agency=dpupr, code="DPUPR-SUKAJADI", name="Satgas Sukajadi")
    jurisdiction_save(
        Jurisdiction(code="DPUPR-SAMPAH", agency=dpupr, task_force=squad, categories=["sampah"],
                     area=kecamatan_union(["14.71.01"]), priority=50)
    )
    call_command("reroute", "--commit", stdout=io.StringIO())
    told.refresh_from_db()
    assert told.agency.code == "DPUPR"
    [delivery] = Delivery.objects.filter(kind=Kind.REASSIGNED)
    assert delivery.complaint == told
    assert not Delivery.objects.filter(complaint=silent, kind=Kind.REASSIGNED).exists()

    assert sending.deliver(delivery.id) == DeliveryStatus.SENT
    [message] = [m for m in mail.outbox if "dialihkan" in m.subject]
    assert message.to == ["diberitahu@contoh.id"] and dpupr.name in message.body
    call_command("reroute", "--commit", stdout=io.StringIO())  # nothing moves: nothing more to say
    assert Delivery.objects.filter(kind=Kind.REASSIGNED).count() == 1


def test_the_receiving_task_force_hears_of_a_moved_complaint(post_complaint, staff_user):
    complaint = file(post_complaint, email="warga@contoh.id", notify=False)
    dpupr = Agency.objects.get(code="DPUPR")
    squad = TaskForce.objects.create(agency=dpupr, code="DPUPR-SUKAJADI", name="Satgas Sukajadi")
    member = staff_user("petugas", Role.SATGAS, agency="DPUPR", task_forces=["DPUPR-SUKAJADI"])
    member.email = "petugas@dpupr.id"
    member.save()
    before = staff_user("lama", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    jurisdiction_save(
        Jurisdiction(code="DPUPR-SAMPAH", agency=dpupr, task_force=squad, categories=["sampah"],
                     area=kecamatan_union(["14.71.01"]), priority=50)
    )
    call_command("reroute", "--commit", stdout=io.StringIO())
    [delivery] = Delivery.objects.filter(kind=Kind.INBOX, cause__startswith="rerouted:")
    assert (delivery.complaint, delivery.user) == (complaint, member)
    assert not Delivery.objects.filter(cause__startswith="rerouted:", user=before).exists()
    # The reporter did not ask for updates: the move is not theirs to hear of.
    assert not Delivery.objects.filter(complaint=complaint, kind=Kind.REASSIGNED).exists()

    assert sending.deliver(delivery.id) == DeliveryStatus.SENT
    [message] = [m for m in mail.outbox if m.to == ["petugas@dpupr.id"]]
    assert complaint.tracking_code in message.subject + message.body
