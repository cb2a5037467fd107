"""Real servers for the resilience tests: a multi-process gunicorn, and a PostGIS cluster of a test's own;
and a body's Open311 endpoint for the forwarding tests (Open311StandIn, on loopback in a thread).

The first two are started as subprocesses, exactly as in production (gunicorn) and as the set-up does (bin/db),
and stopped by their process id or data directory when the test ends.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.server import free_port, production_env, stop_process
from bench.standins import _HttpStandIn

ROOT = Path(__file__).resolve().parent.parent


def database_url(db: dict) -> str:
    """A DATABASE_URL for one of Django's DATABASES entries (the test database, while tests run)."""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgis://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def call(port: int, method: str, path: str, body=None, headers=None, timeout=60) -> Answer:
    """One HTTP request on a fresh connection (as separate clients would make them)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body) if body is not None else None
        sent = {"Content-Type": "application/json", **(headers or {})} if data else dict(headers or {})
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


@dataclass
class Gunicorn:
    """gunicorn serving geo.wsgi on a free port against ``database_url`` (gthread workers)."""

    database_url: str
    workers: int = 3
    threads: int = 8
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self, timeout_s: float = 30) -> "Gunicorn":
        self.log = Path(tempfile.mkstemp(prefix="peka-gunicorn-", suffix=".log")[1])
        # Production settings, without the HTTPS redirect (the test speaks plain HTTP).
        env = production_env(self.database_url)
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "geo.wsgi",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            f"--threads={self.threads}",
            "--worker-class=gthread",
            "--timeout=60",
            "--backlog=512",
        ]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                if call(self.port, "GET", "/api/schema/", timeout=5).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout_s} s: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        stop_process(self.process)
        if self.log:
            self.log.unlink(missing_ok=True)

    def log_tail(self) -> str:
        return self.log.read_text()[-3000:] if self.log and self.log.exists() else ""


@dataclass
class Cluster:
    """A PostGIS cluster of its own (bin/db with PEKA_DB_DIR and PEKA_DB_PORT), with database ``peka``."""

    port: int = field(default_factory=free_port)
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="peka-pg-")))

    @property
    def url(self) -> str:
        return f"postgis://postgres@127.0.0.1:{self.port}/peka"

    def _db(self, action: str) -> None:
        # As root, the postgres user must be able to enter the folder (bin/db chowns it to postgres).
        self.directory.chmod(0o755)
        env = {**os.environ, "PEKA_DB_DIR": str(self.directory), "PEKA_DB_PORT": str(self.port)}
        subprocess.run([ROOT / "bin" / "db", action], env=env, check=True, capture_output=True, timeout=120)

    def start(self) -> "Cluster":
        self._db("start")
        return self

    def stop(self) -> None:
        """Fast shutdown: open transactions are rolled back and sessions ended, as in a crash of the service."""
        self._db("stop")

    def manage(self, *args: str) -> None:
        """Run a manage.py command against this cluster."""
        env = {**os.environ, "DATABASE_URL": self.url}
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
        )

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


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
    port: int = field(default_factory=free_port)
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
