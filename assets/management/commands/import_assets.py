"""Import assets of one kind (street-light poles, TPS…) from a point file GDAL reads.

Keyed on the asset id: importing again updates the assets whose owner or position changed. Points are
converted to EPSG:4326 from the file's coordinate system. A dry run by default: it reads and checks
the whole file and says what would change; --commit writes, in one transaction.

    ./manage.py import_assets poles.gpkg --kind=lampu-jalan --id-field=no_tiang [--owner-field=pemilik] [--commit]
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assets.importer import AssetFileError, import_assets, read_assets
from assets.models import AssetKind


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--kind", required=True, help="Asset kind code, e.g. lampu-jalan or tps.")
        parser.add_argument("--id-field", required=True, help="The field holding each asset's id.")
        parser.add_argument("--owner-field", help="The field naming the owner (a body or agency code, e.g. PLN).")
        parser.add_argument("--layer", default="0", help="Layer name or index (default: the first).")
        parser.add_argument("--commit", action="store_true", help="Write; without it, nothing is written.")

    def handle(self, *args, **options):
        kind = AssetKind.objects.filter(code=options["kind"]).first()
        if kind is None:
            known = ", ".join(AssetKind.objects.values_list("code", flat=True)) or "none (run load_categories)"
            raise CommandError(f"Unknown asset kind “{options['kind']}”. Known kinds: {known}.")
        if not options["file"].exists():
            raise CommandError(f"No such file: {options['file']}")
        layer = int(options["layer"]) if options["layer"].isdecimal() else options["layer"]
        self.stdout.write(f"Reading {options['file']} …")
        try:
            rows, assumed = read_assets(
                options["file"],
                id_field=options["id_field"],
                owner_field=options["owner_field"],
                layer=layer,
                progress=lambda n: self.stdout.write(f"  {n} features read …"),
            )
        except AssetFileError as exc:
            raise CommandError(f"{exc} Nothing was written.") from exc
        report = import_assets(kind, rows, commit=options["commit"], assumed_wgs84=assumed)
        self.stdout.write(report.summary())
