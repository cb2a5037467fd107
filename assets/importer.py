"""Reading an asset file (any point layer GDAL reads: GeoPackage, GeoJSON, Shapefile, CSV with a
geometry, …) into assets of one kind, keyed on the owner's id, in EPSG:4326.

The whole file is read and checked before anything is written: a bad geometry, a missing or repeated
id, a point far outside the city is an error naming the feature, and nothing is written.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.db.models import Extent
from django.contrib.gis.gdal import CoordTransform, DataSource, GDALException, SpatialReference
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from assets.models import Asset, AssetKind
from boundaries.models import Kecamatan
from geo.spatial import WGS84, is_lon_lat

# A point farther than this (in degrees, ~5.5 km) outside the city's extent is taken for a wrong
# coordinate system or a wrong file.
CITY_MARGIN_DEGREES = 0.05
PROGRESS_EVERY = 1000


class AssetFileError(Exception):
    """The file cannot be imported as it is; the message says which feature and why."""


@dataclass
class ImportReport:
    kind: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    assumed_wgs84: bool = False
    written: bool = False
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.kind}: {self.read} features read; {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )
        if self.assumed_wgs84:
            text += " The file names no coordinate system: read as WGS84 longitude/latitude."
        return text + (" Written." if self.written else " Dry run: nothing written (add --commit to write).")


@dataclass(frozen=True)
class Row:
    ref: str
    owner: str
    location: Point


def read_assets(
    path: Path, *, id_field: str, owner_field: str | None = None, layer: int | str = 0, progress: Callable = None
) -> tuple[list[Row], bool]:
    """The file's points as rows, in WGS84; and whether the file had no coordinate system (read as WGS84)."""
    try:
        source = DataSource(str(path))
        features = source[layer]
    except (GDALException, IndexError, KeyError) as exc:
        raise AssetFileError(f"Cannot read {path} as a GDAL vector file: {exc}") from exc
    fields = list(features.fields)
    for name in filter(None, (id_field, owner_field)):
        if name not in fields:
            raise AssetFileError(f"The layer has no field “{name}”. Its fields: {', '.join(fields) or '—'}.")
    assumed = features.srs is None
    transform = None if assumed else CoordTransform(features.srs, SpatialReference(WGS84))
    box = _city_box()
    rows, seen = [], {}
    for n, feature in enumerate(features, start=1):
        where = f"Feature {n}"
        ref = str(feature.get(id_field) if feature.get(id_field) is not None else "").strip()
        if not ref:
            raise AssetFileError(f"{where}: the id field “{id_field}” is empty.")
        where = f"Feature {n} (id {ref})"
        if ref in seen:
            raise AssetFileError(f"{where}: the id repeats feature {seen[ref]}; ids must be unique in a file.")
        seen[ref] = n
        if len(ref) > Asset._meta.get_field("ref").max_length:
            raise AssetFileError(
                f"{where}: the id is longer than {Asset._meta.get_field('ref').max_length} characters."
            )
        point = _point(feature, where, transform)
        if not is_lon_lat(point.x, point.y) or (box and not _inside(point, box)):
            raise AssetFileError(
                f"{where}: the point ({point.x:.6f}, {point.y:.6f}) lies far outside the city; "
                "is the file's coordinate system right?"
            )
        owner = str(feature.get(owner_field) or "").strip().upper() if owner_field else ""
        rows.append(Row(ref, owner[:40], point))
        if progress and n % PROGRESS_EVERY == 0:
            progress(n)
    return rows, assumed


def _point(feature, where: str, transform) -> Point:
    try:
        geometry = feature.geom
    except GDALException as exc:
        raise AssetFileError(f"{where}: no geometry.") from exc
    name = geometry.geom_name.upper().replace(" ", "")
    if name.startswith("MULTIPOINT") and len(geometry) == 1:
        geometry = geometry[0]
        name = "POINT"
    if not name.startswith("POINT"):
        raise AssetFileError(f"{where}: a {geometry.geom_name} where a point is needed; assets are points.")
    if geometry.empty:  # GDAL would read it as (0, 0)
        raise AssetFileError(f"{where}: an empty point.")
    if transform is not None:
        try:
            geometry.transform(transform)
        except GDALException as exc:
            raise AssetFileError(f"{where}: cannot be converted to WGS84: {exc}") from exc
    return Point(geometry.x, geometry.y, srid=WGS84)


def _city_box():
    extent = Kecamatan.objects.aggregate(extent=Extent("boundary"))["extent"]
    if extent is None:
        return None
    m = CITY_MARGIN_DEGREES
    return (extent[0] - m, extent[1] - m, extent[2] + m, extent[3] + m)


def _inside(point: Point, box) -> bool:
    return box[0] <= point.x <= box[2] and box[1] <= point.y <= box[3]


def import_assets(kind: AssetKind, rows: list[Row], *, commit: bool, assumed_wgs84: bool = False) -> ImportReport:
    """Compare ``rows`` with the kind's stored assets and, with ``commit``, write the differences in
    one transaction (assets not in the file are kept: a file may cover part of the city)."""
    report = ImportReport(kind.code, read=len(rows), assumed_wgs84=assumed_wgs84)
    stored = {a.ref: a for a in Asset.objects.filter(kind=kind, ref__in=[r.ref for r in rows])}
    now = timezone.now()
    new, changed = [], []
    for row in rows:
        asset = stored.get(row.ref)
        if asset is None:
            new.append(Asset(kind=kind, ref=row.ref, owner=row.owner, location=row.location, updated_at=now))
        elif asset.owner != row.owner or not asset.location.equals_exact(row.location, tolerance=1e-9):
            asset.owner, asset.location, asset.updated_at = row.owner, row.location, now
            changed.append(asset)
        else:
            report.unchanged += 1
    report.new, report.updated = len(new), len(changed)
    if commit:
        with transaction.atomic():
            Asset.objects.bulk_create(new, batch_size=2000)
            Asset.objects.bulk_update(changed, ["owner", "location", "updated_at"], batch_size=2000)
        report.written = True
    return report
