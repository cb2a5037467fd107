"""Past PEKA_NOTIFY_DIGEST_PER_HOUR new complaints in an hour, a task-force member gets one digest at
the end of the hour instead of one message each."""

import pytest
from django.core import mail
from django.db import connection

from complaints.models import Role
from notifications import sending
from notifications.models import Delivery, DeliveryStatus, Kind
from tests.notifications.test_email import file


@pytest.mark.django_db
def test_past_the_threshold_new_complaints_go_into_one_digest(post_complaint, staff_user, settings):
    settings.PEKA_NOTIFY_DIGEST_PER_HOUR = 2
    member = staff_user("satgas.sibuk", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    member.email = "sibuk@dlhk.example"
    member.save()
    complaints = [file(post_complaint, email="", notify=False) for _ in range(5)]
    assert Delivery.objects.filter(user=member, kind=Kind.INBOX).count() == 2
    digest = Delivery.objects.get(user=member, kind=Kind.DIGEST)
    assert digest.complaint_ids == [c.id for c in complaints[2:]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT scheduled_at FROM procrastinate_jobs WHERE args->>'delivery_id' = %s", [str(digest.id)]
        )
        [(scheduled_at,)] = cursor.fetchall()
    assert scheduled_at.minute == 0 and scheduled_at > digest.created_at  # at the end of the hour

    assert sending.deliver(digest.id) == DeliveryStatus.SENT
    [message] = mail.outbox
    assert message.to == ["sibuk@dlhk.example"] and "3 laporan baru" in message.subject
    assert all(c.tracking_code in message.body for c in complaints[2:])
