"""Create or update the complaint categories from fixtures/kecamatan/categories.json, keyed on code.

An "agency" of null sends the category's unroutable complaints to the triage agency. Needs the
agencies loaded first (load_agencies). The file's "asset_kinds" (street-light poles, TPS) are kept
too, each with its category: `manage.py import_assets` loads their assets.

    ./manage.py load_categories [--file other.json]
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assets.models import AssetKind
from boundaries.models import Agency
from complaints.models import Category, CategoryQuestion

DEFAULT_FILE = settings.BASE_DIR / "fixtures" / "kecamatan" / "categories.json"
FIELDS = {"code", "name_id", "name_en", "agency", "sla_working_days", "sensitive", "icon", "color"}
# Optional: an emergency notice before the form, and the category's questions.
OPTIONAL = {"notice_id", "notice_en", "questions"}
QUESTION_FIELDS = {"code", "kind", "prompt_id", "prompt_en", "required", "options"}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    def handle(self, *args, **options):
        try:
            config = json.loads(options["file"].read_text(encoding="utf-8"))
            entries = config["categories"]
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read categories from {options['file']}: {exc}") from exc
        created = 0
        agencies = {a.code: a for a in Agency.objects.all()}
        with transaction.atomic():
            for order, entry in enumerate(entries):
                if not FIELDS <= set(entry) <= FIELDS | OPTIONAL:
                    raise CommandError(
                        f"Category {entry.get('code', order)}: expected the fields {sorted(FIELDS)} "
                        f"(and optionally {sorted(OPTIONAL)}), got {sorted(entry)}."
                    )
                if entry["agency"] is not None and entry["agency"] not in agencies:
                    raise CommandError(
                        f"Category {entry['code']}: unknown agency {entry['agency']}; run load_agencies first."
                    )
                values = {k: v for k, v in entry.items() if k not in {"code", "agency", "questions"}}
                category, was_created = Category.objects.update_or_create(
                    code=entry["code"],
                    defaults={**values, "agency": agencies.get(entry["agency"]), "sort_order": order},
                )
                created += was_created
                self._questions(category, entry.get("questions", []))
            kinds = self._asset_kinds(config.get("asset_kinds", []))
        self.stdout.write(
            f"Categories: {created} created, {len(entries) - created} updated or unchanged; asset kinds: {kinds}."
        )

    def _asset_kinds(self, kinds) -> int:
        for kind in kinds:
            category = Category.objects.filter(code=kind.get("category")).first()
            if category is None or set(kind) != {"code", "name_id", "name_en", "category"}:
                raise CommandError(
                    f"Asset kind {kind.get('code')}: fields are code, name_id, name_en and a known category."
                )
            AssetKind.objects.update_or_create(
                code=kind["code"],
                defaults={"name_id": kind["name_id"], "name_en": kind["name_en"], "category": category},
            )
        return len(kinds)

    def _questions(self, category, questions):
        """The category's questions as the file lists them, in its order; others are removed."""
        for question in questions:
            if set(question) - QUESTION_FIELDS or not {"code", "kind", "prompt_id", "prompt_en"} <= set(question):
                raise CommandError(
                    f"Category {category.code}, question {question.get('code')}: fields are {sorted(QUESTION_FIELDS)}."
                )
        category.questions.exclude(code__in=[q["code"] for q in questions]).delete()
        for order, question in enumerate(questions):
            values = {k: v for k, v in question.items() if k != "code"}
            if isinstance(values.get("options"), list):
                values["options"] = "\n".join(" | ".join(choice) for choice in values["options"])
            CategoryQuestion.objects.update_or_create(
                category=category, code=question["code"], defaults={**values, "order": order}
            )
