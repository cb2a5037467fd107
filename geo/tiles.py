"""The web-mercator XYZ tile grid (EPSG:3857) and its aggregation cells, in one place: the tiles the
API serves (web.public.tiles) and the tile cell rollup (rollups.TileCell) count with the same arithmetic,
so a rollup cell is exactly a tile's cell.

A point's tile and cell at a zoom are floor((x + WORLD_HALF) / side) and floor((WORLD_HALF - y) / side)
of its mercator metres (``cell_index``), with a tile's side a power-of-two multiple of a cell's, so a
zoom's cells nest exactly into every lower zoom's.
"""

MAX_ZOOM = 22
EXTENT = 4096  # MVT coordinate units per tile side (the spec's default)
CELL = 64  # aggregation cell side, in extent units: 64 × 64 cells per tile
WEB_MERCATOR = 3857
# Half the web-mercator world's side in metres: ST_TileEnvelope's bounds, and the origin of the grid.
WORLD_HALF = 20037508.342789244
CELLS_PER_SIDE = EXTENT // CELL  # 64, a power of two: cell sides halve exactly from zoom to zoom


def tile_in_range(z: int, x: int, y: int) -> bool:
    """Whether z/x/y names a tile of the XYZ grid (z 0..22, x and y in 0..2^z-1)."""
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def tile_side(z: int) -> float:
    """A zoom-z tile's side in metres (a power-of-two fraction of the world's, so exact in floating point)."""
    return 2 * WORLD_HALF / 2**z


def cell_side(z: int) -> float:
    """A zoom-z cell's side in metres: CELL of EXTENT units of a tile."""
    return tile_side(z) / CELLS_PER_SIDE


def cell_index(mx: str, my: str, side: str) -> tuple[str, str]:
    """SQL of the (column, row) of the square of ``side`` metres (SQL text) holding the mercator point
    (``mx``, ``my``), counted east and south from the world's north-west corner.

    The one formula of the grid, for tiles, cells and the rollup's levels: dividing by a side that is
    the finer side times a power of two gives the finer quotient scaled exactly, so the floor of a coarse
    index is the fine index shifted right, bit for bit (no point lands in another cell by rounding)."""
    half = f"{WORLD_HALF!r}::float8"
    return f"floor(({mx} + {half}) / {side})::int", f"floor(({half} - {my}) / {side})::int"
