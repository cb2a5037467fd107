"""Statements planned once per database connection (server-side PREPARE, then EXECUTE).

A few hot statements take longer to plan than to run (routing a pin, a complaint's GeoJSON: about
1 ms of planning each against a few tenths of running). Each connection PREPAREs such a statement
the first time it runs it (a prepared statement lives as long as its session, whatever happens to
transactions), and the connections use generic plans (geo.settings: plan_cache_mode), so an
EXECUTE does not plan again. Plain SQL PREPARE: a pooler in front must keep sessions (PgBouncer's
session mode), as docs/operations.md says.
"""

import weakref


class Prepared:
    """``sql`` with named parameters ``%(name)s``, prepared as ``name``; ``arguments`` maps each
    parameter to its SQL type, in the order of the statement's $1, $2, ..."""

    def __init__(self, name: str, sql: str, arguments: dict[str, str]):
        self.name = name
        self.arguments = arguments
        for n, argument in enumerate(arguments, start=1):
            sql = sql.replace(f"%({argument})s", f"${n}")
        self.sql = sql
        self._prepared_on: weakref.WeakSet = weakref.WeakSet()

    def prepare(self, cursor) -> None:
        """PREPARE the statement on ``cursor``'s session."""
        cursor.execute(f"PREPARE {self.name}({', '.join(self.arguments.values())}) AS {self.sql}")

    def execute(self, cursor, params: dict) -> None:
        """EXECUTE it with ``params`` (by name) on ``cursor``, preparing it first on a new connection."""
        if cursor.connection not in self._prepared_on:
            self.prepare(cursor)
            self._prepared_on.add(cursor.connection)
        cursor.execute(
            f"EXECUTE {self.name}({', '.join(['%s'] * len(self.arguments))})", [params[a] for a in self.arguments]
        )
