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
from tests.standins import GraphApiStandIn, PushServiceStandIn, SmtpStandIn, Worker, WorkerZygote, worker_environment


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
def worker_zygotes():
    """For each worker environment asked for, a process that has imported the project once and forks
    the workers (tests/worker_process.py): a test's worker starts at once instead of in seconds."""
    zygotes: dict[tuple, WorkerZygote] = {}
    yield zygotes
    for zygote in zygotes.values():
        zygote.close()


@pytest.fixture
def worker_factory(transactional_db, smtp, graph, worker_zygotes):
    """Start workers against the test database: ``worker_factory(**env)``. Each is stopped when the test
    ends, before the flush (a stop lets the job under way finish, then waits for the process to exit)."""
    started = []

    def start(**extra) -> Worker:
        url, env = database_url(connection.settings_dict), worker_env(smtp, graph, **extra)
        key = (url, tuple(sorted(env.items())))
        if key not in worker_zygotes:
            worker_zygotes[key] = WorkerZygote(worker_environment(url, env))
        worker = Worker(url, env=env).start(zygote=worker_zygotes[key])
        started.append(worker)
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
