"""Backups of the whole database: ``pg_dump`` in its custom format, ``pg_restore`` into an empty database.

A dump holds every table (boundaries, routing pieces, agencies, complaints, events, photo rows,
accounts) but not the photo files themselves, which live under PEKA_MEDIA_ROOT. The client tools
must be at least as new as the server: they are taken from PEKA_PGBIN when it is set, else from
Debian's ``/usr/lib/postgresql/<server major>/bin`` (as bin/db does), else from PATH.
"""

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings

COMPLAINT_TABLE = "complaints_complaint"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words an operator can act on."""


@dataclass(frozen=True)
class Database:
    """Where a database is: the parts of a Django DATABASES entry that the client tools need."""

    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = ""

    @classmethod
    def from_settings(cls, entry: dict) -> "Database":
        return cls(
            name=entry["NAME"],
            host=entry.get("HOST") or "",
            port=str(entry.get("PORT") or ""),
            user=entry.get("USER") or "",
            password=entry.get("PASSWORD") or "",
        )

    @classmethod
    def from_url(cls, url: str) -> "Database":
        return cls.from_settings(dj_database_url.parse(url))

    def __str__(self) -> str:
        return f"{self.name} on {self.host or 'the local socket'}:{self.port or 5432}"

    def tool_args(self) -> list[str]:
        args = [f"--dbname={self.name}"]
        args += [f"--host={self.host}"] if self.host else []
        args += [f"--port={self.port}"] if self.port else []
        args += [f"--username={self.user}"] if self.user else []
        return args

    def tool_env(self) -> dict:
        return {**os.environ, **({"PGPASSWORD": self.password} if self.password else {})}

    def connect(self):
        try:
            return psycopg.connect(
                dbname=self.name,
                host=self.host or None,
                port=self.port or None,
                user=self.user or None,
                password=self.password or None,
                connect_timeout=10,
            )
        except psycopg.OperationalError as exc:
            raise BackupError(f"Cannot connect to {self}: {str(exc).strip()}") from exc

    def server_major(self) -> int:
        db = self.connect()
        try:
            return db.info.server_version // 10000
        finally:
            db.close()

    def complaint_count(self) -> int | None:
        """How many complaints the database holds; None when it has no complaint table (a fresh database)."""
        db = self.connect()
        try:
            with db.cursor() as cursor:
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [COMPLAINT_TABLE])
                if not cursor.fetchone()[0]:
                    return None
                # The table name is a constant of ours, not input; the ORM would count in Django's own database.
                cursor.execute(f"SELECT count(*) FROM {COMPLAINT_TABLE}")
                return cursor.fetchone()[0]
        finally:
            db.close()


@dataclass(frozen=True)
class Outcome:
    file: Path
    size_bytes: int
    seconds: float
    complaints: int | None


def pg_tool(name: str, server_major: int) -> Path:
    """The ``pg_dump`` or ``pg_restore`` to use against a server of ``server_major``, or BackupError."""
    if settings.PEKA_PGBIN:  # the operator said where: no other version is tried behind their back
        candidates = [Path(settings.PEKA_PGBIN) / name]
    else:
        candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin") / name]
        if on_path := shutil.which(name):
            candidates.append(Path(on_path))
    found = [c for c in candidates if c.is_file() and os.access(c, os.X_OK)]
    if not found:
        raise BackupError(
            f"{name} was not found (looked in {', '.join(str(c.parent) for c in candidates) or 'PATH'}). "
            f"Install postgresql-client-{server_major} or set PEKA_PGBIN to the folder that holds it."
        )
    for tool in found:
        version = subprocess.run([tool, "--version"], capture_output=True, text=True).stdout
        if (match := re.search(r"(\d+)(?:\.\d+)?", version)) and int(match.group(1)) >= server_major:
            return tool
    raise BackupError(
        f"{name} is older than the server (PostgreSQL {server_major}): {', '.join(map(str, found))}. "
        f"Install postgresql-client-{server_major} or set PEKA_PGBIN."
    )


def database_backup(source: Database, output: Path) -> Outcome:
    """Dump ``source`` into ``output`` (pg_dump custom format). A failed dump leaves no file behind."""
    tool = pg_tool("pg_dump", source.server_major())
    complaints = source.complaint_count()
    partial = output.with_name(output.name + ".partial")
    began = time.monotonic()
    result = subprocess.run(
        [tool, "--format=custom", "--no-owner", f"--file={partial}", *source.tool_args()],
        env=source.tool_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    partial.replace(output)
    return Outcome(output, output.stat().st_size, time.monotonic() - began, complaints)


def database_restore(target: Database, dump: Path, *, force: bool = False) -> Outcome:
    """Restore ``dump`` into ``target`` in one transaction: all of it or, on any error, nothing.

    Refuses a target that holds complaints unless ``force``; a target with the schema but no
    complaints (freshly migrated) is replaced. The target database must exist.
    """
    if not dump.is_file():
        raise BackupError(f"No such file: {dump}")
    tool = pg_tool("pg_restore", target.server_major())
    existing = target.complaint_count()
    if existing and not force:
        raise BackupError(
            f"{target} already holds {existing} complaints; restore into an empty database, or pass --force "
            "to replace everything in it."
        )
    began = time.monotonic()
    result = subprocess.run(
        [tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
        + target.tool_args()
        + [str(dump)],
        env=target.tool_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed; the target is unchanged: {result.stderr.strip()}")
    return Outcome(dump, dump.stat().st_size, time.monotonic() - began, target.complaint_count())
