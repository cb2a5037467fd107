"""A live gunicorn serving the site from the bench database, as production runs it (debug off).

    with live_server(workers=2, threads=4) as url:
        ...  # url is http://127.0.0.1:<free port>

Production settings (geo/settings.py) are switched on through the environment: DJANGO_DEBUG=false
with a throwaway secret key, 127.0.0.1 as the only allowed host, and no HTTPS redirect because the
benchmark talks plain HTTP on loopback (production terminates TLS in front of gunicorn). Static files
are collected first, since with debug off whitenoise serves the hashed, compressed copies. The server
is stopped by its PID when the block ends, also on Ctrl-C or an error.
"""

import contextlib
import http.client
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import BENCH_DB, progress
from tests.servers import free_port, stop_process
from tests.servers import production_env as _production_env

ROOT = Path(__file__).resolve().parent.parent


def production_env(database_url: str = BENCH_DB) -> dict:
    """The environment of a production-mode process against ``database_url`` (the bench database
    unless told), as the benchmarks and the resilience tests run gunicorn (tests/servers.py)."""
    return _production_env(database_url)


def kind(workers: int, threads: int) -> str:
    """How the server runs, in words: '3 sync workers' or '2 gthread workers x 4 threads'."""
    return f"{workers} sync workers" if threads <= 1 else f"{workers} gthread workers x {threads} threads"


@contextlib.contextmanager
def live_server(
    *, workers: int = 2, threads: int = 4, collect_static: bool = False, env: dict | None = None
) -> Iterator[str]:
    """Run gunicorn on a free loopback port for the duration of the block; yields its base URL.
    ``env`` adds to (or overrides) the production environment."""
    env = {**production_env(), **(env or {})}
    if collect_static:
        _collect_static(env)
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "geo.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync" if threads <= 1 else "gthread",
        "--threads",
        str(max(threads, 1)),
        # Keep-alive connections for gthread (sync workers close after each answer anyway).
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    progress(f"gunicorn (PID {server.pid}) on 127.0.0.1:{port}: {kind(workers, threads)}, debug off")
    # A TERM to the benchmark (a CI timeout, `kill`) unwinds like Ctrl-C, so the server is stopped too.
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        _wait_until_serving(server, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(server)
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _collect_static(env: dict) -> None:
    """Collect the static files as production does (hashed, compressed)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def _wait_until_serving(server: subprocess.Popen, port: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode} before serving")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v1/boundaries/kecamatan/")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout_s:.0f} s")


def _stop(server: subprocess.Popen) -> None:
    """TERM the gunicorn master by its PID (it stops its workers), KILL it if it lingers."""
    if server.poll() is not None:
        return
    stop_process(server, timeout_s=15)
    progress(f"gunicorn (PID {server.pid}) stopped")
