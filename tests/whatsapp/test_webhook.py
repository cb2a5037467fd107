"""The webhook's door: only a body signed with the app secret is taken; each message is stored once
and handed to a job, and nothing personal reaches the log or the job."""

import hashlib
import hmac
import json
import logging

import pytest
from django.db import connection

from tests.whatsapp.conftest import PHONE, SECRET, WEBHOOK, envelope, location, signed_post, text
from whatsapp.models import InboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs():
    """The WhatsApp jobs deferred during the test: (task name, its arguments)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
        [start] = cursor.fetchone()

    def deferred() -> list[tuple[str, dict]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT task_name, args FROM procrastinate_jobs WHERE id > %s AND task_name LIKE 'whatsapp.%%' ORDER BY id",
                [start],
            )
            return [(name, args if isinstance(args, dict) else json.loads(args)) for name, args in cursor.fetchall()]

    return deferred


def test_a_bad_or_missing_signature_is_refused_and_stores_nothing(client, line, jobs):
    body = envelope([text("Lampu jalan mati."), location(101.44, 0.51)])
    assert signed_post(client, body, secret="bukan-rahasianya").status_code == 403
    assert client.post(WEBHOOK, body, content_type="application/json").status_code == 403
    # The signature of the body as sent, on a body changed on the way.
    tampered = body.replace(b"Lampu", b"Lampa")
    good = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    refused = client.post(WEBHOOK, tampered, content_type="application/json", headers={"X-Hub-Signature-256": good})
    assert refused.status_code == 403
    assert not InboundMessage.objects.exists() and jobs() == []


def test_each_message_is_stored_once_with_a_job_of_ids(client, line, caplog, jobs):
    said = text("Sampah tidak diangkut di Jalan Melur.")
    body = envelope([said, location(101.44, 0.51)])
    with caplog.at_level(logging.INFO, logger="peka.whatsapp"):
        assert signed_post(client, body).status_code == 200
        assert signed_post(client, body).status_code == 200  # redelivered
    assert InboundMessage.objects.count() == 2
    stored = InboundMessage.objects.get(whatsapp_id=said["id"])
    assert stored.phone == "+" + PHONE and stored.kind == "text"
    assert [(name, set(args)) for name, args in jobs()] == [("whatsapp.handle", {"inbound_id"})] * 2
    logged = caplog.text
    assert PHONE not in logged and "Melur" not in logged


def test_the_verification_echoes_the_challenge(client, line):
    ok = client.get(WEBHOOK, {"hub.mode": "subscribe", "hub.verify_token": "token-verifikasi", "hub.challenge": "8213"})
    assert ok.status_code == 200 and ok.content == b"8213"
    assert (
        client.get(WEBHOOK, {"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}).status_code == 403
    )
