"""Create or update the bodies outside the city and their routing rules from
fixtures/kecamatan/external_bodies.json, keyed on codes, in one transaction (running it twice changes
nothing). A route's area is a union of kecamatan ("kecamatan": codes) or a corridor ("corridor": a
line of [lon, lat], "width_m"); rules the file no longer lists are removed. Needs load_city first.

    ./manage.py load_external_bodies [--file other.json]
"""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import LineString
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from boundaries.importer import BoundaryFileError
from boundaries.services import kecamatan_union
from forwarding.models import ExternalBody, ExternalRoute
from geo.spatial import WGS84, as_multipolygon, to_utm, to_wgs84

DEFAULT_FILE = settings.BASE_DIR / "fixtures" / "kecamatan" / "external_bodies.json"
BODY_FIELDS = {"code", "name", "delivery", "email", "endpoint", "api_key", "service_code"}


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    def handle(self, *args, **options):
        try:
            config = json.loads(options["file"].read_text(encoding="utf-8"))
            with transaction.atomic():
                routes = self._load(config["bodies"])
        except (OSError, ValueError, KeyError, TypeError, BoundaryFileError) as exc:
            raise CommandError(f"Cannot load external bodies from {options['file']}: {exc!r}") from exc
        self.stdout.write(f"External bodies: {len(config['bodies'])}, routing rules: {routes}.")

    def _load(self, bodies) -> int:
        count = 0
        for entry in bodies:
            values = {k: v for k, v in entry.items() if k in BODY_FIELDS - {"code"}}
            body, _ = ExternalBody.objects.update_or_create(code=entry["code"], defaults=values)
            codes = []
            for route in entry.get("routes", []):
                ExternalRoute.objects.update_or_create(
                    code=route["code"],
                    defaults={
                        "body": body,
                        "owner": route.get("owner", "").upper(),
                        "categories": route.get("categories", []),
                        "area": _area(route),
                        "priority": route.get("priority", 0),
                    },
                )
                codes.append(route["code"])
            body.routes.exclude(code__in=codes).delete()
            count += len(codes)
        return count


def _area(route: dict):
    if "kecamatan" in route:
        return kecamatan_union(route["kecamatan"])
    if "corridor" in route:
        line = to_utm(LineString(route["corridor"], srid=WGS84))
        return as_multipolygon(to_wgs84(line.buffer(route["width_m"])))
    return None
