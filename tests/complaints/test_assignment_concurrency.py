"""Automatic assignment under parallel intake over real HTTP (multi-process gunicorn): complaints
arriving together still take turns, because the task force's row is locked while one is given out."""

from collections import Counter

import pytest

from boundaries.models import AutoAssign, TaskForce
from complaints.models import Complaint, ComplaintEvent, EventKind, Role
from tests.complaints.test_concurrency import fire_together, server  # noqa: F401 (a fixture)
from tests.conftest import complaint_body
from tests.servers import call

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
PARALLEL = 20


def test_parallel_complaints_are_shared_in_turn(server, staff_user):  # noqa: F811
    for name in ("ani", "budi"):
        staff_user(name, Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    TaskForce.objects.filter(code="DLHK-TENGAH").update(auto_assign=AutoAssign.ROUND_ROBIN)

    def send(n):
        return call(server.port, "POST", "/api/v1/complaints/", complaint_body(description=f"Paralel {n}."), {})

    answers = fire_together(list(range(PARALLEL)), send)
    assert Counter(a.status for a in answers) == {201: PARALLEL}, server.log_tail()
    given = Counter(Complaint.objects.values_list("assigned_to__username", flat=True))
    assert given == {"ani": PARALLEL // 2, "budi": PARALLEL // 2}
    assert ComplaintEvent.objects.filter(kind=EventKind.ASSIGNED).count() == PARALLEL
    TaskForce.objects.filter(code="DLHK-TENGAH").update(auto_assign=AutoAssign.OFF)
