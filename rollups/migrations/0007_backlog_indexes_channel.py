"""The backlog indexes (0003) carry the channel too: the report card's oldest complaint per channel
is then an index-only scan as well."""

from django.db import migrations

_GROUPS = "agency_id, task_force_id, kecamatan_id, category_id, channel, private"
_OLD_GROUPS = "agency_id, task_force_id, kecamatan_id, category_id, private"


def _backlog_indexes(groups: str) -> str:
    return (
        "DROP INDEX IF EXISTS complaint_backlog_open; DROP INDEX IF EXISTS complaint_backlog_closed; "
        f"CREATE INDEX complaint_backlog_open ON complaints_complaint (created_at) INCLUDE ({groups}) "
        "WHERE closed_at IS NULL; "
        f"CREATE INDEX complaint_backlog_closed ON complaints_complaint (closed_at) INCLUDE (created_at, {groups})"
    )


class Migration(migrations.Migration):
    dependencies = [("rollups", "0006_report_card_dimensions"), ("complaints", "0016_resolved_on_site")]

    operations = [migrations.RunSQL(_backlog_indexes(_GROUPS), _backlog_indexes(_OLD_GROUPS))]
