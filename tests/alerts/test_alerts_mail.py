"""Area alerts end to end: subscribed and confirmed over HTTP, complaints filed over HTTP, the alerts
decided by the job the filing queued and sent by the real worker to a real SMTP server on loopback."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Subscription
from alerts.tasks import send_digests
from complaints.models import Complaint
from notifications.models import Delivery, Kind
from tests.conftest import complaint_body
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)

FOLLOWER = "pengikut@contoh.id"
KAMPUNG_TENGAH = "14.71.01.1003"  # holds 101.44, 0.51
REPORTER = {"name": "Rahasia Pelapor", "email": "pelapor.rahasia@contoh.id", "phone": "081299887766"}


def subscribe(client, **body):
    response = client.post(
        "/api/v1/subscriptions/", json.dumps({"email": FOLLOWER, **body}), content_type="application/json"
    )
    assert response.status_code == 202, response.content
    return response


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def link(mail, path: str) -> str:
    return re.search(rf"https?://[^\s]+{re.escape(path)}[^\s]+", text_of(mail)).group(0)


def drain_all():
    drain(task_name="alerts.alert_followers")
    drain()


def file(client, lon=101.44, lat=0.51, category="sampah", description="Sampah menumpuk di depan pasar."):
    body = complaint_body(lon, lat, category=category, description=description, reporter=REPORTER)
    response = client.post("/api/v1/complaints/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return Complaint.objects.get(tracking_code=response.json()["id"])


def mails_to_follower(smtp, count: int):
    """The follower's mails, once ``count`` arrived (the reporter's receipts go elsewhere)."""
    import time

    deadline = time.monotonic() + 30
    while len(smtp.to(FOLLOWER)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return smtp.to(FOLLOWER)


def confirmed(client, smtp, **place):
    subscribe(client, **place)
    drain_all()
    [mail] = smtp.wait_for(1)
    assert client.get(link(mail, "/ikuti/konfirmasi/"), follow=True).status_code == 200
    smtp.clear()
    return Subscription.objects.get()


def test_nothing_but_the_confirmation_before_the_link_is_opened(worker, smtp, client):
    subscribe(client, kelurahan=KAMPUNG_TENGAH)
    drain_all()
    [mail] = smtp.wait_for(1)
    assert mail["To"] == FOLLOWER and "/ikuti/konfirmasi/" in text_of(mail)
    file(client)  # inside the area, but not confirmed yet
    drain_all()
    assert len(smtp.to(FOLLOWER)) == 1
    assert not Delivery.objects.filter(kind=Kind.ALERT).exists()


def test_after_confirming_one_alert_for_a_public_complaint_inside(worker, smtp, client):
    confirmed(client, smtp, kelurahan=KAMPUNG_TENGAH)
    inside = file(client)
    file(client, lon=101.45, lat=0.47)  # Maharatu, outside
    file(client, category="kdrt", description="RAHASIA-PRIVAT")  # sensitive, inside
    drain_all()
    [alert] = mails_to_follower(smtp, 1)
    text = text_of(alert)
    assert alert["To"] == FOLLOWER
    assert "Sampah" in text and "Kampung Tengah" in text and inside.description in text
    assert f"/lacak/{inside.tracking_code}/" in text and "?lat=0.510000&lon=101.440000" in text
    # Never who reported, never the reporter's private link.
    assert all(value not in alert.as_string() for value in (*REPORTER.values(), "6281299887766"))
    assert "#k=" not in text
    assert Delivery.objects.filter(kind=Kind.ALERT).count() == 1


def test_categories_narrow_what_a_subscription_hears(worker, smtp, client):
    confirmed(
        client, smtp, point={"type": "Point", "coordinates": [101.44, 0.51]}, radius_m=300, categories=["lampu-jalan"]
    )
    file(client, category="sampah")
    lamp = file(client, category="lampu-jalan", description="Lampu jalan mati.", lon=101.441, lat=0.511)
    drain_all()
    [alert] = mails_to_follower(smtp, 1)
    assert lamp.tracking_code in text_of(alert)


def test_the_unsubscribe_link_stops_alerts(worker, smtp, client):
    confirmed(client, smtp, kelurahan=KAMPUNG_TENGAH)
    file(client)
    drain_all()
    [alert] = mails_to_follower(smtp, 1)
    stop = alert["List-Unsubscribe"].strip().strip("<>")
    assert stop in text_of(alert) and alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert client.get(stop).status_code == 200 and Subscription.objects.exists()  # a GET only asks
    assert client.post(stop, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.exists()
    smtp.clear()
    file(client)
    drain_all()
    assert smtp.to(FOLLOWER) == []


def test_the_daily_digest_at_seven(worker, smtp, client):
    confirmed(client, smtp, kecamatan="14.71.01", frequency="daily")
    first = file(client)
    second = file(client, lon=101.441, lat=0.509, description="Tumpukan sampah kedua.")
    file(client, lon=101.45, lat=0.47)  # another kecamatan
    drain_all()
    assert smtp.to(FOLLOWER) == []  # a daily follower gets no instant alert
    seven = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    assert send_digests(int(seven.timestamp())) == 1
    assert send_digests(int(seven.timestamp())) == 0  # the same day twice: nothing more
    drain_all()
    [digest] = mails_to_follower(smtp, 1)
    text = text_of(digest)
    assert "2" in digest["Subject"]
    assert first.tracking_code in text and second.tracking_code in text
    assert text.index(first.tracking_code) < text.index(second.tracking_code)
    # The next day has nothing new: no digest.
    assert send_digests(int((seven + timedelta(days=1)).timestamp())) == 0
