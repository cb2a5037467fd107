"""Create or update the complaint categories from fixtures/kecamatan/categories.json, keyed on code.

An "agency" of null sends the category's unroutable complaints to the triage agency. Needs the
agencies loaded first (load_agencies).

    ./manage.py load_categories [--file other.json]
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from boundaries.models import Agency
from complaints.models import Category

DEFAULT_FILE = settings.BASE_DIR / "fixtures" / "kecamatan" / "categories.json"
FIELDS = {"code", "name_id", "name_en", "agency", "sla_working_days", "sensitive", "icon", "color"}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    def handle(self, *args, **options):
        try:
            entries = json.loads(options["file"].read_text(encoding="utf-8"))["categories"]
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read categories from {options['file']}: {exc}") from exc
        created = 0
        agencies = {a.code: a for a in Agency.objects.all()}
        with transaction.atomic():
            for order, entry in enumerate(entries):
                if set(entry) != FIELDS:
                    raise CommandError(
                        f"Category {entry.get('code', order)}: expected the fields {sorted(FIELDS)}, got {sorted(entry)}."
                    )
                if entry["agency"] is not None and entry["agency"] not in agencies:
                    raise CommandError(
                        f"Category {entry['code']}: unknown agency {entry['agency']}; run load_agencies first."
                    )
                values = {k: v for k, v in entry.items() if k not in {"code", "agency"}}
                _category, was_created = Category.objects.update_or_create(
                    code=entry["code"],
                    defaults={**values, "agency": agencies.get(entry["agency"]), "sort_order": order},
                )
                created += was_created
        self.stdout.write(f"Categories: {created} created, {len(entries) - created} updated or unchanged.")
