"""Moderation: the public description, hidden photos, categories moderated first."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0012_closure_on_site'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='moderated_first',
            field=models.BooleanField(db_default=False, default=False, help_text="A citizen's text and photos are public only after the first staff action.", verbose_name='moderated first'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='held',
            field=models.BooleanField(db_default=False, default=False, editable=False, verbose_name='held for moderation'),
        ),
        migrations.AddField(
            model_name='complaint',
            name='public_description',
            field=models.TextField(blank=True, editable=False, null=True, verbose_name='public description'),
        ),
        migrations.AddField(
            model_name='photo',
            name='hidden',
            field=models.BooleanField(db_default=False, default=False, verbose_name='hidden from the public'),
        ),
        migrations.AlterField(
            model_name='complaintevent',
            name='kind',
            field=models.CharField(choices=[('created', 'filed'), ('status', 'status changed'), ('note', 'note'), ('assigned', 'assigned'), ('rerouted', 're-routed'), ('reopened', 'reopened by the citizen'), ('rated', 'rated by the citizen'), ('added', 'information added by the reporter'), ('privacy', 'privacy changed'), ('moderated', 'moderated')], max_length=16),
        ),
    ]
