"""The forwarding tests' real parts: the notification tests' SMTP server and
worker process, and a body's Open311 endpoint on loopback (tests.standins.Open311StandIn)."""

import pytest

from tests.standins import Open311StandIn


@pytest.fixture(scope="session")
def open311_body():
    server = Open311StandIn().start()
    yield server
    server.stop()
