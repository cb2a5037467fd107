"""PostgreSQL stops in the middle of a burst of complaints and starts again: every answer is a 201 or a
clean 503 with Retry-After, every accepted complaint is stored with its creation event, and the running
app serves again without being restarted.

The test runs its own cluster (bin/db in a temporary folder on a free port) and a gunicorn against it;
the shared test database is never stopped.
"""

import json
import subprocess
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.utils import translation

from tests.conftest import complaint_body
from tests.servers import Cluster, Gunicorn, call

pytestmark = pytest.mark.faults
CLIENTS = 6
UNAVAILABLE = "PEKA cannot reach its database just now. Please try again shortly."


@pytest.fixture(scope="module")
def cluster():
    """A migrated cluster with the city, its agencies and categories, and no complaints."""
    own = Cluster().start()
    try:
        for command in ("migrate", "load_city", "load_agencies", "load_categories"):
            own.manage(command)
        yield own
    finally:
        own.remove()


@pytest.fixture(scope="module")
def server(cluster):
    gunicorn = Gunicorn(cluster.url, workers=2, threads=4).start()
    yield gunicorn
    gunicorn.stop()


def stored(cluster) -> dict:
    """Idempotency-Key → tracking code of every stored complaint, and the complaints lacking a 'created' event."""
    with psycopg.connect(host="127.0.0.1", port=cluster.port, user="postgres", dbname="peka") as db:
        with db.cursor() as cursor:
            cursor.execute("SELECT idempotency_key, tracking_code FROM complaints_complaint")
            rows = dict(cursor.fetchall())
            cursor.execute(
                "SELECT count(*) FROM complaints_complaint c WHERE NOT EXISTS (SELECT 1 FROM"
                " complaints_complaintevent e WHERE e.complaint_id = c.id AND e.kind = 'created')"
            )
            rows["without created event"] = cursor.fetchone()[0]
    db.close()
    return rows


def workers(server) -> set[str]:
    ps = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.process.pid)], capture_output=True, text=True)
    return set(ps.stdout.split())


def post(server, key):
    return call(server.port, "POST", "/api/v1/complaints/", complaint_body(), {"Idempotency-Key": key}, timeout=90)


def wait_for(what: str, condition, timeout_s: float = 60) -> None:
    """Wait until ``condition()`` holds (the burst's answers arrive meanwhile)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout_s:.0f} s"
        time.sleep(0.02)


def test_database_stop_and_restart_during_a_burst(cluster, server, capsys):
    processes = workers(server)
    answers = []  # (started at, key, status or the exception's name, Retry-After, body)
    done = threading.Event()

    def answered(status, since: float) -> int:
        """How many requests sent after ``since`` were answered ``status`` so far."""
        return sum(1 for began, _, got, _, _ in list(answers) if got == status and began > since)

    def client():
        while not done.is_set():
            key, began = uuid.uuid4().hex, time.monotonic()
            try:
                answer = post(server, key)
                answers.append((began, key, answer.status, answer.headers.get("retry-after"), answer.body))
                if answer.status == 503:
                    time.sleep(0.05)  # a client backs off a little (a real one waits Retry-After)
            except OSError as exc:  # a connection reset or refused by the app: must never happen
                answers.append((began, key, type(exc).__name__, None, b""))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for _ in range(CLIENTS):
            pool.submit(client)
        began = time.monotonic()
        wait_for("the burst's first complaints", lambda: answered(201, began) >= 2 * CLIENTS)
        cluster.stop()
        stopped_at = time.monotonic()
        # Requests sent while the database is away: each client has been answered 503 a few times.
        wait_for("503s while the database is stopped", lambda: answered(503, stopped_at) >= 3 * CLIENTS)
        # Pages and Open311 answer 503 too, each in its own form.
        page = call(server.port, "GET", "/lacak/PKU-ZZZZ-ZZZZ/", headers={"Accept-Language": "en"})
        open311 = call(server.port, "GET", "/open311/v2/requests.json")
        api_id = call(server.port, "GET", "/api/v1/complaints/", headers={"Accept-Language": "id"})
        restart_began = time.monotonic()
        cluster.start()
        restarted_at = time.monotonic()
        # Back: requests sent after the restart succeed again, enough of them to see that they all do.
        wait_for("201s after the restart", lambda: answered(201, restarted_at) >= 3 * CLIENTS)
        done.set()

    statuses = Counter(status for _, _, status, _, _ in answers)
    assert set(statuses) <= {201, 503}, statuses
    assert statuses[201] and statuses[503], statuses
    assert all(retry == "30" for _, _, status, retry, _ in answers if status == 503)
    with translation.override("id"):
        in_indonesian = translation.gettext(UNAVAILABLE)
    # The burst sends no Accept-Language: the site's own language, Indonesian.
    assert all(json.loads(body) == {"detail": in_indonesian} for _, _, status, _, body in answers if status == 503)
    assert (page.status, page.headers["retry-after"]) == (503, "30")
    assert page.headers["content-type"].startswith("text/html")
    assert "cannot reach its database" in page.body.decode() and "<h1>" in page.body.decode()
    assert open311.status == 503 and open311.json()[0]["code"] == 503
    assert (api_id.status, api_id.json()) == (503, {"detail": in_indonesian})

    # Recovery without restarting the app: the same worker processes, and from the first success on
    # after the restart, every request succeeds.
    after = sorted((began, status) for began, _, status, _, _ in answers if began > restarted_at)
    first_ok = next(began for began, status in after if status == 201)
    assert all(status == 201 for began, status in after if began >= first_ok)
    assert workers(server) == processes

    # Every accepted complaint is stored, with its creation event; nothing is half-written.
    accepted = {key: rows for _, key, status, _, rows in answers if status == 201}
    refused = [key for _, key, status, _, _ in answers if status == 503]
    in_db = stored(cluster)
    assert in_db.pop("without created event") == 0
    assert set(accepted) <= set(in_db)
    # A 503 stored nothing, or (the database went away between the commit and the answer) a complaint
    # that the client's retry with the same key gets back instead of a second one.
    stored_anyway = [key for key in refused if key in in_db]
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        retries = list(pool.map(lambda key: post(server, key), refused))
    assert {a.status for a in retries} == {201}
    assert all(in_db[key] == a.json()["id"] for key, a in zip(refused, retries, strict=True) if key in in_db)
    final = stored(cluster)
    assert final.pop("without created event") == 0
    assert len(final) == len(accepted) + len(refused) == len(set(accepted) | set(refused))

    with capsys.disabled():
        print(
            f"\n  burst with the database stopped for {restart_began - stopped_at:.1f} s"
            f" (bin/db start took {restarted_at - restart_began:.2f} s): {statuses[201]} × 201,"
            f" {statuses[503]} × 503 ({len(stored_anyway)} of them stored before the answer was lost),"
            f" first 201 {first_ok - restarted_at:.2f} s after the restart; {len(final)} complaints after the retries"
        )
