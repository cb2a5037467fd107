"""Web Push end to end: a browser's subscription posted through the API, the worker's message encrypted
per RFC 8291 and signed per RFC 8292, posted to a local push service that verifies and decrypts it."""

import time
from datetime import timedelta

import pytest

from complaints.models import Complaint, Role, Status
from notifications.models import Channel, PushSubscription, StaffPreference
from tests.notifications.test_email import file, move
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)


def subscribe(client, complaint, subscription, *, key=True):
    body = {**subscription, **({"reporter_key": complaint.reporter_key} if key else {})} if isinstance(subscription, dict) else subscription
    return client.post(f"/api/v1/complaints/{complaint.tracking_code}/push/", body, content_type="application/json")


def wait_for(pushes, count, timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and len(pushes.received) < count:
        time.sleep(0.05)
    assert len(pushes.received) >= count, pushes.refused
    return pushes.received


def test_kabari_saya_di_perangkat_ini(worker, pushes, post_complaint, admin_client, client):
    complaint = file(post_complaint, email="", notify=False)
    subscription = pushes.subscribe()
    assert subscribe(client, complaint, subscription).status_code == 201
    move(admin_client, complaint, Status.DIVERIFIKASI)
    drain()
    [push] = wait_for(pushes, 1)
    assert pushes.refused == []
    assert complaint.tracking_code in push["payload"]["title"]
    # The reporter's own page: the private link with the reporter key the filing gave.
    assert push["payload"]["url"].endswith(f"/lacak/{complaint.tracking_code}/#k={complaint.reporter_key}")
    assert push["claims"]["sub"].startswith("mailto:")


def test_a_gone_subscription_is_forgotten(worker, pushes, post_complaint, admin_client, client):
    complaint = file(post_complaint, email="", notify=False)
    subscription = pushes.subscribe()
    subscribe(client, complaint, subscription)
    pushes.gone.add(subscription["endpoint"].rsplit("/", 1)[-1])
    move(admin_client, complaint, Status.DIVERIFIKASI)
    drain()
    assert not PushSubscription.objects.filter(endpoint=subscription["endpoint"]).exists()


def test_staff_get_pushes_for_their_inbox(worker, pushes, post_complaint, staff_user, client):
    member = staff_user("satgas.push", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    client.force_login(member)
    assert client.post("/api/v1/staff/push/", pushes.subscribe(), content_type="application/json").status_code == 201
    assert Channel.WEBPUSH in StaffPreference.objects.get(user=member).channels
    complaint = file(post_complaint, email="", notify=False)
    drain()
    [push] = wait_for(pushes, 1)
    assert complaint.tracking_code in push["payload"]["title"] and push["payload"]["url"].endswith("/satgas/")


@pytest.mark.parametrize(
    "change, expect",
    [
        (lambda s: {**s, "endpoint": s["endpoint"].replace("http:", "ftp:")}, 400),
        (lambda s: {**s, "keys": {"p256dh": "short", "auth": s["keys"]["auth"]}}, 400),
        (lambda s: {**s, "extra": 1}, 400),
        (lambda s: [s], 400),
    ],
)
def test_bad_subscriptions_are_400(committed_city, pushes, post_complaint, client, change, expect):
    complaint = file(post_complaint, email="", notify=False)
    answer = subscribe(client, complaint, change(pushes.subscribe()))
    assert answer.status_code == expect and answer.json()


def test_https_is_required_in_production(committed_city, push_service, post_complaint, client, settings):
    settings.PEKA_PUSH_ALLOW_HTTP = False
    complaint = file(post_complaint, email="", notify=False)
    assert subscribe(client, complaint, push_service.subscribe()).status_code == 400


def test_only_the_reporter_asks_for_a_complaints_news_on_a_device(committed_city, pushes, post_complaint, client):
    complaint = file(post_complaint, email="", notify=False)
    assert subscribe(client, complaint, pushes.subscribe(), key=False).status_code == 403
    private = file(post_complaint, email="", notify=False, category="kdrt")
    assert subscribe(client, private, pushes.subscribe(), key=False).status_code == 404
    unknown = Complaint(tracking_code="PKU-0000-0000")
    unknown.reporter_key = complaint.reporter_key
    assert subscribe(client, unknown, pushes.subscribe()).status_code == 404
    assert PushSubscription.objects.count() == 0
    Complaint.objects.filter(pk=complaint.pk).update(created_at=complaint.created_at - timedelta(days=3))
    assert subscribe(client, complaint, pushes.subscribe()).status_code == 201  # the key, not the clock


def test_staff_push_needs_a_staff_member(committed_city, pushes, client, django_user_model):
    assert client.post("/api/v1/staff/push/", pushes.subscribe(), content_type="application/json").status_code in (401, 403)
    client.force_login(django_user_model.objects.create_user("warga.biasa"))
    assert client.post("/api/v1/staff/push/", pushes.subscribe(), content_type="application/json").status_code == 403


def test_the_service_worker_is_served_from_our_origin(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/javascript")
    assert answer["Service-Worker-Allowed"] == "/" and b"showNotification" in answer.content
    key = client.get("/api/v1/push/key/").json()["public_key"]
    assert len(key) == 87  # an uncompressed P-256 point, base64url
