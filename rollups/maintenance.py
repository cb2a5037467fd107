"""An initial load of many complaints: the rollups' triggers suspended, and the rollups counted once at its end."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from complaints.models import Complaint, ComplaintEvent
from rollups.sql import COMPLAINTS, rebuild

_TRIGGERS = ("rollups_insert", "rollups_update", "rollups_delete")


@contextmanager
def counted_at_the_end(cursor):
    """Inside one transaction: the complaint table's rollup triggers off, then every rollup counted
    once from scratch and the triggers on again. A grouped count over the loaded table costs a
    fraction of counting chunk by chunk into existing rows. ALTER TABLE locks the table until the
    transaction ends, so nobody writes a complaint meanwhile that the count would miss; if the load
    fails, the transaction takes the switch back with it."""
    for trigger in _TRIGGERS:
        cursor.execute(f"ALTER TABLE {COMPLAINTS} DISABLE TRIGGER {trigger}")
    yield
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # pending checks would refuse the ALTER TABLE
    rebuild(cursor)
    for trigger in _TRIGGERS:
        cursor.execute(f"ALTER TABLE {COMPLAINTS} ENABLE TRIGGER {trigger}")


@contextmanager
def initial_load() -> Iterator[None]:
    """A first, large load (a city's history, the benchmark's million): every ``complaints.bulk.complaints_load``
    inside runs in one transaction with the complaint table's secondary indexes and the foreign keys
    of the complaint and event tables dropped, and the rollups counted once at the end; then the
    indexes are built again and the foreign keys added again from their own definitions, which checks
    every loaded row at once (one join per key, instead of a trigger per row and key: what pg_restore
    does too). The unique indexes stay (a repeated row must still be refused). Nobody else can write
    complaints meanwhile: dropping an index locks the table until the transaction ends."""
    tables = [Complaint._meta.db_table, ComplaintEvent._meta.db_table]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary
            """,
            [tables[0]],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid, conname
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        with counted_at_the_end(cursor):
            yield
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
