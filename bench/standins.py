"""Local stand-ins for the services PEKA talks to, speaking their real protocols on loopback, and the
notification worker as production runs it (`manage.py procrastinate worker`). The notification
tests and benchmarks use them; nothing here is imported by the product.

* SmtpStandIn: an SMTP server (aiosmtpd) that keeps every message it accepts; it can refuse
  recipients (a bounce, 550), defer them (451), or hold a message before answering (a send a worker dies in).
* GraphApiStandIn: the WhatsApp Cloud API's messages endpoint (HTTP), keeping each request.
* Worker: the worker process against a given database, stopped (or killed) by its PID.
"""

import email
import email.policy
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

from bench.server import free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent


class _Handler:
    def __init__(self, standin: "SmtpStandIn"):
        self.standin = standin

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.standin.refuse:
            return "550 5.1.1 <%s>: no such user" % address
        if address in self.standin.defer:
            return "451 4.2.0 <%s>: mailbox busy, try later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.standin.hold.is_set():
            # Hold the answer until the client is gone: the message is never accepted.
            self.standin.holding.set()
            while self.standin.hold.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.standin.lock:
            self.standin.messages.append(message)
        return "250 OK"


@dataclass
class SmtpStandIn:
    port: int = field(default_factory=free_port)
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    defer: set[str] = field(default_factory=set)
    hold: threading.Event = field(default_factory=threading.Event)
    holding: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    def start(self) -> "SmtpStandIn":
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        self.hold.clear()
        if self.controller:
            self.controller.stop()

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
        self.refuse.clear()
        self.defer.clear()
        self.hold.clear()
        self.holding.clear()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in m["To"]]

    def wait_for(self, count: int, timeout_s: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise TimeoutError(f"{len(self.messages)} of {count} messages arrived in {timeout_s} s")


@dataclass
class Worker:
    """`manage.py procrastinate worker` against ``database_url``, with ``env`` on top of ours."""

    database_url: str
    env: dict = field(default_factory=dict)
    concurrency: int = 1
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self) -> "Worker":
        self.log = Path(tempfile.mkstemp(prefix="peka-worker-", suffix=".log")[1])
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "geo.settings",
            **self.env,
        }
        command = [sys.executable, "manage.py", "procrastinate", "worker", f"--concurrency={self.concurrency}"]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        return self

    def kill(self) -> None:
        """As a crash: SIGKILL, no clean-up, the job it was running left behind."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        stop_process(self.process)

    def log_tail(self) -> str:
        return self.log.read_text()[-4000:] if self.log and self.log.exists() else ""

    def remove(self) -> None:
        self.stop()
        if self.log:
            self.log.unlink(missing_ok=True)


class _GraphHandler(BaseHTTPRequestHandler):
    standin: "GraphApiStandIn"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        standin = self.server.standin
        with standin.lock:
            standin.requests.append({"path": self.path, "authorization": self.headers.get("Authorization"), "body": body})
        if self.headers.get("Authorization") != f"Bearer {standin.token}":
            return self._answer(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
        if not self.path.endswith(f"/{standin.phone_id}/messages") or body.get("messaging_product") != "whatsapp":
            return self._answer(400, {"error": {"message": "Unsupported post request.", "type": "GraphMethodException", "code": 100}})
        if body.get("to") in standin.not_on_whatsapp:
            return self._answer(400, {"error": {"message": "Message Undeliverable.", "type": "OAuthException", "code": 131026}})
        standin.sent += 1
        return self._answer(200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
            "messages": [{"id": f"wamid.STANDIN{standin.sent:06d}"}],
        })

    def _answer(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # quiet
        pass


@dataclass
class GraphApiStandIn:
    """Answers POST /<version>/<phone id>/messages as the WhatsApp Cloud API does, and keeps what it was sent.
    Numbers in ``not_on_whatsapp`` get error 131026."""

    token: str = "standin-token"
    phone_id: str = "1234567890"
    port: int = field(default_factory=free_port)
    requests: list[dict] = field(default_factory=list)
    not_on_whatsapp: set[str] = field(default_factory=set)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v21.0"

    def start(self) -> "GraphApiStandIn":
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), _GraphHandler)
        self.server.standin = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
        self.not_on_whatsapp.clear()
