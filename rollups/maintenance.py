"""Suspending the rollups' triggers for an initial load, and counting once at its end."""

from contextlib import contextmanager

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
