"""Real servers for the resilience tests: a multi-process gunicorn, and a PostGIS cluster of a test's own.

Both are started as subprocesses, exactly as in production (gunicorn) and as the set-up does (bin/db),
and stopped by their process id or data directory when the test ends.
"""

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.server import free_port, production_env, stop_process

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
