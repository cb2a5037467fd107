"""Routing open complaints again after boundaries or jurisdictions change (docs/rules.md, routing rule 4).

Set-based, like a bulk load: the open complaints' points go into an indexed staging table, the
routing statement (complaints.routing.assignment_sql) runs over all of them at once, and one UPDATE
moves those whose kecamatan, kelurahan, agency or jurisdiction changed, with one event each.

PostgreSQL runs the routing statement on one core (its plan has no parallel form), so when re-routing
is its own transaction the open complaints are split by id into ``WORKERS`` shares, each routed on its
own connection at the same time; only the complaints that move come back, and one transaction then
moves them all. Called inside a transaction (which may hold changes the other connections cannot
see), it routes everything on the caller's connection instead.
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection, transaction

from boundaries.models import Agency, Jurisdiction, Kecamatan, Kelurahan
from complaints.events import complaints_rerouted
from complaints.models import OPEN_STATUSES, AssignmentRule, Category, Complaint, ComplaintEvent, EventKind
from complaints.routing import assignment_sql


@dataclass
class RerouteReport:
    checked: int = 0
    moved_complaints: int = 0
    moved: Counter = field(default_factory=Counter)  # (what, from, to) → complaints
    committed: bool = False
    skipped_changed: int = 0  # changed by someone else while re-routing ran: left for the next run

    def lines(self) -> list[str]:
        verb = "re-routed" if self.committed else "would re-route (dry run, nothing written)"
        head = f"{self.checked} open complaints checked; {verb}: {self.moved_complaints}"
        lines = [head] + [f"  {what}: {old} → {new}: {n}" for (what, old, new), n in sorted(self.moved.items())]
        if self.skipped_changed:
            lines.append(f"  changed meanwhile by someone else, left for the next run: {self.skipped_changed}")
        return lines


# What a move reports, by the column that changed and the table that names its codes.
_COMPARED = {
    "kecamatan": ("kecamatan_id", Kecamatan),
    "kelurahan": ("kelurahan_id", Kelurahan),
    "agency": ("agency_id", Agency),
    "jurisdiction": ("jurisdiction_id", Jurisdiction),
}


WORKERS = 2  # the machine's cores


def _moves_sql(assigned: str, points: str) -> str:
    """The complaints of ``points`` whose routing differs, with what they had and what they get."""
    table = Complaint._meta.db_table
    differs = " OR ".join(f"c.{column} IS DISTINCT FROM a.{column}" for column, _model in _COMPARED.values())
    return f"""
        SELECT c.id, c.version, {", ".join(f"c.{col} AS old_{col}, a.{col}" for col, _m in _COMPARED.values())},
               c.task_force_id AS old_task_force_id, a.task_force_id, a.area_rule, a.assignment_rule,
               a.routing_reason, c.jurisdiction_id IS DISTINCT FROM a.jurisdiction_id AS jurisdiction_changed
        FROM ({assigned}) a JOIN {table} c ON c.id = a.i
        WHERE {differs}
    """


def _stage(cursor, name: str, *, share: int = 0, shares: int = 1) -> int:
    """The open complaints' points (those with ``id % shares = share``) in an indexed temporary table."""
    cursor.execute(
        f"""
        DROP TABLE IF EXISTS {name};
        CREATE TEMP TABLE {name} ON COMMIT DROP AS
            SELECT c.id AS i, cat.code AS category, c.location AS g
            FROM {Complaint._meta.db_table} c JOIN {Category._meta.db_table} cat ON cat.id = c.category_id
            WHERE c.status = ANY(%(open)s) AND c.id %% %(shares)s = %(share)s
              -- The asset's owner decided these, not the polygons (docs/rules.md, routing rule 3).
              AND c.assignment_rule <> %(asset_owner)s;
        CREATE INDEX ON {name} USING gist (g);
        ANALYZE {name}
        """,
        {
            "open": list(OPEN_STATUSES),
            "share": share,
            "shares": shares,
            "asset_owner": AssignmentRule.ASSET_OWNER.value,
        },
    )
    return _count(cursor, name)


def _route_share(share: int, shares: int) -> tuple[int, list[tuple]]:
    """On this thread's own connection: route one share of the open complaints; (checked, moves)."""
    assigned, params = assignment_sql("reroute_points")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            checked = _stage(cursor, "reroute_points", share=share, shares=shares)
            cursor.execute(_moves_sql(assigned, "reroute_points"), params)
            return checked, cursor.fetchall()
    finally:
        connection.close()


def complaints_reroute(*, commit: bool = False) -> RerouteReport:
    """Route every open complaint again; move those whose kecamatan, kelurahan, agency or jurisdiction
    changed. A task force a supervisor chose by hand is kept unless the jurisdiction itself changed.
    A point that left the city keeps its place rather than being dropped. Without ``commit`` nothing
    is written; the report says what would move.

    No complaint is locked while the routing runs: the UPDATE only moves a complaint whose version is
    still the one read, so a staff action meanwhile wins and the next run picks the complaint up.
    """
    report = RerouteReport(committed=commit)
    assigned, params = assignment_sql("reroute_points")
    table = Complaint._meta.db_table
    parallel = not connection.in_atomic_block and WORKERS > 1
    shares = []
    if parallel:
        with ThreadPoolExecutor(WORKERS) as pool:
            shares = list(pool.map(_route_share, range(WORKERS), [WORKERS] * WORKERS))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS rerouted")
        if parallel:
            report.checked = sum(checked for checked, _moves in shares)
            # The moves the shares found, into a table shaped by the same statement over no points.
            _stage(cursor, "reroute_points", share=-1)
            cursor.execute(
                f"CREATE TEMP TABLE rerouted ON COMMIT DROP AS {_moves_sql(assigned, 'reroute_points')}", params
            )
            with cursor.copy("COPY rerouted FROM STDIN") as copy:
                for _checked, moves in shares:
                    for row in moves:
                        copy.write_row(row)
        else:
            report.checked = _stage(cursor, "reroute_points")
            # Raw SQL: an UPDATE … FROM a routing statement is beyond the ORM.
            cursor.execute(
                f"CREATE TEMP TABLE rerouted ON COMMIT DROP AS {_moves_sql(assigned, 'reroute_points')}", params
            )
        if commit:
            cursor.execute(
                f"""
                WITH moved AS (
                    UPDATE {table} c
                    SET kecamatan_id = r.kecamatan_id, kelurahan_id = r.kelurahan_id, agency_id = r.agency_id,
                        jurisdiction_id = r.jurisdiction_id,
                        task_force_id = CASE WHEN r.jurisdiction_changed THEN r.task_force_id ELSE c.task_force_id END,
                        -- an officer works for one task force: a complaint handed to another loses them
                        assigned_to_id = CASE WHEN r.jurisdiction_changed AND r.task_force_id IS DISTINCT FROM c.task_force_id
                                              THEN NULL ELSE c.assigned_to_id END,
                        area_rule = r.area_rule, assignment_rule = r.assignment_rule,
                        routing_reason = r.routing_reason, version = c.version + 1, updated_at = now()
                    FROM rerouted r
                    WHERE c.id = r.id AND c.version = r.version
                    RETURNING c.id, c.status, c.routing_reason, c.updated_at
                ),
                -- The set form of complaints.events.event_record: one "rerouted" event per moved
                -- complaint, announced below as one complaints_rerouted.
                events AS (
                    INSERT INTO {ComplaintEvent._meta.db_table} (complaint_id, at, kind, from_status, to_status, note, public)
                    SELECT id, updated_at, %(kind)s, status, status, routing_reason, false FROM moved
                )
                DELETE FROM rerouted r WHERE NOT EXISTS (SELECT 1 FROM moved m WHERE m.id = r.id)
                """,
                {"kind": EventKind.REROUTED},
            )
            report.skipped_changed = cursor.rowcount
            # The moves, announced in this transaction: notifications tells the reporters of complaints
            # handed to another agency, and the task forces whose inbox a complaint enters.
            cursor.execute(
                """
                SELECT id, version + 1, old_agency_id IS DISTINCT FROM agency_id,
                       jurisdiction_changed AND old_task_force_id IS DISTINCT FROM task_force_id
                FROM rerouted
                """
            )
            complaints_rerouted.send(sender=Complaint, moves=cursor.fetchall())
        report.moved_complaints = _count(cursor, "rerouted")
        for what, (column, model) in _COMPARED.items():
            cursor.execute(
                f"""
                SELECT coalesce(o.code, '—'), coalesce(n.code, '—'), count(*)
                FROM rerouted r
                LEFT JOIN {model._meta.db_table} o ON o.id = r.old_{column}
                LEFT JOIN {model._meta.db_table} n ON n.id = r.{column}
                WHERE r.old_{column} IS DISTINCT FROM r.{column}
                GROUP BY 1, 2
                """
            )
            for old, new, n in cursor.fetchall():
                report.moved[(what, old, new)] = n
    return report


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")
    return cursor.fetchone()[0]
