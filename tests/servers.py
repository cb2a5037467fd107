"""Real servers for the tests, each stopped when its test ends and before the test's database is flushed:
a multi-process gunicorn and a PostGIS cluster of a test's own (subprocesses, exactly as in production and
as the set-up runs them: gunicorn, bin/db), and the live server the browser tests talk to (Django's
threaded test server, in this process).

Also the helpers for processes the tests and benchmarks start: a free port, the production environment,
stopping a process by its id. The services' stand-ins (SMTP, Graph API, push service, Open311, the
worker) are in tests/standins.py.
"""

import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Ports handed out before the process that listens on them starts (gunicorn, a PostgreSQL cluster, the
# SMTP stand-in). Under pytest-xdist each worker (gw0, gw1, ...) draws from a block of its own, below the
# system's ephemeral range (32768 and up, where bind(0) and outgoing connections take theirs): two workers
# never choose the same port, and no client socket takes one between the choice and the server's bind.
# Without xdist, the system chooses. Servers that can bind port 0 themselves do so instead.
PORT_BASE, PORT_BLOCK = 20000, 1000
_handed_out: set[int] = set()


def free_port() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    first = PORT_BASE + int(worker[2:]) * PORT_BLOCK
    block = [port for port in range(first, first + PORT_BLOCK) if port not in _handed_out]
    random.SystemRandom().shuffle(block)  # pytest-randomly reseeds the random module: not that one
    for port in block:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port left in {first}-{first + PORT_BLOCK - 1} for xdist worker {worker}")


def stop_process(process: subprocess.Popen | None, timeout_s: float = 30) -> None:
    """TERM a process we started, by its PID, and KILL it if it lingers; returns once it has exited."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def production_env(database_url: str) -> dict:
    """The environment of a production-mode process against ``database_url``, as the resilience tests
    and the benchmarks run gunicorn."""
    return {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "geo.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PEKA_SSL_REDIRECT": "false",
        # Load from one address on purpose: the abuse limits would refuse it (tests/test_rate_limits.py
        # proves them).
        "PEKA_RATE_LIMIT_INTAKE": "0",
        "PEKA_RATE_LIMIT_SUPPORT": "0",
        "PEKA_RATE_LIMIT_OPEN311": "0",
        # One log line per request would cost more than some requests themselves.
        "PEKA_LOG_LEVEL": "WARNING",
    }


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


class LiveServer:
    """Django's threaded test server in a thread of this process, as pytest-django's ``live_server``
    (the same ``url`` and settings hook), but one that can be stopped for good before a flush: ``stop()``
    stops accepting, hangs up the connections still open (a browser's keep-alive ones), waits for every
    request still running to finish (each closes its database connection as it ends), then ends the
    thread. pytest-django's, and Django's own, leave request threads running after a stop (they are
    daemon threads nobody waits for), so a request still under way when a test ended ran on into the
    TRUNCATE of the flush: a deadlock."""

    def __init__(self, addr: str = "localhost", join_timeout_s: float = 30):
        from django.conf import settings
        from django.contrib.staticfiles.handlers import StaticFilesHandler
        from django.test.testcases import LiveServerThread
        from django.test.utils import modify_settings

        server_class = _draining_server_class()

        class Thread(LiveServerThread):
            pass

        Thread.server_class = server_class
        assert "django.contrib.staticfiles" in settings.INSTALLED_APPS
        host, _, port = addr.partition(":")
        self.join_timeout_s = join_timeout_s
        self.thread = Thread(host, static_handler=StaticFilesHandler, connections_override={}, port=int(port or 0))
        self.thread.daemon = True
        # Enabled and disabled around each test by pytest-django's _live_server_helper.
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": host})
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error

    @property
    def url(self) -> str:
        return f"http://{self.thread.host}:{self.thread.port}"

    def __str__(self) -> str:
        return self.url

    def __add__(self, other: str) -> str:
        return f"{self}{other}"

    def __repr__(self) -> str:
        return f"<LiveServer listening at {self.url}>"

    def stop(self) -> None:
        httpd = getattr(self.thread, "httpd", None)
        if httpd is None:
            self.thread.join()
            return
        httpd.shutdown()  # no new connections from here on
        still_running = httpd.hang_up_and_join(self.join_timeout_s)
        httpd.server_close()
        self.thread.join()
        if still_running:
            raise RuntimeError(
                f"the live server's requests still ran {self.join_timeout_s:.0f} s after the test: {still_running}"
            )


_server_class = None


def _draining_server_class():
    """ThreadedWSGIServer that knows its request threads and their sockets (built on first use: Django
    is imported only then)."""
    global _server_class
    if _server_class is not None:
        return _server_class
    from django.core.servers.basehttp import ThreadedWSGIServer

    class DrainingWSGIServer(ThreadedWSGIServer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._lock = threading.Lock()
            self._requests: dict[threading.Thread, socket.socket] = {}

        def process_request(self, request, client_address):
            thread = threading.Thread(
                target=self.process_request_thread,
                args=(request, client_address),
                name=f"live server: connection from port {client_address[1]}",
                daemon=True,
            )
            with self._lock:
                self._requests[thread] = request
            thread.start()

        def process_request_thread(self, request, client_address):
            try:
                # Django's: handles the connection's requests, then closes this thread's database
                # connections (close_request).
                super().process_request_thread(request, client_address)
            finally:
                with self._lock:
                    self._requests.pop(threading.current_thread(), None)

        def hang_up_and_join(self, timeout_s: float) -> list[str]:
            """Shut every open connection (a request under way still runs to its end; only its answer
            is lost) and wait for the threads; the names of those still running after ``timeout_s``."""
            with self._lock:
                open_now = dict(self._requests)
            for sock in open_now.values():
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            deadline = time.monotonic() + timeout_s
            for thread in open_now:
                thread.join(max(0.0, deadline - time.monotonic()))
            return [thread.name for thread in open_now if thread.is_alive()]

    _server_class = DrainingWSGIServer
    return _server_class
