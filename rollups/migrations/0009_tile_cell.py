"""The tile cell rollup (rollups.models.TileCell). rollups.definition then installs the triggers that
keep it and counts it, with every other rollup, after the migration."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rollups", "0008_cell_month")]

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
    ]
