"""Import the city's kecamatan and kelurahan from the boundary folder and check them against the manifest.

The folder is $PEKA_BOUNDARY_DIR when set, else fixtures/kecamatan/ (the city's files, shipped with
PEKA); it holds kecamatan.geojson and kelurahan.geojson. Writes unless --dry-run:

    ./manage.py load_city
"""

import csv

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from boundaries.models import Kecamatan
from boundaries.sources import KECAMATAN_FILE, KELURAHAN_FILE, BoundaryFilesMissing, boundary_dir

MANIFEST = settings.BASE_DIR / "fixtures" / "kecamatan" / "manifest.csv"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")

    def handle(self, *args, **options):
        try:
            directory = boundary_dir()
        except BoundaryFilesMissing as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Boundaries from {directory}")
        commit = [] if options["dry_run"] else ["--commit"]
        call_command("import_boundaries", directory / KECAMATAN_FILE, "--level=kecamatan", *commit, stdout=self.stdout)
        call_command(
            "import_boundaries",
            directory / KELURAHAN_FILE,
            "--level=kelurahan",
            "--parent-field=district_code",
            *commit,
            stdout=self.stdout,
        )
        if not options["dry_run"]:
            self._check_manifest()

    def _check_manifest(self):
        with MANIFEST.open(newline="", encoding="utf-8") as f:
            expected = {row["code"]: (row["name"], int(row["kelurahan_count"])) for row in csv.DictReader(f)}
        loaded = {
            k.code: (k.name, k.kelurahan_count) for k in Kecamatan.objects.annotate(kelurahan_count=Count("kelurahan"))
        }
        differ = sorted(code for code in expected if loaded.get(code) != expected[code])
        if differ:
            found = ", ".join(f"{code}: {loaded.get(code, 'missing')}" for code in differ)
            raise CommandError(f"The boundaries do not match {MANIFEST.name} (name, kelurahan count): {found}.")
        self.stdout.write(f"All {len(expected)} kecamatan of the manifest are loaded.")
