"""A closing verified on the spot: whether, how far and by what (the position itself is not stored)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0011_assignment'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaintevent',
            name='site_distance_m',
            field=models.FloatField(blank=True, null=True, verbose_name='distance from the complaint (m)'),
        ),
        migrations.AddField(
            model_name='complaintevent',
            name='site_evidence',
            field=models.CharField(blank=True, choices=[('photo', "the after photo's GPS"), ('device', "the device's position")], db_default='', default='', max_length=8),
        ),
        migrations.AddField(
            model_name='complaintevent',
            name='verified_on_site',
            field=models.BooleanField(blank=True, null=True, verbose_name='verified on site'),
        ),
    ]
