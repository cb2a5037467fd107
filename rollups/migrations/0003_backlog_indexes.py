"""Indexes that let the report card find the oldest complaint of each group's backlog without
reading the complaint table: the still-open ones by filing time, and the ones closed after a
period's end by closing time, each carrying the groups (index-only scans)."""

from django.db import migrations

_GROUPS = "agency_id, task_force_id, kecamatan_id, category_id, private"


class Migration(migrations.Migration):
    dependencies = [("rollups", "0002_triggers")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX complaint_backlog_open ON complaints_complaint (created_at) INCLUDE ({_GROUPS}) "
            "WHERE closed_at IS NULL",
            "DROP INDEX complaint_backlog_open",
        ),
        migrations.RunSQL(
            f"CREATE INDEX complaint_backlog_closed ON complaints_complaint (closed_at) INCLUDE (created_at, {_GROUPS})",
            "DROP INDEX complaint_backlog_closed",
        ),
    ]
