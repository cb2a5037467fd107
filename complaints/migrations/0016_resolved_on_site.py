"""The current resolution's on-site verdict on the complaint itself, copied from its closing event
(the latest move to selesai), so the report card's resolution rollup can count it. After the rollup
columns exist (rollups 0006), which the triggers of before leave at their defaults."""

from django.db import migrations, models

_FROM_EVENTS = """
UPDATE complaints_complaint c SET resolved_on_site = e.verified_on_site
FROM (
    SELECT DISTINCT ON (complaint_id) complaint_id, verified_on_site
    FROM complaints_complaintevent
    WHERE kind = 'status' AND to_status = 'selesai'
    ORDER BY complaint_id, at DESC, id DESC
) e
WHERE e.complaint_id = c.id AND c.status = 'selesai' AND e.verified_on_site IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0015_assets_and_forwarding"),
        ("rollups", "0006_report_card_dimensions"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="resolved_on_site",
            field=models.BooleanField(blank=True, null=True, verbose_name="resolved on site"),
        ),
        migrations.RunSQL(_FROM_EVENTS, migrations.RunSQL.noop),
    ]
