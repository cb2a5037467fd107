"""The tile cell rollup (rollups.models.TileCell): its table, the complaint triggers redefined to
keep it too, and its first count from the complaints there are."""

from django.db import migrations, models

from rollups import sql
from rollups.models import TileCell


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        sql.rebuild(cursor, tables=(TileCell._meta.db_table,))


class Migration(migrations.Migration):
    dependencies = [("rollups", "0005_cell_read_index")]

    operations = [
        migrations.CreateModel(
            name="TileCell",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("level", models.SmallIntegerField()),
                ("category_id", models.BigIntegerField()),
                ("status", models.CharField(max_length=16)),
                ("cx", models.IntegerField()),
                ("cy", models.IntegerField()),
                ("n", models.IntegerField()),
                ("sx", models.FloatField()),
                ("sy", models.FloatField()),
                ("sid", models.BigIntegerField()),
                ("sid2", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("level", "cx", "cy", "category_id", "status"), name="rollups_tilecell_key"
                    )
                ],
            },
        ),
        # Reversed: the trigger functions without this rollup's contribution, before the table goes.
        migrations.RunSQL(
            sql.trigger_functions(),
            sql.trigger_functions(tuple(c for c in sql.CONTRIBUTIONS if TileCell._meta.db_table not in c)),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
