"""The complaint and photo tables' triggers that keep the rollups exact (rollups.sql). Apart from 0001: the tables' unique keys, which the triggers' upserts need, exist only once
0001 has ended."""

from django.db import migrations

from rollups import sql
from rollups.calendar import refresh_holidays


def fill(apps, schema_editor):
    """The holidays (resolution times count working days). The rollups are counted by the latest
    migration that changed their definition (0007), when every column they read exists."""
    with schema_editor.connection.cursor() as cursor:
        refresh_holidays(cursor)


class Migration(migrations.Migration):
    dependencies = [("rollups", "0001_initial")]

    operations = [
        migrations.RunSQL(sql.TRIGGERS, sql.DROP_TRIGGERS),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
