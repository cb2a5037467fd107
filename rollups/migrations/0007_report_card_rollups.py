"""The triggers of today's rollups.sql (the channel dimension, assigned, forwarded, on site), every
rollup counted again, and the backlog indexes (0003) carrying the channel too."""

from django.db import migrations

from rollups import sql

_GROUPS = "agency_id, task_force_id, kecamatan_id, category_id, channel, private"
_OLD_GROUPS = "agency_id, task_force_id, kecamatan_id, category_id, private"


def _backlog_indexes(groups: str) -> str:
    return (
        "DROP INDEX IF EXISTS complaint_backlog_open; DROP INDEX IF EXISTS complaint_backlog_closed; "
        f"CREATE INDEX complaint_backlog_open ON complaints_complaint (created_at) INCLUDE ({groups}) "
        "WHERE closed_at IS NULL; "
        f"CREATE INDEX complaint_backlog_closed ON complaints_complaint (closed_at) INCLUDE (created_at, {groups})"
    )


def recount(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        sql.rebuild(cursor)


class Migration(migrations.Migration):
    dependencies = [("rollups", "0006_report_card_dimensions"), ("complaints", "0016_resolved_on_site")]

    operations = [
        migrations.RunSQL(sql.DROP_TRIGGERS + sql.TRIGGERS, migrations.RunSQL.noop),
        migrations.RunSQL(_backlog_indexes(_GROUPS), _backlog_indexes(_OLD_GROUPS)),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
