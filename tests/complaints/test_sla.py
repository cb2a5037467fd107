"""Due times in Indonesian working days, on the Asia/Jakarta calendar."""

from datetime import UTC, datetime, timedelta

import pytest

from complaints.models import Complaint
from complaints.sla import PEKANBARU, due_at


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=PEKANBARU)


@pytest.mark.parametrize(
    ("created", "days", "due"),
    [
        (wib(2026, 11, 25, 9, 0), 1, wib(2026, 11, 26, 9, 0)),  # Wednesday → Thursday
        (wib(2026, 11, 27, 15, 0), 1, wib(2026, 11, 30, 15, 0)),  # Friday → Monday, over the weekend
        (wib(2026, 11, 28, 10, 0), 1, wib(2026, 11, 30, 10, 0)),  # filed on a Saturday → Monday
        (wib(2026, 11, 27, 15, 0), 5, wib(2026, 12, 4, 15, 0)),  # a whole working week
        (wib(2026, 8, 14, 15, 0), 1, wib(2026, 8, 18, 15, 0)),  # Monday 17 August is Independence Day
        (wib(2026, 12, 24, 8, 0), 1, wib(2026, 12, 28, 8, 0)),  # Christmas on Friday, then the weekend
        (wib(2026, 3, 18, 12, 0), 2, wib(2026, 3, 23, 12, 0)),  # Nyepi (Thu 19 March), Friday, then Eid weekend
        (
            datetime(2026, 11, 27, 20, 0, tzinfo=UTC),
            1,
            wib(2026, 11, 30, 3, 0),
        ),  # Friday 20:00 UTC is Saturday in Pekanbaru
    ],
)
def test_due_time_counts_working_days(created, days, due):
    assert due_at(created, days) == due


@pytest.mark.django_db
def test_overdue_is_open_and_past_due(file_complaint):
    late = file_complaint()
    Complaint.objects.filter(pk=late.pk).update(due_at=late.created_at - timedelta(hours=1))
    on_time = file_complaint()
    closed_late = file_complaint()
    Complaint.objects.filter(pk=closed_late.pk).update(due_at=late.created_at - timedelta(hours=1), status="selesai")
    overdue = set(Complaint.objects.overdue().values_list("pk", flat=True))
    assert late.pk in overdue
    assert on_time.pk not in overdue
    assert closed_late.pk not in overdue


@pytest.mark.django_db
def test_due_time_is_in_the_api_answer(post_complaint):
    from tests.conftest import complaint_body

    feature = post_complaint(complaint_body(category="lampu-jalan")).json()
    props = feature["properties"]
    complaint = Complaint.objects.get(tracking_code=feature["id"])
    assert datetime.fromisoformat(props["due_at"]) == complaint.due_at == due_at(complaint.created_at, 3)
    assert props["due_at"].endswith("+07:00")
