"""Where the city's boundary files come from."""

from pathlib import Path

from django.conf import settings

KECAMATAN_FILE = "kecamatan.geojson"
KELURAHAN_FILE = "kelurahan.geojson"


class BoundaryFilesMissing(Exception):
    pass


def boundary_dir() -> Path:
    """The first of settings.PEKA_BOUNDARY_DIRS that holds both the kecamatan and kelurahan files.

    The order is $PEKA_BOUNDARY_DIR, fixtures/kecamatan/, then ../shared/data/pekanbaru/.
    """
    for directory in settings.PEKA_BOUNDARY_DIRS:
        if (directory / KECAMATAN_FILE).is_file() and (directory / KELURAHAN_FILE).is_file():
            return directory
    looked = "\n  ".join(str(d) for d in settings.PEKA_BOUNDARY_DIRS)
    raise BoundaryFilesMissing(
        f"No {KECAMATAN_FILE} and {KELURAHAN_FILE} found. Looked in:\n  {looked}\n"
        "Put the Pekanbaru boundary files in one of these folders or set PEKA_BOUNDARY_DIR; "
        "fixtures/kecamatan/README.md says where to get them."
    )
