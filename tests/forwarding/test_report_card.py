"""Forwarded complaints on the report card: counted apart, never resolved, not in the backlog."""

import io

import pytest
from django.core.management import call_command

from complaints.models import Status
from complaints.workflow import complaint_forward
from forwarding.models import ExternalBody
from hotspots.report_card import Period, report_card

pytestmark = pytest.mark.django_db


def test_forwarded_complaints_are_counted_apart(file_complaint):
    call_command("load_external_bodies", stdout=io.StringIO())
    pln = ExternalBody.objects.get(code="PLN")
    forwarded = [file_complaint(category="lampu-jalan") for _n in range(3)]
    kept = [file_complaint(category="lampu-jalan") for _n in range(2)]
    for complaint in forwarded:
        complaint_forward(complaint=complaint, body=pln)
    assert {c.status for c in kept} == {Status.BARU}
    now = forwarded[0].created_at
    card = report_card(Period(now.replace(hour=0), now.replace(hour=23, minute=59)))
    [row] = [r for r in card["category"] if r["code"] == "lampu-jalan"]
    assert (row["received"], row["forwarded"], row["resolved"], row["backlog"]) == (5, 3, 0, 2)
    assert row["within_sla"] is None  # nothing resolved: no share to show
