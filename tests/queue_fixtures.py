"""The real parts of every test of the job queue (notifications, alerts, forwarding, the WhatsApp
line), registered once for the whole suite (tests/conftest.py): an SMTP server on loopback (aiosmtpd),
the Graph API and push service stand-ins (one of each for the session: they never touch the database),
and the worker process (`manage.py procrastinate worker`) against the test database.

A worker is a test's own: started for it and stopped (and waited for) when it ends, before the flush
empties the database. A worker kept for the session ran its periodic tasks (the escalation ladder every
five minutes, ...) and the retries of earlier tests' jobs while later tests flushed their tables, which
deadlocks now and then, and let one test's jobs reach another's mailbox. Tests that need the worker
commit their data (transactional tests), since the worker reads it from its own connection."""

import pytest
from django.db import connection

from tests.servers import database_url
from tests.standins import GraphApiStandIn, PushServiceStandIn, SmtpStandIn, Worker


@pytest.fixture(scope="session")
def smtp():
    server = SmtpStandIn().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def graph():
    server = GraphApiStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def whatsapp(graph, settings):
    """WhatsApp switched on in this process too (where deliveries are decided), pointed at the stand-in."""
    graph.clear()
    settings.PEKA_WHATSAPP_TOKEN, settings.PEKA_WHATSAPP_PHONE_ID = graph.token, graph.phone_id
    settings.PEKA_WHATSAPP_API_URL = graph.url
    return graph


@pytest.fixture(scope="session")
def push_service():
    server = PushServiceStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def pushes(push_service, settings):
    """The push service stand-in, emptied; its plain-HTTP endpoints accepted by the subscription API."""
    push_service.clear()
    settings.PEKA_PUSH_ALLOW_HTTP = True
    return push_service


def worker_env(smtp: SmtpStandIn, graph: GraphApiStandIn, **extra) -> dict:
    """The worker's settings: mail and WhatsApp to the stand-ins, quick retries and quick recovery of a
    dead worker's jobs."""
    return {
        "PEKA_WHATSAPP_TOKEN": graph.token,
        "PEKA_WHATSAPP_PHONE_ID": graph.phone_id,
        "PEKA_WHATSAPP_API_URL": graph.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_TIMEOUT": "5",
        "PEKA_NOTIFY_RETRY_BASE_SECONDS": "1",
        "PEKA_WORKER_HEARTBEAT_SECONDS": "1",
        "PEKA_WORKER_STALLED_SECONDS": "3",
        "PEKA_WORKER_STALLED_CRON": "* * * * * */2",
        "PEKA_QUEUE_LOG_LEVEL": "INFO",
        **extra,
    }


@pytest.fixture(scope="session")
def spare_workers():
    """Worker processes spawned ahead (set up and imported, not connected: Worker.spawn), one for each
    environment asked for so far, so that a test's worker starts at once instead of in seconds."""
    spares: dict[tuple, Worker] = {}
    yield spares
    for spare in spares.values():
        spare.remove()


@pytest.fixture
def worker_factory(transactional_db, smtp, graph, spare_workers):
    """Start workers against the test database: ``worker_factory(**env)``. Each is stopped when the test
    ends, before the flush (a stop lets the job under way finish, then waits for the process to exit)."""
    started = []

    def start(**extra) -> Worker:
        url, env = database_url(connection.settings_dict), worker_env(smtp, graph, **extra)
        key = (url, tuple(sorted(env.items())))
        spare = spare_workers.pop(key, None)
        worker = (spare if spare and spare.process.poll() is None else Worker(url, env=env).spawn()).go()
        started.append(worker)
        spare_workers[key] = Worker(url, env=env).spawn()  # the next one, getting ready meanwhile
        return worker

    start.running = None
    yield start
    for worker in reversed(started):
        worker.remove()


@pytest.fixture
def worker(worker_factory, smtp, committed_city):
    """A running worker of the test's own and an empty SMTP mailbox (``worker_factory.running`` is the
    one running: a test that stops or kills it starts the next with ``worker_factory()``)."""
    smtp.clear()
    worker_factory.running = worker_factory()
    yield worker_factory.running
