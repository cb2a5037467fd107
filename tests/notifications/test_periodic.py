"""The periodic tasks, called at a moment the test chooses (time is moved, never slept): the escalation
ladder on the working-days clock, and the "sudah beres?" question whose answer rates or reopens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint, Role, Status
from complaints.sla import due_at
from notifications import rules
from notifications.tasks import ask_if_fixed, escalate
from tests.notifications.test_email import WARGA, file, move
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)


def at(moment) -> int:
    return int(moment.timestamp())


def staff_with_email(staff_user, username, role, **kwargs):
    user = staff_user(username, role, **kwargs)
    user.email = f"{username}@pekanbaru.example"
    user.save()
    return user


def test_the_escalation_ladder(worker, smtp, post_complaint, staff_user):
    supervisor = staff_with_email(staff_user, "supervisor.dlhk", Role.SUPERVISOR, agency="DLHK")
    city = staff_with_email(staff_user, "admin.kota", Role.CITY_ADMIN)
    complaint = file(post_complaint, email="")
    sla = complaint.category.sla_working_days
    assert escalate(at(complaint.due_at - timedelta(minutes=1))) == 0
    assert escalate(at(complaint.due_at + timedelta(minutes=1))) == 1
    assert escalate(at(complaint.due_at + timedelta(minutes=6))) == 0  # once per level
    drain()
    [first] = smtp.wait_for(1)
    assert first["To"] == supervisor.email and "terlambat" in first["Subject"]
    twice = due_at(complaint.created_at, 2 * sla)  # 2× the SLA, in working days
    assert escalate(at(twice - timedelta(minutes=1))) == 0
    assert escalate(at(twice + timedelta(minutes=1))) == 1
    thrice = due_at(complaint.created_at, 3 * sla)
    assert escalate(at(thrice + timedelta(minutes=1))) == 1
    drain()
    mails = smtp.wait_for(3)
    assert [m["To"] for m in mails] == [supervisor.email, supervisor.email, city.email]


def test_worked_complaints_do_not_climb(worker, smtp, post_complaint, staff_user, admin_client):
    staff_with_email(staff_user, "supervisor.dlhk", Role.SUPERVISOR, agency="DLHK")
    complaint = file(post_complaint, email="")
    move(admin_client, complaint, Status.DIVERIFIKASI)
    move(admin_client, complaint, Status.DIKERJAKAN)
    assert escalate(at(complaint.due_at + timedelta(days=30))) == 0


def test_a_sensitive_complaint_never_reaches_the_city_admin(committed_city, staff_user):
    staff_with_email(staff_user, "supervisor.dp3a", Role.SUPERVISOR, agency="DP3A")
    staff_with_email(staff_user, "admin.kota", Role.CITY_ADMIN)
    sensitive = Complaint(category_id=_category("kdrt").id, agency=_category("kdrt").agency, private=True)
    assert {r.key for r in rules.escalation(sensitive, 3)} == {f"user:{_user('supervisor.dp3a').id}"}


def test_sudah_beres_no_reopens(worker, smtp, post_complaint, admin_client, client):
    complaint = _resolved_fortnight_ago(post_complaint, admin_client, smtp)
    assert ask_if_fixed(at(timezone.now())) == 1
    assert ask_if_fixed(at(timezone.now())) == 0  # once per resolution
    drain()
    [question] = smtp.wait_for(1)
    assert question["To"] == WARGA and "sudah beres?" in question["Subject"]
    no = _link(question, "Belum")
    assert client.get(no).status_code == 200
    client.post(no, {"reason": "Sampahnya masih menumpuk."})
    complaint.refresh_from_db()
    # The window counts from the question: a "no" reopens although resolution was 15 days ago.
    assert complaint.status == Status.BARU and complaint.reopen_count == 1


def test_sudah_beres_yes_rates(worker, smtp, post_complaint, admin_client, client):
    complaint = _resolved_fortnight_ago(post_complaint, admin_client, smtp)
    ask_if_fixed(at(timezone.now()))
    drain()
    [question] = smtp.wait_for(1)
    yes = _link(question, "Ya, sudah beres")
    assert client.post(yes, {"rating": "9"}).status_code == 302  # refused: the rating is 1–5
    complaint.refresh_from_db()
    assert complaint.rating is None
    client.post(yes, {"rating": "4", "comment": "Cepat."})
    complaint.refresh_from_db()
    assert complaint.rating == 4 and complaint.status == Status.SELESAI


def test_a_forged_answer_link_is_400(client):
    assert client.get("/notifikasi/beres/forged/").status_code == 400


def _resolved_fortnight_ago(post_complaint, admin_client, smtp) -> Complaint:
    complaint = file(post_complaint)
    for status in (Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI):
        move(admin_client, complaint, status)
    drain()
    smtp.wait_for(4)
    smtp.clear()
    # Time moved: resolved 15 days ago.
    Complaint.objects.filter(pk=complaint.pk).update(resolved_at=timezone.now() - timedelta(days=15))
    complaint.refresh_from_db()
    return complaint


def _link(mail, label: str) -> str:
    text = mail.get_body(("plain",)).get_content()
    line = next(line for line in text.splitlines() if line.startswith(label + ":"))
    url = line.split(": ", 1)[1].strip()
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _category(code):
    from complaints.models import Category

    return Category.objects.get(code=code)


def _user(username):
    from django.contrib.auth.models import User

    return User.objects.get(username=username)
