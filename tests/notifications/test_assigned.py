"""The officer a complaint is assigned to hears of it: decided in the assignment's transaction, sent
by the real worker to the SMTP stand-in; the whole task force is not told again, and an officer who
takes a complaint themselves is not told what they did."""

import pytest
from django.test import Client

from boundaries.models import AutoAssign, TaskForce
from complaints.models import Role
from notifications.models import Delivery, DeliveryStatus, Kind
from tests.notifications.test_email import file
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def officers(staff_user):
    made = {}
    for name in ("ani", "budi"):
        user = staff_user(name, Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
        user.email = f"{name}@dlhk.pekanbaru.go.id"
        user.save()
        made[name] = user
    made["supervisor"] = staff_user("supervisor.dlhk", Role.SUPERVISOR, agency="DLHK")
    return made


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_assigned_officer_gets_an_email(worker, smtp, post_complaint, officers):
    complaint = file(post_complaint, notify=False)
    drain()
    smtp.wait_for(3)  # the receipt, and the task force's two members: their inbox
    smtp.clear()

    answer = signed_in(officers["supervisor"]).post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/assign/",
        {"officer": "budi", "version": 1},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    drain()
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "budi@dlhk.pekanbaru.go.id"
    assert complaint.tracking_code in mail["Subject"] and "ditugaskan" in mail["Subject"]
    assert complaint.tracking_code in mail.get_body(("plain",)).get_content()
    [delivery] = Delivery.objects.filter(kind=Kind.ASSIGNED)
    assert delivery.status == DeliveryStatus.SENT and delivery.user == officers["budi"]

    # Ani takes another one herself: nobody needs telling.
    other = file(post_complaint, notify=False)
    assert (
        signed_in(officers["ani"])
        .post(
            f"/api/v1/staff/complaints/{other.tracking_code}/assign/",
            {"officer": "ani"},
            content_type="application/json",
        )
        .status_code
        == 200
    )
    assert not Delivery.objects.filter(kind=Kind.ASSIGNED, complaint=other).exists()


def test_an_automatic_assignment_tells_the_officer(worker, smtp, post_complaint, officers):
    TaskForce.objects.filter(code="DLHK-TENGAH").update(auto_assign=AutoAssign.ROUND_ROBIN)
    complaint = file(post_complaint, notify=False)
    drain()
    [assigned] = Delivery.objects.filter(kind=Kind.ASSIGNED, complaint=complaint)
    assert assigned.user == officers["ani"] and assigned.status == DeliveryStatus.SENT
    TaskForce.objects.filter(code="DLHK-TENGAH").update(auto_assign=AutoAssign.OFF)
