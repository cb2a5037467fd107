"""Supporters confirm their contact (double opt-in), one contact per row, once per complaint.

Existing rows are split into one row per contact and deduplicated on the contact's keyed hash; none of
them is confirmed (their owners never said yes), so they hear nothing and the purge removes them after
PEKA_SUPPORTERS_UNCONFIRMED_DAYS days. A confirmation token is drawn for each.
"""

import secrets

import django.contrib.postgres.fields
from django.db import migrations, models

import notifications.models


def split_and_hash(apps, schema_editor):
    from notifications.contacts import contact_hash

    Supporter = apps.get_model("notifications", "Supporter")
    seen = set()
    for supporter in Supporter.objects.order_by("id"):
        contacts = [("email", supporter.email.strip().lower())] if supporter.email else []
        contacts += [("phone", supporter.phone)] if supporter.phone else []
        for field, address in contacts:
            key = (supporter.complaint_id, contact_hash(address))
            if key in seen:
                continue
            seen.add(key)
            Supporter.objects.create(
                complaint_id=supporter.complaint_id,
                language=supporter.language,
                created_at=supporter.created_at,
                contact_hash=key[1],
                confirm_token=secrets.token_urlsafe(24),
                **{field: address},
            )
        supporter.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0007_answers_by_resolution"),
    ]

    operations = [
        migrations.AddField(
            model_name="supporter",
            name="contact_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="supporter",
            name="confirm_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="supporter",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(split_and_hash, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="supporter",
            name="confirm_token",
            field=models.CharField(
                default=notifications.models.new_confirm_token, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        migrations.AddConstraint(
            model_name="supporter",
            constraint=models.UniqueConstraint(fields=("complaint", "contact_hash"), name="supporter_contact_once"),
        ),
        migrations.AddConstraint(
            model_name="supporter",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("email", ""), models.Q(("phone", ""), _negated=True)),
                    models.Q(models.Q(("email", ""), _negated=True), ("phone", "")),
                    _connector="OR",
                ),
                name="supporter_one_contact",
            ),
        ),
        migrations.AddIndex(
            model_name="supporter",
            index=models.Index(
                condition=models.Q(("confirmed_at", None)), fields=["created_at"], name="supporter_unconfirmed"
            ),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="kind",
            field=models.CharField(
                choices=[
                    ("receipt", "receipt of a new complaint"),
                    ("status", "status change"),
                    ("note", "note from the task force"),
                    ("reassigned", "handed to another agency"),
                    ("question", "“is it fixed?” question"),
                    ("inbox", "new complaint in the inbox"),
                    ("digest", "inbox digest"),
                    ("escalation", "overdue complaint"),
                    ("assigned", "complaint assigned to you"),
                    ("alert-confirm", "confirmation of an area subscription"),
                    ("alert", "new complaint in a followed area"),
                    ("alert-digest", "daily digest of a followed area"),
                    ("support-confirm", "confirmation of following a complaint"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="optout",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("receipt", "receipt of a new complaint"),
                    ("status", "status change"),
                    ("note", "note from the task force"),
                    ("reassigned", "handed to another agency"),
                    ("question", "“is it fixed?” question"),
                    ("inbox", "new complaint in the inbox"),
                    ("digest", "inbox digest"),
                    ("escalation", "overdue complaint"),
                    ("assigned", "complaint assigned to you"),
                    ("alert-confirm", "confirmation of an area subscription"),
                    ("alert", "new complaint in a followed area"),
                    ("alert-digest", "daily digest of a followed area"),
                    ("support-confirm", "confirmation of following a complaint"),
                ],
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="staffpreference",
            name="muted",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(
                    choices=[
                        ("receipt", "receipt of a new complaint"),
                        ("status", "status change"),
                        ("note", "note from the task force"),
                        ("reassigned", "handed to another agency"),
                        ("question", "“is it fixed?” question"),
                        ("inbox", "new complaint in the inbox"),
                        ("digest", "inbox digest"),
                        ("escalation", "overdue complaint"),
                        ("assigned", "complaint assigned to you"),
                        ("alert-confirm", "confirmation of an area subscription"),
                        ("alert", "new complaint in a followed area"),
                        ("alert-digest", "daily digest of a followed area"),
                        ("support-confirm", "confirmation of following a complaint"),
                    ],
                    max_length=16,
                ),
                blank=True,
                default=list,
                size=None,
            ),
        ),
    ]
