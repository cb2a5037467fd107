"""Shared fixtures. The test database is migrated once and loaded with the real city (15 kecamatan,
83 kelurahan) and the categories; each test runs in a transaction that is rolled back."""

import io
import json
import os
import time
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings

from boundaries.sources import boundary_dir
from geo.spatial import WGS84, offset_point
from tests.servers import LiveServer

# The SMTP, Graph API and push-service stand-ins (one of each for the session) and the worker (a test's own).
pytest_plugins = ["tests.queue_fixtures"]

# The slow lanes (pytest.ini; `make test-fast` leaves them out): the browser tests by their folder or the
# Playwright fixtures they use; the worker lane by the fixtures that start a process of the worker or a
# server (the replica tests' standby PostgreSQL); modules whose tests all start gunicorn or break a
# database say so with pytestmark.
BROWSER_FIXTURES = {"browser"}  # Playwright's: under page, context and new_context too
WORKER_FIXTURES = {"worker", "worker_factory", "standby"}
E2E = Path(__file__).resolve().parent / "e2e"


def pytest_itemcollected(item):
    fixtures = set(getattr(item, "fixturenames", ()))
    if E2E in Path(item.path).parents or fixtures & BROWSER_FIXTURES:
        item.add_marker(pytest.mark.browser)
    if fixtures & WORKER_FIXTURES:
        item.add_marker(pytest.mark.worker)


def database_order(item) -> int:
    """pytest-django's order: tests in a rolled-back transaction (0) before transactional ones (1), which
    flush the tables (the city loaded for the session with them), before those without the database (2)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    transactional = transactional or bool(marker and marker.args and marker.args[0])
    if transactional or "transactional_db" in fixtures or "live_server" in fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django sorts the tests into that order first thing, but pytest then regroups the tests by
    the values of session-scoped parameters (Playwright's browser_name: any test whose closure reaches the
    page fixture), which can pull transactional tests in among the others: those then found the city
    flushed. Sorted again, last (a stable sort: pytest's grouping stays within each part)."""
    items.sort(key=database_order)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (kept between runs: --reuse-db) emptied of whatever an interrupted run left, then
    the city and its configuration loaded, and kept as a snapshot for committed_city."""
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        empty_the_job_queue()
        for command in CITY_COMMANDS:
            call_command(command, stdout=io.StringIO())
        city_snapshot[:] = snapshot_of_the_filled_tables()


CITY_COMMANDS = ("load_city", "load_agencies", "load_categories")
city_snapshot: list[tuple[str, bytes]] = []  # (table, its rows in COPY's binary format)


def snapshot_of_the_filled_tables() -> list[tuple[str, bytes]]:
    """Every Django table with rows, copied out. Empty when the database user may not switch off the
    foreign keys while copying back in (not a superuser): committed_city then runs the commands again."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            return []
        snapshot = []
        for table in sorted(connection.introspection.django_table_names(only_existing=True, include_views=False)):
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
            if cursor.fetchone()[0]:
                with cursor.cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as copy:
                    snapshot.append((table, b"".join(bytes(block) for block in copy)))
        return snapshot


def restore_the_city() -> None:
    """The snapshot copied back into the tables the flush emptied (those the flush fills again itself,
    content types and permissions, are left as they are). The same rows, ids included, in a fraction of
    the time the commands take."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no foreign-key order to follow
        for table, rows in city_snapshot:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
            if not cursor.fetchone()[0]:
                with cursor.cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT BINARY)') as copy:
                    copy.write(rows)


def empty_the_job_queue() -> None:
    """Delete every job, its events and the workers' records: the flush leaves procrastinate's tables
    alone (they are not Django's), and a job one test queued would otherwise run in a later test's
    worker. The record of which periodic task ran for which moment stays (a job's deletion unlinks it),
    so that a new worker does not run them again for the same moment."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")
        cursor.execute("DELETE FROM procrastinate_workers")


def our_tcp_ports() -> set[int]:
    """The local ports of this process's TCP sockets (Linux: its socket descriptors, looked up in
    /proc/net/tcp and tcp6)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def others_in_the_database() -> list[tuple]:
    """The sessions on the test database that could take a lock during the flush: any of another process
    (a worker, gunicorn: they must be gone), and this process's other connections unless idle (Django
    keeps one per thread and per async context; an idle one holds no lock). Autovacuum and a standby's
    WAL sender are no clients."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, client_addr::text, client_port, state, left(query, 200)"
            " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend'"
        )
        sessions = cursor.fetchall()
    ours = our_tcp_ports() if sessions else set()
    return [s for s in sessions if s[3] not in ours or s[4] != "idle"]


@pytest.fixture
def _django_db_helper(_django_db_helper, request):
    """pytest-django's database fixture (it flushes the tables after a transactional test), with what
    must hold before that flush: the test's live server, workers, gunicorn and browser contexts are
    stopped (their fixtures are set up after this one, so torn down before it), and so nothing else is
    connected to the test database. A client still there would take locks while TRUNCATE takes its own,
    table by table: the deadlock of the browser tests. One still there after a short wait (a stopped
    process's session ends a moment after the process) fails the test, naming it, instead of deadlocking
    the flush now and then. The job queue is emptied too (see empty_the_job_queue)."""
    yield _django_db_helper
    if connection.in_atomic_block:  # a test in a transaction that is rolled back: nothing to flush
        return
    deadline = time.monotonic() + 10
    while (others := others_in_the_database()) and time.monotonic() < deadline:
        time.sleep(0.05)
    if others:
        pytest.fail(
            "still connected to the test database when the test ended (every server, worker and browser "
            f"context of a test must be stopped by then): {others}",
            pytrace=False,
        )
    empty_the_job_queue()


@pytest.fixture
def live_server(request):
    """A live server of the test's own (pytest-django's lives for the session, between flushes). When the
    test ends: every browser context still open is closed (the test's own are closed by then; one left
    over, say a page a failing test never closed, fails the test), so that no page polls any more; then
    the server stops and waits for the requests still running. Only then is the database flushed."""
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    server = LiveServer("localhost")
    yield server
    left_open = list(browser.contexts) if browser else []
    for context in left_open:
        context.close()
    server.stop()
    if left_open:
        pytest.fail(f"the test left {len(left_open)} browser context(s) open", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Passwords hashed with MD5 in the tests (in this process, the live server's included): Django's
    PBKDF2, a million rounds, costs half a second of CPU for each staff user made with a password and
    for each sign-in, and no test is about the hasher."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """Every abuse limit off (each PEKA_RATE_LIMIT_* setting, a new one included), so that tests filing
    many complaints from 127.0.0.1 are not refused; tests of the limits set the rate they check
    (tests/test_rate_limits.py)."""
    from django.conf import settings as django_settings

    for name in dir(django_settings):
        if name.startswith("PEKA_RATE_LIMIT_"):
            setattr(settings, name, "0")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts from an empty cache: cached answers (Gi*, the report card, the home page's
    totals) are keyed by their query, not by the data a test planted."""
    cache.clear()


@pytest.fixture(scope="session")
def city_dir() -> Path:
    """The folder with the real Pekanbaru boundary files."""
    return boundary_dir()


@pytest.fixture(scope="session")
def west_edge(city_dir):
    """(lon, lat) of a point ``metres`` due west of the city's westernmost vertex: exactly that far outside."""
    city = json.loads((city_dir / "kota_pekanbaru.geojson").read_text())["features"][0]["geometry"]
    lon, lat = min(city["coordinates"][0], key=lambda xy: xy[0])

    def outside(metres: float) -> tuple[float, float]:
        point = offset_point(Point(lon, lat, srid=WGS84), east_m=-metres)
        return point.x, point.y

    return outside


@pytest.fixture
def client(db) -> Client:
    return Client()


@pytest.fixture
def post_complaint(client):
    """POST a body to the intake endpoint; JSON-encodes dicts and lists, sends strings as they are."""

    def post(body, *, content_type="application/json", language="id", **headers):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return client.post(
            "/api/v1/complaints/", data, content_type=content_type, headers={"Accept-Language": language, **headers}
        )

    return post


def open_as_reporter(client, complaint):
    """Show the complaint's reporter key to its tracking page, as the private link's script does:
    the client's session then acts as the reporter."""
    response = client.post(f"/lacak/{complaint.tracking_code}/", {"action": "key", "key": complaint.reporter_key})
    assert response.status_code == 302, response.status_code
    return response


def complaint_body(lon=101.44, lat=0.51, **overrides) -> dict:
    """A valid intake body (a point in Sukajadi unless moved), with fields overridden as given."""
    body = {
        "category": "sampah",
        "description": "Sampah tidak diangkut sejak tiga hari.",
        "location": {"type": "Point", "coordinates": [lon, lat]},
    }
    body.update(overrides)
    return body


@pytest.fixture
def staff_user(db):
    """Make a staff user: staff_user("name", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"]);
    ``is_staff=True`` lets them into the Django admin."""
    from django.contrib.auth.models import User

    from boundaries.models import Agency, TaskForce
    from complaints.models import Role, StaffRole

    def make(username, role=None, *, agency=None, task_forces=(), password=None, is_staff=False):
        # Without a password (tests log in with force_login) no slow password hashing happens.
        user = User.objects.create_user(
            username, password=password, is_superuser=role == Role.CITY_ADMIN, is_staff=is_staff
        )
        if role:
            staff = StaffRole.objects.create(user=user, role=role, agency=Agency.objects.filter(code=agency).first())
            staff.task_forces.set(TaskForce.objects.filter(code__in=task_forces))
        return user

    return make


@pytest.fixture
def file_complaint(post_complaint):
    """File a complaint through the API and return the stored row, with the reporter key the answer
    gave in ``reporter_key``."""
    from complaints.models import Complaint

    def file(lon=101.44, lat=0.51, category="sampah", **fields):
        response = post_complaint(complaint_body(lon, lat, category=category, **fields))
        assert response.status_code == 201, response.content
        complaint = Complaint.objects.get(tracking_code=response.json()["id"])
        complaint.reporter_key = response.json()["reporter_key"]
        return complaint

    return file


@pytest.fixture
def committed_city(transactional_db, django_db_blocker):
    """For tests with real transactions: the city and its configuration, committed (a previous
    transactional test may have flushed them)."""
    from boundaries.models import Kecamatan

    if Kecamatan.objects.exists():
        return
    if city_snapshot:
        restore_the_city()
    else:
        for command in CITY_COMMANDS:
            call_command(command, stdout=io.StringIO())


def jpeg_with_gps(size=(3000, 2000), lon=101.4478, lat=0.5071) -> bytes:
    """A JPEG with camera EXIF and a GPS position, as phones write them."""
    from fractions import Fraction

    from PIL import Image

    def dms(value):
        degrees = int(value)
        minutes = int((value - degrees) * 60)
        seconds = Fraction((value - degrees - minutes / 60) * 3600).limit_denominator(10_000)
        return (degrees, minutes, seconds)

    image = Image.new("RGB", size, (120, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "KameraUji"  # Make
    exif[0x0110] = "Ponsel 1"  # Model
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N" if lat >= 0 else "S", 2: dms(abs(lat)), 3: "E" if lon >= 0 else "W", 4: dms(abs(lon))})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def api_key(db):
    """A fresh Open311 API key, in clear."""
    from open311.models import ApiKey

    return ApiKey.issue("uji")[1]


@pytest.fixture
def pole(db):
    """pole("PJU-1", east_m=0, owner="") → a stored lamp post that many metres east of (101.44, 0.51);
    kind="tps" for a waste collection point."""

    from assets.models import Asset, AssetKind
    from tests.assets.conftest import east

    def make(ref: str = "PJU-1", *, east_m: float = 0, owner: str = "", kind: str = "lampu-jalan") -> Asset:
        return Asset.objects.create(kind=AssetKind.objects.get(code=kind), ref=ref, owner=owner, location=east(east_m))

    return make
