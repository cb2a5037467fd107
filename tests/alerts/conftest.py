"""The notification tests' real parts (an SMTP server on loopback, the worker process) for alerts."""

from tests.notifications.conftest import graph, smtp, worker, worker_factory  # noqa: F401 (fixtures)
