"""Read replicas on a real PostgreSQL streaming standby of the test's primary cluster.

The session fixture copies the primary with pg_basebackup (``bin/db replica start``), starts it as a
hot standby on a free port, waits until it streams, and registers it as the ``replica`` alias (the
same settings as ``default``, a mirror for the test runner). Proofs that the replica answered pause
WAL replay on the standby: a row written on the primary meanwhile is then missing from the
replica's answers only.
"""

import copy
import json
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from geo import db_router
from tests.conftest import complaint_body
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
PGBIN = Path(os.environ.get("PEKA_PGBIN", "/usr/lib/postgresql/15/bin"))
REPLICA = "replica"
routed = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="session")
def standby(django_db_setup, django_db_blocker):
    """``replica_db(action)`` drives a hot standby of the primary (the test database included):
    started and streaming on entry, stopped and its directory removed at the end, failure or not."""
    primary = connections["default"].settings_dict
    if not (PGBIN / "pg_basebackup").exists():
        pytest.fail(f"pg_basebackup is missing from {PGBIN}: install postgresql-15 (or set PEKA_PGBIN)")
    if primary["HOST"] not in {"127.0.0.1", "localhost"}:
        pytest.fail(f"the replica tests copy a local primary cluster; the test database is on {primary['HOST']}")
    directory = tempfile.mkdtemp(prefix="peka-replica-")
    port = free_port()
    env = {
        **os.environ,
        "PEKA_DB_PORT": str(primary["PORT"]),
        "PEKA_REPLICA_PORT": str(port),
        "PEKA_REPLICA_DIR": directory,
        "PEKA_PGBIN": str(PGBIN),
    }

    def replica_db(action: str) -> None:
        done = subprocess.run([ROOT / "bin" / "db", "replica", action], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"bin/db replica {action} failed:\n{done.stdout}{done.stderr}")

    try:
        replica_db("start")
        replica_db.port = port
        yield replica_db
    finally:
        subprocess.run([ROOT / "bin" / "db", "replica", "stop"], env=env, capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def replica_alias(standby):
    """The ``replica`` alias, as geo/settings.py builds it from DATABASE_REPLICA_URL, on the standby."""
    config = copy.deepcopy(connections["default"].settings_dict)
    config["PORT"] = standby.port
    config["OPTIONS"]["connect_timeout"] = 2
    config["TEST"]["MIRROR"] = "default"
    connections.settings[REPLICA] = config
    try:
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections.settings[REPLICA]
        if hasattr(connections._connections, REPLICA):
            delattr(connections._connections, REPLICA)


@pytest.fixture
def replicated(replica_alias, committed_city):
    """Routing switched on as geo/settings.py does when a replica is configured; failures forgotten."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "geo.db_router.ReadRoutingMiddleware",
    )
    db_router.forget_failures()
    with override_settings(
        DATABASE_ROUTERS=["geo.db_router.ReplicaRouter"],
        MIDDLEWARE=middleware,
        PEKA_REPLICAS=[REPLICA],
        PEKA_REPLICA_RETRY_SECONDS=1.0,
    ):
        caught_up()
        yield
    db_router.forget_failures()


def caught_up(timeout_s: float = 10) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    pytest.fail(f"the standby did not replay up to {lsn} within {timeout_s} s")


@contextmanager
def replay_paused():
    """The standby stops applying WAL: what the primary writes meanwhile is not on the replica."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        caught_up()


def file_complaint(client: Client, **body) -> str:
    response = client.post("/api/v1/complaints/", json.dumps(complaint_body(**body)), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def list_codes(client: Client) -> set[str]:
    response = client.get("/api/v1/complaints/", {"page_size": 1000})
    assert response.status_code == 200
    return {feature["id"] for feature in response.json()["features"]}


@routed
def test_standby_is_a_streaming_hot_standby_of_the_test_database(replicated):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database(), (SELECT status FROM pg_stat_wal_receiver)")
        assert cursor.fetchone() == (True, connections["default"].settings_dict["NAME"], "streaming")


@routed
def test_public_get_is_served_by_the_replica(replicated):
    before = file_complaint(Client())
    caught_up()
    with replay_paused():
        written_meanwhile = file_complaint(Client())
        visitor = Client()
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            codes = list_codes(visitor)
        # The replica answered: it has the earlier complaint and not the one written while it was paused.
        assert before in codes and written_meanwhile not in codes
        assert any("complaints_complaint" in q["sql"] for q in on_replica.captured_queries)
        assert visitor.get(f"/api/v1/complaints/{written_meanwhile}/").status_code == 404
        for path in (
            "/",
            "/rapor/",
            "/api/v1/report-card/",
            "/api/v1/hotspots/hexbins/",
            "/open311/v2/requests.json",
            "/tiles/complaints/12/3202/2042.geojson",
        ):
            with CaptureQueriesContext(connections[REPLICA]) as on_replica:
                assert visitor.get(path).status_code == 200, path
            assert on_replica.captured_queries, f"{path} did not read from the replica"
    assert written_meanwhile in list_codes(visitor)


@routed
def test_a_streamed_export_reads_from_the_replica(replicated):
    before = file_complaint(Client())
    caught_up()
    with replay_paused():
        written_meanwhile = file_complaint(Client())
        response = Client().get("/api/v1/hotspots/exports/complaints.csv")
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert before in body and written_meanwhile not in body


@routed
def test_the_writer_reads_its_own_complaint_at_once(replicated):
    citizen = Client()
    with replay_paused():
        response = citizen.post("/api/v1/complaints/", json.dumps(complaint_body()), content_type="application/json")
        assert response.status_code == 201
        code = response.json()["id"]
        cookie = response.cookies[db_router.PRIMARY_COOKIE]
        assert cookie["max-age"] == settings.PEKA_PRIMARY_COOKIE_SECONDS and cookie["httponly"]
        # The same client, right after its write, from the primary; anyone else still from the paused replica.
        assert citizen.get(f"/api/v1/complaints/{code}/").status_code == 200
        assert citizen.get(f"/lacak/{code}/").status_code == 200
        assert Client().get(f"/api/v1/complaints/{code}/").status_code == 404


@routed
def test_staff_writes_and_transactions_use_the_primary(replicated, staff_user):
    with replay_paused():
        code = file_complaint(Client())
        staff = Client()
        staff.force_login(staff_user("kota.admin"))
        assert code in list_codes(staff)
        token_client = Client(headers={"Authorization": "Token nonsense"})
        assert token_client.get(f"/api/v1/complaints/{code}/").status_code != 404
        # Paths that are not public reads, even for an anonymous GET.
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            Client().get("/admin/login/")
            Client().get("/api/v1/staff/complaints/")
        assert not on_replica.captured_queries


@routed
def test_outside_a_request_and_inside_a_transaction_reads_use_the_primary(replicated):
    from complaints.models import Complaint

    router = db_router.ReplicaRouter()
    assert router.db_for_read(Complaint) == "default"
    token = db_router._routing.set(db_router.RequestRouting(public_read=True))
    try:
        assert router.db_for_read(Complaint) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(Complaint) == "default"
        assert router.db_for_write(Complaint) == "default"
    finally:
        db_router._routing.reset(token)
    assert router.allow_migrate("default", "complaints") and not router.allow_migrate(REPLICA, "complaints")


@routed
@pytest.mark.faults
def test_a_stopped_replica_falls_back_to_the_primary_and_is_used_again(replicated, standby, caplog):
    visitor = Client()
    code = file_complaint(Client())
    caught_up()
    standby("stop")
    try:
        # The WSGI handler does this at the start of every request (the test client leaves it out): it
        # has the connections health-checked again, which is how a lost replica is noticed in time.
        close_old_connections()
        started = time.monotonic()
        with CaptureQueriesContext(connections["default"]) as on_primary:
            assert code in list_codes(visitor)
        first_ms = (time.monotonic() - started) * 1000
        assert any("complaints_complaint" in q["sql"] for q in on_primary.captured_queries)
        for path in ("/", "/rapor/", "/api/v1/hotspots/heatmap/", "/open311/v2/requests.json"):
            assert visitor.get(path).status_code == 200, path
        # Remembered as down: the next requests do not even try the replica.
        assert db_router.replica_available(REPLICA) is False
        # Found down before the view ran: no query failed on the replica and nothing was repeated.
        assert any("unavailable" in r.getMessage() for r in caplog.records)
        assert not any("repeated on the primary" in r.getMessage() for r in caplog.records)
        assert first_ms < 2000, f"falling back took {first_ms:.0f} ms"
    finally:
        standby("start")
    time.sleep(settings.PEKA_REPLICA_RETRY_SECONDS)
    caught_up()
    with replay_paused():
        later = file_complaint(Client())
        codes = list_codes(visitor)
    assert code in codes and later not in codes


@routed
@pytest.mark.faults
def test_a_replica_connection_lost_mid_request_is_answered_by_the_primary(replicated, standby):
    import psycopg

    code = file_complaint(Client())
    caught_up()
    killed = []

    def terminate_first_query(execute, sql, params, many, context):
        # A real loss: another session ends this backend on the standby before the query reaches it.
        if not killed:
            pid = context["connection"].connection.info.backend_pid
            with psycopg.connect(host="127.0.0.1", port=standby.port, user="postgres", dbname="postgres") as other:
                other.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
            killed.append(pid)
        return execute(sql, params, many, context)

    visitor = Client()
    visitor.get("/api/v1/complaints/")  # a live replica connection to lose
    with connections[REPLICA].execute_wrapper(terminate_first_query):
        response = visitor.get(f"/api/v1/complaints/{code}/")
    assert killed and response.status_code == 200 and response.json()["id"] == code
    assert db_router.replica_available(REPLICA) is False


def settings_with(replica_urls: str | None) -> tuple:
    """DATABASES, DATABASE_ROUTERS, MIDDLEWARE and PEKA_REPLICAS as a fresh process reads them."""
    script = (
        "import json; from django.conf import settings; print(json.dumps([settings.DATABASES, "
        "getattr(settings, 'DATABASE_ROUTERS', []), settings.MIDDLEWARE, settings.PEKA_REPLICAS]))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    if replica_urls is not None:
        env["DATABASE_REPLICA_URL"] = replica_urls
    out = subprocess.run(
        [ROOT / ".venv" / "bin" / "python", "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return tuple(json.loads(out.strip().splitlines()[-1]))


def test_replica_urls_become_aliases_with_the_primary_options():
    databases, routers, middleware, replicas = settings_with(
        "postgis://peka@db-r1:5432/peka, postgis://peka@db-r2:5433/peka"
    )
    assert replicas == ["replica", "replica_2"] and set(databases) == {"default", "replica", "replica_2"}
    assert (databases["replica"]["HOST"], databases["replica_2"]["PORT"]) == ("db-r1", 5433)
    for alias in replicas:
        assert (
            databases[alias]["OPTIONS"]["options"]
            == databases["default"]["OPTIONS"]["options"]
            == "-c jit=off -c plan_cache_mode=force_generic_plan"
        )
        assert databases[alias]["CONN_HEALTH_CHECKS"] and databases[alias]["TEST"]["MIRROR"] == "default"
        assert databases[alias]["CONN_MAX_AGE"] == databases["default"]["CONN_MAX_AGE"]
    assert routers == ["geo.db_router.ReplicaRouter"]
    assert middleware.index("geo.db_router.ReadRoutingMiddleware") == (
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    )


def test_without_replica_urls_there_is_one_database_and_no_routing():
    databases, routers, middleware, replicas = settings_with(None)
    assert list(databases) == ["default"] and replicas == [] and routers == []
    assert "geo.db_router.ReadRoutingMiddleware" not in middleware
