"""Writing boundaries: imports keyed on the official code, and the subdivided routing pieces."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.gis.db.models import Union
from django.db import connection, transaction

from boundaries.importer import AreaRecord, BoundaryFileError
from boundaries.models import BoundaryPiece, Jurisdiction, Kecamatan, Kelurahan, Layer
from geo.spatial import area_m2, as_multipolygon

# What each layer of routing pieces is cut from: (model, geometry column).
PIECE_SOURCES = {
    Layer.KECAMATAN: (Kecamatan, "boundary"),
    Layer.KELURAHAN: (Kelurahan, "boundary"),
    Layer.JURISDICTION: (Jurisdiction, "area"),
}
# ST_Subdivide's vertex limit: small enough that a piece's bounding box is tight, large enough that
# the city stays a few hundred pieces.
PIECE_MAX_VERTICES = 64


@dataclass
class ImportReport:
    layer: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        verb = "imported" if self.committed else "would import (dry run, nothing written)"
        return (
            f"{self.layer}: {verb}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.repaired)} repaired"
        )


def areas_import(records: Iterable[AreaRecord], *, layer: Layer, commit: bool = False) -> ImportReport:
    """Create or update the areas of ``layer`` from ``records``, keyed on their code, in one transaction.

    Without ``commit`` everything is rolled back and the report says what would have changed. Areas
    whose name, boundary and parent are already as given are left untouched, so a second run changes
    nothing. Kelurahan are attached to the kecamatan named by their parent code or, without one, to
    the kecamatan that covers a point on their surface.
    """
    model, _column = PIECE_SOURCES[layer]
    report = ImportReport(layer=str(layer))
    with transaction.atomic():
        existing = {area.code: area for area in model.objects.all()}
        for record in records:
            values = {"name": record.name, "boundary": record.boundary}
            if layer == Layer.KELURAHAN:
                values["kecamatan"] = _parent_kecamatan(record)
            area = existing.get(record.code)
            if record.repaired:
                report.repaired.append(record.code)
            if area is None:
                model.objects.create(code=record.code, **values)
                report.created.append(record.code)
            elif _differs(area, values):
                for name, value in values.items():
                    setattr(area, name, value)
                area.save()
                report.updated.append(record.code)
            else:
                report.unchanged.append(record.code)
        if report.changed:
            pieces_rebuild(layer)
        report.committed = commit
        if not commit:
            transaction.set_rollback(True)
    return report


def _differs(area, values) -> bool:
    for name, value in values.items():
        current = getattr(area, name)
        if name == "boundary":
            # Same vertices (to 1e-9°, far below the 1e-6° the files carry) means the same boundary.
            if not current.equals_exact(value, 1e-9):
                return True
        elif current != value:
            return True
    return False


def _parent_kecamatan(record: AreaRecord) -> Kecamatan:
    if record.parent_code:
        kecamatan = Kecamatan.objects.filter(code=record.parent_code).first()
        if kecamatan is None:
            raise BoundaryFileError(
                f"Kelurahan {record.code}: its kecamatan {record.parent_code} is not imported; import the kecamatan first."
            )
        return kecamatan
    inside = record.boundary.point_on_surface
    kecamatan = Kecamatan.objects.filter(boundary__covers=inside).order_by("code").first()
    if kecamatan is None:
        raise BoundaryFileError(
            f"Kelurahan {record.code} lies in no imported kecamatan; import the kecamatan first or name "
            "the kecamatan code field with --parent-field."
        )
    return kecamatan


def pieces_rebuild(layer: Layer, ids: Iterable[int] | None = None) -> int:
    """Replace the routing pieces of ``layer`` (or of its areas ``ids``) with a fresh ST_Subdivide.

    Raw SQL because ST_Subdivide is a set-returning function the ORM cannot express.
    """
    model, column = PIECE_SOURCES[layer]
    table, pieces = model._meta.db_table, BoundaryPiece._meta.db_table
    only = "" if ids is None else " AND area_id = ANY(%s)"
    only_source = "" if ids is None else " WHERE id = ANY(%s)"
    ids = [] if ids is None else [list(ids)]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {pieces} WHERE layer = %s{only}", [str(layer), *ids])
        categories = "categories" if layer == Layer.JURISDICTION else "NULL"
        cursor.execute(
            f"INSERT INTO {pieces} (layer, area_id, code, piece, categories) "
            f"SELECT %s, id, code, ST_Subdivide({column}, %s), {categories} FROM {table}{only_source}",
            [str(layer), PIECE_MAX_VERTICES, *ids],
        )
        return cursor.rowcount


def jurisdiction_save(jurisdiction: Jurisdiction) -> Jurisdiction:
    """Save a jurisdiction with its measured area and fresh routing pieces (admin, config, tests)."""
    with transaction.atomic():
        jurisdiction.area_m2 = area_m2(jurisdiction.area)
        jurisdiction.save()
        pieces_rebuild(Layer.JURISDICTION, ids=[jurisdiction.pk])
    return jurisdiction


def kecamatan_union(codes: Iterable[str]):
    """The union of the named kecamatan as one MultiPolygon (WGS84); unknown codes are an error."""
    codes = list(codes)
    found = Kecamatan.objects.filter(code__in=codes)
    missing = sorted(set(codes) - set(found.values_list("code", flat=True)))
    if missing:
        raise BoundaryFileError(f"Unknown kecamatan code(s): {', '.join(missing)}.")
    union = found.aggregate(union=Union("boundary"))["union"]
    return as_multipolygon(union)
