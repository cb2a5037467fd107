"""Where the city's boundary files come from: $PEKA_BOUNDARY_DIR, else fixtures/kecamatan/."""

from pathlib import Path

from django.conf import settings

KECAMATAN_FILE = "kecamatan.geojson"
KELURAHAN_FILE = "kelurahan.geojson"


class BoundaryFilesMissing(Exception):
    pass


def boundary_dir() -> Path:
    """settings.PEKA_BOUNDARY_DIR, once it is known to hold both the kecamatan and the kelurahan file."""
    directory = settings.PEKA_BOUNDARY_DIR
    missing = [name for name in (KECAMATAN_FILE, KELURAHAN_FILE) if not (directory / name).is_file()]
    if missing:
        raise BoundaryFilesMissing(
            f"{' and '.join(missing)} not found in {directory}. "
            "Set PEKA_BOUNDARY_DIR to a folder holding both files; fixtures/kecamatan/README.md says what they contain."
        )
    return directory
