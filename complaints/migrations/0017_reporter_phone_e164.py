"""Reporters' phone numbers stored as they were typed ("0812 3456 7890") are stored in E.164
("+6281234567890"), as intake stores them now (geo.phones). A number that cannot be read as a valid
one is left as it was. Nothing else changes: not the version, not the update time.

The rule is written out here rather than imported, so this migration does what it did when it was
written whatever geo.phones becomes."""

import phonenumbers
from django.db import migrations

BATCH = 5000


def _e164(number: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, "ID")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    table = Complaint._meta.db_table
    rows = Complaint.objects.exclude(reporter_phone="").order_by("pk").values_list("pk", "reporter_phone")
    changed = []
    with schema_editor.connection.cursor() as cursor:

        def write():
            values = ", ".join(["(%s::bigint, %s)"] * len(changed))
            cursor.execute(
                f"UPDATE {table} c SET reporter_phone = v.phone FROM (VALUES {values}) v(id, phone) WHERE c.id = v.id",
                [x for pair in changed for x in pair],
            )
            changed.clear()

        for pk, phone in rows.iterator(chunk_size=BATCH):
            normal = _e164(phone)
            if normal and normal != phone:
                changed.append((pk, normal))
                if len(changed) == BATCH:
                    write()
        if changed:
            write()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0016_resolved_on_site")]

    # The typed form is not kept: going back leaves the numbers in E.164.
    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
