"""Reading boundary files (GeoJSON, GeoPackage, Shapefile, anything GDAL opens) into area records.

Geometries are transformed to WGS84 (EPSG:4326) and coerced to MultiPolygon here, so everything
behind this module sees one shape of data.
"""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import MultiPolygon

from geo.spatial import WGS84, as_multipolygon


class BoundaryFileError(Exception):
    """The file cannot be imported as asked; the message says what to change."""


@dataclass(frozen=True)
class AreaRecord:
    code: str
    name: str
    boundary: MultiPolygon
    parent_code: str | None = None
    repaired: bool = False


def read_areas(
    path: Path | str,
    *,
    code_field: str,
    name_field: str,
    parent_field: str | None = None,
    layer: str | int = 0,
    repair: bool = False,
) -> list[AreaRecord]:
    """All features of one layer of ``path`` as area records, or a BoundaryFileError.

    Invalid polygons are refused (listing each one and why) unless ``repair`` is set, in which case
    they are made valid (GEOS MakeValid) and only their polygonal part is kept.
    """
    try:
        source = DataSource(str(path))
        ogr_layer = source[layer]
    except (GDALException, IndexError) as exc:
        raise BoundaryFileError(f"Cannot open layer {layer!r} of {path}: {exc}") from exc

    fields = list(ogr_layer.fields)
    missing = [f for f in (code_field, name_field, parent_field) if f and f not in fields]
    if missing:
        raise BoundaryFileError(
            f"{path} (layer {ogr_layer.name}) has no field {', '.join(repr(f) for f in missing)}. "
            f"Its fields are: {', '.join(fields) or '(none)'}. "
            "Choose them with --code-field, --name-field and --parent-field."
        )
    # GeoJSON without a "crs" member is WGS84 by RFC 7946; GDAL reports it as such.
    srs = ogr_layer.srs
    if srs is None:
        raise BoundaryFileError(f"{path} (layer {ogr_layer.name}) has no coordinate reference system.")

    records, problems, seen = [], [], set()
    for feature in ogr_layer:
        code = str(feature.get(code_field) or "").strip()
        name = str(feature.get(name_field) or "").strip()
        where = f"feature {feature.fid} ({code or 'no code'})"
        if not code or not name:
            problems.append(f"{where}: empty {code_field if not code else name_field}")
            continue
        if code in seen:
            problems.append(f"{where}: code {code} appears more than once")
            continue
        seen.add(code)
        geometry = feature.geom
        geometry.transform(WGS84)
        geos = geometry.geos
        repaired = False
        if not geos.valid:
            if not repair:
                problems.append(f"{where}: invalid geometry ({geos.valid_reason})")
                continue
            geos, repaired = geos.make_valid(), True
        try:
            boundary = as_multipolygon(geos)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        parent = str(feature.get(parent_field)).strip() if parent_field else None
        records.append(AreaRecord(code, name, boundary, parent, repaired))

    if problems:
        hint = " Run with --repair to make invalid polygons valid." if any("invalid" in p for p in problems) else ""
        raise BoundaryFileError(
            f"{path}: {len(problems)} feature(s) cannot be imported:\n  " + "\n  ".join(problems) + hint
        )
    if not records:
        raise BoundaryFileError(f"{path} (layer {ogr_layer.name}) has no features.")
    return records
