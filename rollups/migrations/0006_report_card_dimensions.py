"""What the report card needs beyond the first rollups: the channel as a dimension (no column: its
rows come with the next count), the received complaints an officer has, the forwarded closures and
the resolutions verified on site. Database defaults, so the triggers of before keep writing until
rollups.definition replaces them after the migration."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rollups", "0005_cell_read_index")]

    operations = [
        migrations.AddField(model_name="flowday", name="assigned", field=models.IntegerField(db_default=0)),
        migrations.AddField(model_name="flowday", name="forwarded", field=models.IntegerField(db_default=0)),
        migrations.AddField(model_name="resolutionday", name="on_site", field=models.IntegerField(db_default=0)),
    ]
