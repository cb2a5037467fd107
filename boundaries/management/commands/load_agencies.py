"""Create or update agencies, task forces and their jurisdictions from fixtures/kecamatan/agencies.json.

Keyed on codes, in one transaction, so running it twice changes nothing. Each task force gets the
jurisdiction of the same code over the union of its zones' kecamatan ("*": the whole city). Needs
the kecamatan loaded first (load_city).

    ./manage.py load_agencies [--file other.json]
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from boundaries.importer import BoundaryFileError
from boundaries.models import Agency, Jurisdiction, Kecamatan, TaskForce
from boundaries.services import jurisdiction_save, kecamatan_union

DEFAULT_FILE = settings.BASE_DIR / "fixtures" / "kecamatan" / "agencies.json"
WHOLE_CITY = "*"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    def handle(self, *args, **options):
        try:
            config = json.loads(options["file"].read_text(encoding="utf-8"))
            with transaction.atomic():
                changed = self._load(config)
        except (OSError, ValueError, KeyError, BoundaryFileError) as exc:
            raise CommandError(f"Cannot load agencies from {options['file']}: {exc!r}") from exc
        self.stdout.write(
            f"Agencies: {len(config['agencies'])}, task forces and jurisdictions: {len(config['task_forces'])} "
            f"({changed} jurisdiction(s) created or changed)."
        )

    def _load(self, config) -> int:
        agencies = {}
        for entry in config["agencies"]:
            agencies[entry["code"]], _ = Agency.objects.update_or_create(
                code=entry["code"], defaults={"name": entry["name"]}
            )
        zones = config["zones"]
        all_codes = list(Kecamatan.objects.values_list("code", flat=True))
        changed = 0
        for entry in config["task_forces"]:
            agency = agencies[entry["agency"]]
            task_force, _ = TaskForce.objects.update_or_create(
                code=entry["code"], defaults={"agency": agency, "name": entry["name"]}
            )
            codes = all_codes if entry["zones"] == [WHOLE_CITY] else [c for z in entry["zones"] for c in zones[z]]
            area = kecamatan_union(codes)
            wanted = {
                "agency": agency,
                "task_force": task_force,
                "categories": entry["categories"],
                "priority": entry.get("priority", 0),
            }
            jurisdiction = Jurisdiction.objects.filter(code=entry["code"]).first()
            if (
                jurisdiction
                and all(getattr(jurisdiction, k) == v for k, v in wanted.items())
                and jurisdiction.area.equals_exact(area, 1e-9)
            ):
                continue
            jurisdiction = jurisdiction or Jurisdiction(code=entry["code"])
            for name, value in wanted.items():
                setattr(jurisdiction, name, value)
            jurisdiction.area = area
            jurisdiction_save(jurisdiction)
            changed += 1
        return changed
