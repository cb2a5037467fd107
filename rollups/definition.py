"""The rollups' triggers follow the code: after every ``migrate``, if the trigger SQL in the database
is not today's ``rollups.sql.TRIGGERS`` (compared by a digest kept as the comment of one of its
functions), the triggers are replaced and every rollup is counted again, in one transaction.

So a migration only changes tables (a column, a new rollup table); it never carries trigger SQL of
its own. Migrations that run before the triggers exist (a new database) write complaints freely, and
an old migration never runs today's SQL against yesterday's tables.
"""

import hashlib
import time

from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor

from rollups import sql

_MARKED = "rollups_on_insert()"


def digest() -> str:
    return hashlib.sha256(sql.TRIGGERS.encode()).hexdigest()[:16]


def installed_digest(cursor) -> str | None:
    cursor.execute("SELECT obj_description(to_regprocedure(%s), 'pg_proc')", [_MARKED])
    return cursor.fetchone()[0]


def sync(using: str = "default", *, stdout=None) -> bool:
    """Replace the triggers and recount when their definition changed; whether it did."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        wanted = digest()
        if installed_digest(cursor) == wanted:
            return False
        started = time.perf_counter()
        if stdout:
            stdout.write("  Rollups: the trigger definition changed; replacing it and counting every rollup again…")
        cursor.execute(sql.DROP_TRIGGERS + sql.TRIGGERS)
        cursor.execute(f"COMMENT ON FUNCTION {_MARKED} IS '{wanted}'")  # hexadecimal digits only
        sql.rebuild(cursor)
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            sql.settle(cursor)
    if stdout:
        stdout.write(f"  Rollups counted again in {time.perf_counter() - started:.1f} s.")
    return True


def after_migrate(sender, using="default", stdout=None, verbosity=1, plan=None, **kwargs):
    """post_migrate, sent with the rollups app as sender: by ``migrate`` with the plan it ran, and by
    ``flush`` without one (a flush changes no definition, so it is left alone)."""
    if plan is None or any(backwards for _migration, backwards in plan):
        return
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return  # migrated to an older state on purpose: leave the triggers alone
    sync(using, stdout=stdout if verbosity else None)
