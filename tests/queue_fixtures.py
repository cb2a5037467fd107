"""The real parts of every test of the job queue (notifications, alerts, forwarding, the WhatsApp
line), registered once for the whole suite (tests/conftest.py) so that a session has one of each: an SMTP server on loopback (aiosmtpd) and the worker process
(`manage.py procrastinate worker`) against the test database. Tests that need the worker commit
their data (transactional tests), since the worker reads it from its own connection."""

import pytest
from django.db import connection

from bench.standins import GraphApiStandIn, PushServiceStandIn, SmtpStandIn, Worker
from tests.servers import database_url


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
def worker_factory(django_db_setup, django_db_blocker, smtp, graph):
    """Start workers against the test database; each is stopped at the end of the session."""
    started = []

    def start(**extra) -> Worker:
        with django_db_blocker.unblock():
            url = database_url(connection.settings_dict)
        worker = Worker(url, env=worker_env(smtp, graph, **extra)).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.remove()


@pytest.fixture
def worker(worker_factory, smtp, committed_city):
    """A running worker (one for the session) and an empty SMTP mailbox."""
    smtp.clear()
    if not getattr(worker_factory, "running", None) or worker_factory.running.process.poll() is not None:
        worker_factory.running = worker_factory()
    yield worker_factory.running
