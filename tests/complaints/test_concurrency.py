"""Concurrency over real HTTP against a multi-process gunicorn on the test database: parallel intake
loses nothing and stores one complaint per Idempotency-Key; of racing staff transitions exactly one wins."""

import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from complaints.models import Complaint, ComplaintEvent, EventKind, Role, Status
from tests.conftest import complaint_body
from tests.servers import Gunicorn, call, database_url

pytestmark = pytest.mark.worker  # gunicorn in a subprocess
KEYS, REPEATS, UNKEYED = 40, 3, 80  # 40 keys × 3 requests + 80 without a key = 200 requests


@pytest.fixture
def server(committed_city):
    """gunicorn (3 processes × 8 threads) serving the committed test database."""
    gunicorn = Gunicorn(database_url(connection.settings_dict)).start()
    yield gunicorn
    gunicorn.stop()


def fire_together(requests: list, send) -> list:
    """Send every request from its own thread, all released at the same moment."""
    start = threading.Barrier(len(requests))

    def one(request):
        start.wait()
        return send(request)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(one, requests))


def test_200_parallel_intakes_store_each_once_and_one_complaint_per_key(server, capsys):
    assert Complaint.objects.count() == 0
    # Requests sharing a key sit next to each other, so they reach the server at the same moment.
    keys = [f"key-{k:02d}" for k in range(KEYS) for _ in range(REPEATS)] + [None] * UNKEYED
    lons = {key: 101.43 + 0.0004 * n for n, key in enumerate(sorted(set(keys) - {None}))}

    def send(key):
        headers = {"Idempotency-Key": key} if key else {}
        body = complaint_body(lon=lons.get(key, 101.45), description=f"Laporan paralel {key or 'tanpa kunci'}.")
        return key, call(server.port, "POST", "/api/v1/complaints/", body, headers)

    began = time.monotonic()
    answers = fire_together(keys, send)
    took = time.monotonic() - began

    assert Counter(a.status for _, a in answers) == {201: len(keys)}, server.log_tail()
    codes_by_key = defaultdict(set)
    for key, answer in answers:
        codes_by_key[key or answer.json()["id"]].add(answer.json()["id"])
    # The same answer for a repeated key; a request without a key is a complaint of its own.
    assert all(len(codes) == 1 for codes in codes_by_key.values())
    assert len(codes_by_key) == KEYS + UNKEYED
    replayed = sum(a.headers.get("idempotent-replayed") == "true" for _, a in answers)
    assert replayed == KEYS * (REPEATS - 1)

    stored = dict(Complaint.objects.values_list("tracking_code", "idempotency_key"))
    assert len(stored) == KEYS + UNKEYED
    assert set(stored) == {code for codes in codes_by_key.values() for code in codes}
    assert sorted(k for k in stored.values() if k) == sorted(set(keys) - {None})
    created = Counter(ComplaintEvent.objects.filter(kind=EventKind.CREATED).values_list("complaint_id", flat=True))
    assert len(created) == len(stored) and set(created.values()) == {1}
    with capsys.disabled():
        print(
            f"\n  {len(keys)} parallel POSTs: all 201, {len(stored)} complaints stored, {replayed} replays, {took:.2f} s"
        )


@pytest.mark.parametrize("with_version", [True, False], ids=["same-version", "no-version"])
def test_racing_transitions_one_wins_the_rest_get_409(server, staff_user, with_version):
    complaint_answer = call(server.port, "POST", "/api/v1/complaints/", complaint_body())
    assert complaint_answer.status == 201
    code = complaint_answer.json()["id"]
    admin = staff_user("admin.balap", Role.CITY_ADMIN)
    token = Token.objects.create(user=admin).key
    body = {"to": Status.DIVERIFIKASI, **({"version": 1} if with_version else {})}

    def send(_n):
        return call(
            server.port,
            "POST",
            f"/api/v1/staff/complaints/{code}/transition/",
            body,
            {"Authorization": f"Token {token}", "Accept-Language": "en"},
        )

    answers = fire_together(range(20), send)

    assert Counter(a.status for a in answers) == {200: 1, 409: 19}, server.log_tail()
    [winner] = [a.json() for a in answers if a.status == 200]
    assert (winner["properties"]["status"], winner["properties"]["version"]) == (Status.DIVERIFIKASI, 2)
    refused = [a.json()["detail"] for a in answers if a.status == 409]
    assert all(("Someone else changed" if with_version else "cannot become") in detail for detail in refused)
    complaint = Complaint.objects.get(tracking_code=code)
    assert (complaint.status, complaint.version) == (Status.DIVERIFIKASI, 2)
    status_events = complaint.events.filter(kind=EventKind.STATUS)
    assert [(e.from_status, e.to_status, e.actor_id) for e in status_events] == [
        (Status.BARU, Status.DIVERIFIKASI, admin.pk)
    ]
