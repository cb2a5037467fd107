"""Make complaint_open_location the partial index it was declared to be.

GeoDjango's PostGIS schema editor builds an index on a single geometry field through its own
spatial-index path, which drops the index's ``condition``: 0004 created a second GiST index over
every complaint instead of over the open ones (a duplicate that slowed every insert). The model
state is right; only the database object is rebuilt here.
"""

from django.db import migrations

OPEN = "'baru', 'diverifikasi', 'dikerjakan'"  # complaints.models.OPEN_STATUSES when this was written


class Migration(migrations.Migration):
    dependencies = [("complaints", "0004_open_location_index")]

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP INDEX IF EXISTS complaint_open_location",
                "CREATE INDEX complaint_open_location ON complaints_complaint USING gist (location) "
                f"WHERE status IN ({OPEN})",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS complaint_open_location",
                "CREATE INDEX complaint_open_location ON complaints_complaint USING gist (location)",
            ],
        )
    ]
