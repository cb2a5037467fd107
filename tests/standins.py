"""Local stand-ins for the services PEKA talks to, speaking their real protocols on loopback, and the
notification worker as production runs it (`manage.py procrastinate worker`). The tests use them, and
the benchmarks import them from here (bench/notifications.py, bench/intake_notifications.py); nothing
here is imported by the product.

* SmtpStandIn: an SMTP server (aiosmtpd) that keeps every message it accepts; it can refuse
  recipients (a bounce, 550), defer them (451), or hold a message before answering (a send a worker dies in).
* GraphApiStandIn: the WhatsApp Cloud API's messages endpoint and media API (HTTP), keeping each request.
* PushServiceStandIn: a Web Push service that verifies the VAPID signature (RFC 8292) and decrypts
  the message (RFC 8291) with keys of subscriptions it issued, as a browser would.
* Open311StandIn: a body's Open311 GeoReport v2 endpoint (the forwarding tests).
* Worker: the worker process against a given database, stopped (or killed) by its PID.

The HTTP stand-ins listen on a port the system gives them when they start (never one chosen beforehand,
which another process could take first); read ``port`` or ``url`` after ``start()``.
"""

import base64
import email
import email.policy
import hashlib
import json
import logging
import os
import secrets
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tests.servers import free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent


class _Handler:
    def __init__(self, standin: "SmtpStandIn"):
        self.standin = standin

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.standin.refuse:
            return f"550 5.1.1 <{address}>: no such user"
        if address in self.standin.defer:
            return f"451 4.2.0 <{address}>: mailbox busy, try later"
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
        # As a mail server does on final delivery, the envelope sender goes in as Return-Path.
        content = f"Return-Path: <{envelope.mail_from}>\r\n".encode() + envelope.content
        message = email.message_from_bytes(content, policy=email.policy.default)
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


def drain(timeout_s: float = 60, task_name: str = "notifications.deliver") -> None:
    """Wait until no job of ``task_name`` is waiting to run now or running (on Django's connection)."""
    from django.db import connection

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = %s"
                " AND (status = 'doing' OR (status = 'todo' AND (scheduled_at IS NULL OR scheduled_at <= now())))",
                [task_name],
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"{task_name} jobs still waiting after {timeout_s} s")


class ForkedProcess:
    """A worker forked by a WorkerZygote (not our child: followed through a pidfd), with the part of
    subprocess.Popen's interface that Worker and stop_process use. Its exit status is not ours to read:
    ``returncode`` is None while it runs, then -1."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None
        self._pidfd = os.pidfd_open(pid)

    def poll(self):
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self.returncode = -1
            os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None):
        if self.returncode is None:
            if not select.select([self._pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            self.poll()
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class WorkerZygote:
    """One process per environment that sets Django up and imports the project once, without connecting
    (tests/worker_process.py), and forks a worker at each ``fork()``: a worker that runs at once
    instead of after seconds of imports. ``close()`` ends it (its workers are stopped on their own)."""

    def __init__(self, env: dict):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.worker_process"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def fork(self, args: list[str], log: Path) -> ForkedProcess:
        if self.process.poll() is not None:
            raise RuntimeError(f"the worker zygote exited with {self.process.returncode} (its output is above)")
        self.process.stdin.write(json.dumps({"args": args, "log": str(log)}) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()  # once its imports are done, the first time
        if not answer.strip():
            raise RuntimeError(f"the worker zygote exited with {self.process.wait()} (its output is above)")
        return ForkedProcess(int(answer))

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        stop_process(self.process, timeout_s=10)


def worker_environment(database_url: str, env: dict) -> dict:
    """A worker's environment: ours (not pytest's own variables, nor the browser tests' permission to
    call the ORM from an event loop) with the database and ``env`` on top."""
    ours = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("PYTEST_")}
    return {**ours, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "geo.settings", **env}


@dataclass
class Worker:
    """`manage.py procrastinate worker` against ``database_url``, with ``env`` on top of ours; started
    as a process of its own, or forked from ``zygote`` (a WorkerZygote with the same environment)."""

    database_url: str
    env: dict = field(default_factory=dict)
    concurrency: int = 1
    process: subprocess.Popen | ForkedProcess | None = None
    log: Path | None = None

    def start(self, zygote: WorkerZygote | None = None) -> "Worker":
        self.log = Path(tempfile.mkstemp(prefix="peka-worker-", suffix=".log")[1])
        args = ["procrastinate", "worker", f"--concurrency={self.concurrency}"]
        if zygote:
            self.process = zygote.fork(args, self.log)
            return self
        env = worker_environment(self.database_url, self.env)
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        return self

    def kill(self) -> None:
        """As a crash: SIGKILL, no clean-up, the job it was running left behind."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """SIGTERM: the worker finishes the job under way and exits; returns once it has."""
        stop_process(self.process)

    def log_tail(self) -> str:
        return self.log.read_text()[-4000:] if self.log and self.log.exists() else ""

    def remove(self) -> None:
        self.stop()
        if self.log:
            self.log.unlink(missing_ok=True)


class _GraphHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        """The media API: GET /<version>/<media id> answers the item's URL; GET /media/<media id> its bytes."""
        standin = self.server.standin
        with standin.lock:
            standin.requests.append({"method": "GET", "path": self.path, "authorization": self.headers.get("Authorization")})
        if self.headers.get("Authorization") != f"Bearer {standin.token}":
            return self._answer(401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}})
        name = self.path.rsplit("/", 1)[-1]
        if name not in standin.media:
            return self._answer(404, {"error": {"message": "Unsupported get request.", "type": "GraphMethodException", "code": 100}})
        if self.path.startswith("/media/"):
            data = standin.media[name]
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return None
        return self._answer(200, {
            "messaging_product": "whatsapp",
            "url": f"http://127.0.0.1:{standin.port}/media/{name}",
            "mime_type": "image/jpeg",
            "sha256": hashlib.sha256(standin.media[name]).hexdigest(),
            "file_size": len(standin.media[name]),
            "id": name,
        })

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        standin = self.server.standin
        with standin.lock:
            standin.requests.append(
                {"method": "POST", "path": self.path, "authorization": self.headers.get("Authorization"), "body": body}
            )
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


class _HttpStandIn:
    """Serving ``handler`` on loopback in a thread; the handler finds the stand-in as server.standin.
    Port 0 (the default) takes a free port from the system as the server binds it."""

    handler: type[BaseHTTPRequestHandler]

    def start(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
        self.port = self.server.server_address[1]
        self.server.standin = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


@dataclass
class GraphApiStandIn(_HttpStandIn):
    """Answers POST /<version>/<phone id>/messages as the WhatsApp Cloud API does, and keeps what it was sent.
    Numbers in ``not_on_whatsapp`` get error 131026. Serves the media API for the items in ``media``
    (media id → bytes), as people's photos are fetched."""

    token: str = "standin-token"
    phone_id: str = "1234567890"
    port: int = 0
    requests: list[dict] = field(default_factory=list)
    not_on_whatsapp: set[str] = field(default_factory=set)
    media: dict[str, bytes] = field(default_factory=dict)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    handler = _GraphHandler

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v21.0"

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
        self.not_on_whatsapp.clear()
        self.media.clear()

    def messages(self, to: str | None = None) -> list[dict]:
        """The bodies of the messages posted (to the number ``to``, digits only, if given), in order."""
        with self.lock:
            return [r["body"] for r in self.requests if r["method"] == "POST" and (to is None or r["body"].get("to") == to)]


class _PushHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        standin: PushServiceStandIn = self.server.standin
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        name = self.path.rsplit("/", 1)[-1]
        if name in standin.gone or name not in standin.subscriptions:
            return self._answer(410)
        try:
            claims = verify_vapid(self.headers.get("Authorization", ""), f"http://127.0.0.1:{standin.port}")
            if self.headers.get("Content-Encoding") != "aes128gcm" or not self.headers.get("TTL"):
                raise ValueError("Content-Encoding aes128gcm and TTL are required")
            plaintext = decrypt_aes128gcm(body, *standin.subscriptions[name])
        except Exception as exc:  # any failure to verify or decrypt is the sender's error
            with standin.lock:
                standin.refused.append(f"{type(exc).__name__}: {exc}")
            return self._answer(400)
        with standin.lock:
            standin.received.append({"subscription": name, "claims": claims, "payload": json.loads(plaintext)})
        return self._answer(201)

    def _answer(self, status: int):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_vapid(header: str, audience: str) -> dict:
    """Check an RFC 8292 "vapid t=<JWT>, k=<key>" header: an ES256 signature by that key, this push
    service as the audience, an expiry within 24 hours. Returns the claims; raises ValueError."""
    scheme, _, params = header.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"not a vapid authorization: {scheme!r}")
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = fields["t"], fields["k"]
    signing_input, _, signature = token.rpartition(".")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64decode(key))
    raw = _b64decode(signature)
    der = utils.encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise ValueError("the VAPID signature does not verify") from exc
    header_part, payload_part = signing_input.split(".")
    if json.loads(_b64decode(header_part)).get("alg") != "ES256":
        raise ValueError("the JWT is not ES256")
    claims = json.loads(_b64decode(payload_part))
    if claims.get("aud") != audience:
        raise ValueError(f"audience {claims.get('aud')!r}, not {audience!r}")
    if not time.time() < claims["exp"] <= time.time() + 24 * 3600:
        raise ValueError("expiry not within 24 hours")
    return claims


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def decrypt_aes128gcm(body: bytes, private_key: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """Decrypt a Web Push message as the browser does (RFC 8291 keys, RFC 8188 aes128gcm, one record)."""
    salt, record_size, id_length = body[:16], int.from_bytes(body[16:20], "big"), body[20]
    sender_public = body[21 : 21 + id_length]
    record = body[21 + id_length :]
    if len(record) > record_size:
        raise ValueError("more than one record")
    receiver_public = private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    shared = private_key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public))
    ikm = _hkdf(auth_secret, shared, b"WebPush: info\x00" + receiver_public + sender_public, 32)
    key = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    padded = AESGCM(key).decrypt(nonce, record, None)
    text = padded.rstrip(b"\x00")
    if not text.endswith(b"\x02"):
        raise ValueError("no last-record delimiter")
    return text[:-1]


@dataclass
class PushServiceStandIn(_HttpStandIn):
    """A push service: takes POST /push/<name> for the subscriptions it issued, checks the VAPID
    signature, decrypts the message with the subscription's private key and keeps it."""

    port: int = 0
    subscriptions: dict = field(default_factory=dict)  # name -> (private key, auth secret)
    received: list[dict] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    handler = _PushHandler

    def subscribe(self) -> dict:
        """A new subscription, as a browser's PushSubscription.toJSON() gives it."""
        name = secrets.token_urlsafe(12)
        private_key, auth_secret = ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16)
        self.subscriptions[name] = (private_key, auth_secret)
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"http://127.0.0.1:{self.port}/push/{name}",
            "expirationTime": None,
            "keys": {"p256dh": base64.urlsafe_b64encode(public).rstrip(b"=").decode(),
                     "auth": base64.urlsafe_b64encode(auth_secret).rstrip(b"=").decode()},
        }

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
            self.refused.clear()
        self.gone.clear()


class _Open311Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        standin = self.server.standin  # an Open311StandIn
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        fields = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        with standin.lock:
            standin.requests.append({"path": self.path, "fields": fields})
            status = standin.failures.pop(0) if standin.failures else None
            standin.sent += 1
            number = standin.sent
        if status:
            return self._answer(status, [{"code": status, "description": "sementara tidak tersedia"}])
        if not self.path.endswith("/requests.json"):
            return self._answer(404, [{"code": 404, "description": "unknown path"}])
        if fields.get("api_key") != standin.api_key:
            return self._answer(403, [{"code": 403, "description": "api_key tidak sah"}])
        self._answer(201, [{"service_request_id": f"{standin.prefix}-{number}", "service_notice": "diterima"}])

    def _answer(self, status: int, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # quiet
        pass


@dataclass
class Open311StandIn(_HttpStandIn):
    """A body's Open311 GeoReport v2 endpoint: POST <base>/requests.json with its api_key answers 201
    with a service_request_id (``prefix``-n) and keeps every request; ``failures`` lists statuses to
    answer first (a 503 to retry, a 400 to give up)."""

    api_key: str = "kunci-badan"
    prefix: str = "LAPOR"
    port: int = 0
    requests: list[dict] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    handler = _Open311Handler

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/open311/v2"

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.failures.clear()
