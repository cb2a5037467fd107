"""manage.py backup and restore: a dump of the test database restored into a fresh empty database holds
the same rows (counts of the main tables, checksums of complaints and events); a target that already has
complaints is refused; a missing or too old pg_dump is a clear error."""

import io
import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from boundaries.models import BoundaryPiece, Jurisdiction, Kecamatan, Kelurahan
from complaints.models import Category, Complaint, ComplaintEvent, Photo, PhotoKind, Role, Status
from complaints.workflow import complaint_transition
from tests.servers import database_url

MAIN_TABLES = [Kecamatan, Kelurahan, BoundaryPiece, Jurisdiction, Category, Complaint, ComplaintEvent, Photo]
CHECKSUM = "SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {} t"


def figures(cursor) -> dict:
    """Row counts of the main tables, and checksums of every complaint and event row."""
    found = {}
    for model in MAIN_TABLES:
        cursor.execute(f"SELECT count(*) FROM {model._meta.db_table}")
        found[model._meta.db_table] = cursor.fetchone()[0]
    for model in (Complaint, ComplaintEvent):
        cursor.execute(CHECKSUM.format(model._meta.db_table))
        found[f"md5 {model._meta.db_table}"] = cursor.fetchone()[0]
    return found


@pytest.fixture
def empty_database(transactional_db):
    """A new database on the test cluster, created from template0: no tables, not even PostGIS."""
    settings_dict = connection.settings_dict
    name = f"peka_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        dbname="postgres", host=settings_dict["HOST"], port=settings_dict["PORT"], user=settings_dict["USER"]
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    yield {**settings_dict, "NAME": name}
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def complaints_with_history(committed_city, file_complaint, staff_user):
    """Three complaints, one acknowledged by staff (a second event), one with a photo row."""
    filed = [file_complaint(101.44 + 0.002 * n, 0.51, description=f"Keluhan nomor {n}.") for n in range(3)]
    admin = staff_user("admin.cadangan", Role.CITY_ADMIN)
    complaint_transition(complaint=filed[0], actor=admin, to_status=Status.DIVERIFIKASI, version=1)
    Photo.objects.create(
        complaint=filed[1], kind=PhotoKind.REPORT, image="photos/a.jpg", thumbnail="photos/a_t.jpg", width=4, height=3
    )
    return filed


def test_backup_restored_into_an_empty_database_holds_the_same_rows(
    complaints_with_history, empty_database, tmp_path, capsys
):
    dump = tmp_path / "peka.dump"
    out = io.StringIO()
    call_command("backup", "--output", str(dump), stdout=out)
    assert dump.stat().st_size > 0 and "3 complaints" in out.getvalue()
    assert not list(tmp_path.glob("*.partial"))

    out = io.StringIO()
    call_command("restore", str(dump), "--database-url", database_url(empty_database), stdout=out)
    assert "3 complaints" in out.getvalue()

    with connection.cursor() as cursor:
        original = figures(cursor)
    assert original["complaints_complaint"] == 3 and original["complaints_complaintevent"] == 4
    assert original["complaints_photo"] == 1
    restored_db = psycopg.connect(
        dbname=empty_database["NAME"], host=empty_database["HOST"], port=empty_database["PORT"], user="postgres"
    )
    try:
        with restored_db.cursor() as cursor:
            assert figures(cursor) == original
            # The audit trail's guard came along: events stay append-only in the copy.
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                cursor.execute("UPDATE complaints_complaintevent SET note = 'changed'")
    finally:
        restored_db.close()
    with capsys.disabled():
        print(f"\n  backup: {out.getvalue().strip()}")


def test_restore_refuses_a_database_that_holds_complaints(complaints_with_history, tmp_path):
    dump = tmp_path / "peka.dump"
    call_command("backup", "--output", str(dump), stdout=io.StringIO())
    Complaint.objects.filter(pk=complaints_with_history[2].pk).update(description="Diubah setelah cadangan.")

    with pytest.raises(CommandError, match="already holds 3 complaints"):
        call_command(
            "restore", str(dump), "--database-url", database_url(connection.settings_dict), stdout=io.StringIO()
        )
    assert Complaint.objects.get(pk=complaints_with_history[2].pk).description == "Diubah setelah cadangan."


def test_restore_of_a_broken_file_changes_nothing(complaints_with_history, empty_database, tmp_path):
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP not really a dump")
    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("restore", str(broken), "--database-url", database_url(empty_database), stdout=io.StringIO())


def test_missing_or_old_pg_dump_is_a_clear_error(committed_city, settings, tmp_path):
    settings.PEKA_PGBIN = str(tmp_path)
    with pytest.raises(CommandError, match=r"pg_dump was not found .*PEKA_PGBIN"):
        call_command("backup", "--output", str(tmp_path / "x.dump"), stdout=io.StringIO())

    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    with pytest.raises(CommandError, match=r"older than the server \(PostgreSQL 15\)"):
        call_command("backup", "--output", str(tmp_path / "x.dump"), stdout=io.StringIO())
    assert not (tmp_path / "x.dump").exists()
