"""The holiday calendar that working days skip. The triggers that keep the rollups exact are not
created here: rollups.definition installs today's after every migrate (and counts every rollup), so
no migration runs trigger SQL written for tables it does not know. Going back drops them."""

from django.db import migrations

from rollups import sql
from rollups.calendar import refresh_holidays


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        refresh_holidays(cursor)


class Migration(migrations.Migration):
    dependencies = [("rollups", "0001_initial")]

    operations = [
        migrations.RunSQL(migrations.RunSQL.noop, sql.DROP_TRIGGERS),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
