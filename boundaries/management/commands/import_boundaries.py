"""Import kecamatan or kelurahan boundaries from any file GDAL reads (GeoJSON, GeoPackage, Shapefile).

Dry run unless --commit. Keyed on the official code, so running it twice changes nothing:

    ./manage.py import_boundaries kecamatan.geojson --level kecamatan --code-field code --name-field name --commit
    ./manage.py import_boundaries desa.gpkg --layer desa --level kelurahan \\
        --code-field KODE --name-field NAMA --parent-field KODE_KEC --repair --commit
"""

from django.core.management.base import BaseCommand, CommandError

from boundaries.importer import BoundaryFileError, read_areas
from boundaries.models import Layer
from boundaries.services import areas_import


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("path", help="GeoJSON, GeoPackage, Shapefile or any other file GDAL opens")
        parser.add_argument("--level", required=True, choices=[c.value for c in Layer])
        parser.add_argument("--code-field", default="code", help="field with the official code (default: code)")
        parser.add_argument("--name-field", default="name", help="field with the name (default: name)")
        parser.add_argument(
            "--parent-field",
            help="kelurahan only: field with the kecamatan code; without it the kecamatan is found by location",
        )
        parser.add_argument("--layer", default=0, help="layer name or index in a multi-layer file (default: the first)")
        parser.add_argument(
            "--repair", action="store_true", help="make invalid polygons valid instead of refusing them"
        )
        parser.add_argument("--commit", action="store_true", help="write to the database (default: dry run)")

    def handle(self, *args, **options):
        layer = options["layer"]
        try:
            records = read_areas(
                options["path"],
                code_field=options["code_field"],
                name_field=options["name_field"],
                parent_field=options["parent_field"],
                layer=int(layer) if str(layer).isdigit() else layer,
                repair=options["repair"],
            )
            report = areas_import(records, layer=Layer(options["level"]), commit=options["commit"])
        except BoundaryFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
        for label, codes in (("created", report.created), ("updated", report.updated), ("repaired", report.repaired)):
            if codes and options["verbosity"] > 1:
                self.stdout.write(f"  {label}: {', '.join(codes)}")
