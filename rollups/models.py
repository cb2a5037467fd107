"""Rollup tables: counts of complaints kept exact by triggers on the complaint table (rollups.sql).

Every public aggregate reads these instead of the complaint table (docs/architecture.md, Rollups).
Ids are plain columns, not foreign keys: a rollup row is a count, not a reference, and must never
stop a boundary or category from being edited. Rows whose counts fall to zero stay until the next
``manage.py rollups_rebuild``; readers sum and drop zeros.
"""

from django.db import models

# Grids of the cell rollup: the hexagon sizes in metres (hotspots.query.HEX_SIZES_M) and the heat cell.
HEAT_GRID = 0
HEX_GRIDS = (250, 500, 1000)
GRIDS = (HEAT_GRID, *HEX_GRIDS)
# Heat cells are HEAT_CELL_DEG degrees square (about 100 m at Pekanbaru's latitude).
HEAT_CELL_DEG = 0.001
# The report card's groups, as the dimension names of FlowDay and ResolutionDay. Each is an id
# column of the complaint but the channel, a text whose rollup id is its place in CHANNEL_IDS.
DIMENSIONS = ("agency", "task_force", "kecamatan", "category", "channel")
# Never renumber: the rows store these ids (a new channel takes the next number).
CHANNEL_IDS = {"web": 1, "open311": 2, "whatsapp": 3, "staff": 4}


class AreaDay(models.Model):
    """Complaints per day filed (in the city's time zone), category, status, privacy and place and routing."""

    day = models.DateField()
    category_id = models.BigIntegerField()
    status = models.CharField(max_length=16)
    private = models.BooleanField()
    kecamatan_id = models.BigIntegerField()
    kelurahan_id = models.BigIntegerField(null=True)
    agency_id = models.BigIntegerField(null=True)
    task_force_id = models.BigIntegerField(null=True)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "category_id",
                    "status",
                    "private",
                    "kecamatan_id",
                    "kelurahan_id",
                    "agency_id",
                    "task_force_id",
                ],
                name="rollups_areaday_key",
                nulls_distinct=False,
            )
        ]


class CellCounts(models.Model):
    """A cell of one grid (rollups.models.GRIDS) and the public complaints counted in it, with the
    sums of their longitudes and latitudes: what every cell rollup keeps, over its own period."""

    grid = models.SmallIntegerField()
    i = models.IntegerField()
    j = models.IntegerField()
    n = models.IntegerField()
    sx = models.FloatField()
    sy = models.FloatField()

    class Meta:
        abstract = True


class CellDay(CellCounts):
    """Public complaints per day filed, category, status, kecamatan and cell of one grid: a hexagon
    (i, j) of ``grid`` metres (ST_Hexagon's numbering in UTM 47N) or, for grid 0, a heat cell, drawn
    at its complaints' centroid (``sx``, ``sy``). Private complaints are not counted here at all."""

    day = models.DateField()
    category_id = models.BigIntegerField()
    status = models.CharField(max_length=16)
    kecamatan_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "day", "category_id", "status", "kecamatan_id", "i", "j"], name="rollups_cellday_key"
            )
        ]
        # Every read is a grid and a range of days: with the rest of the row in the index it is an
        # index-only scan (a year of 250 m cells: ~420,000 rows, 0.28 s from the table, 0.09 s so).
        # A read filtered by a category or by statuses takes only its rows, from one of the other two
        # (a year of one category at 250 m: 86 ms from the first, 50 ms so; of the open ones 91 / 46 ms).
        indexes = [
            models.Index(
                fields=["grid", "day"],
                include=["category_id", "status", "kecamatan_id", "i", "j", "n", "sx", "sy"],
                name="rollups_cellday_read",
            ),
            models.Index(
                fields=["grid", "category_id", "day"],
                include=["status", "kecamatan_id", "i", "j", "n", "sx", "sy"],
                name="rollups_cellday_by_category",
            ),
            models.Index(
                fields=["grid", "status", "day"],
                include=["category_id", "kecamatan_id", "i", "j", "n", "sx", "sy"],
                name="rollups_cellday_by_status",
            ),
        ]


class CellMonth(CellCounts):
    """Public complaints per month filed (in the city's time zone; ``month`` is its first day) and cell of one
    grid, whatever their category, status or kecamatan: CellDay without the dimensions an unfiltered
    read sums away. A year of 250 m cells is then ~12 × the occupied cells instead of one row per
    day, category, status and kecamatan of each (rollups.windows.month_split says which rows a window
    reads). The unique key carries the counts, so a read is an index-only scan."""

    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "month", "i", "j"], include=["n", "sx", "sy"], name="rollups_cellmonth_key"
            )
        ]


class CellTotal(CellCounts):
    """Public complaints per cell of one grid over all time: CellMonth without the month. A window
    that holds every day with complaints (everything since 2000: hotspots.hexbins) reads these ~50,000
    heat cells instead of every month's."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grid", "i", "j"], include=["n", "sx", "sy"], name="rollups_celltotal_key")
        ]


class FlowDay(models.Model):
    """Per day and report-card group: complaints filed that day (and of them, how many an officer has
    now) and complaints closed that day (and of them, how many were forwarded outside the city); the
    backlog at a midnight is what was filed before it less what was closed before it."""

    day = models.DateField()
    dim = models.CharField(max_length=16)
    dim_id = models.BigIntegerField()
    private = models.BooleanField()
    received = models.IntegerField()
    assigned = models.IntegerField(db_default=0)
    closed = models.IntegerField()
    forwarded = models.IntegerField(db_default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dim", "day", "dim_id", "private"], name="rollups_flowday_key")]


class ResolutionDay(models.Model):
    """Resolved complaints (status selesai) per day resolved, report-card group, privacy and working
    days to resolve (a histogram, so medians and percentiles are exact), with what the card derives
    from them."""

    day = models.DateField()
    dim = models.CharField(max_length=16)
    dim_id = models.BigIntegerField()
    private = models.BooleanField()
    days = models.IntegerField()
    n = models.IntegerField()
    within_sla = models.IntegerField()
    reopened = models.IntegerField()
    rated = models.IntegerField()
    rating_sum = models.IntegerField()
    without_after_photo = models.IntegerField()
    on_site = models.IntegerField(db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dim", "day", "dim_id", "private", "days"], name="rollups_resolutionday_key"
            )
        ]
        # A period is a range of days across every group (the report card).
        indexes = [models.Index(fields=["day"], name="rollups_resolutionday_day")]


class Holiday(models.Model):
    """National holidays (the ``holidays`` package's Indonesia), which working days skip."""

    day = models.DateField(primary_key=True)
    name = models.CharField(max_length=200, blank=True)


# Zooms of the tile cell rollup: each zoom from 10 to 13 reads its own level, a zoom below 10 sums
# level 10's cells (they nest: a zoom-z cell is 2 × 2 cells of zoom z + 1). Zoom 14 on draws
# complaints, but a z14 tile too dense to draw them is counted from level 14.
TILE_LEVELS = (10, 11, 12, 13, 14)
# TileCell.sid2 is kept modulo 2^62: for two ids below 2^30 (a billion complaints) the sum of their
# squares is below it, so the remainder is the sum itself.
ID_SQUARES_MODULUS = 2**62


class TileCell(models.Model):
    """Public complaints per category, status and map-tile cell of one zoom (``level``): the square of
    geo.tiles.CELL extent units at (cx, cy) on the web-mercator grid of that zoom, numbered from
    the world's north-west corner (geo.tiles.cell_index). ``sx`` and ``sy`` sum the complaints'
    offsets in metres east of the cell's west edge and south of its north edge (small numbers, so the
    sums stay exact to well under a millimetre), so a cell is drawn at its complaints' mean. ``sid``
    sums the complaints' ids and ``sid2`` their squares modulo ID_SQUARES_MODULUS (exact integers, kept
    in a bigint whatever the cell's size), so where a tile cell holds one or two complaints they name
    them (one: the sum; two: the roots of the sum and the sum of squares), and the tile reads those by
    primary key instead of searching the cell's area. No day in the key: a tile counts all time, and
    reads one row per occupied cell, category and status, not one per day as well. Private complaints
    are not counted here at all."""

    level = models.SmallIntegerField()
    category_id = models.BigIntegerField()
    status = models.CharField(max_length=16)
    cx = models.IntegerField()
    cy = models.IntegerField()
    n = models.IntegerField()
    sx = models.FloatField()
    sy = models.FloatField()
    sid = models.BigIntegerField()
    sid2 = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "cx", "cy", "category_id", "status"], name="rollups_tilecell_key")
        ]
