"""Statistically significant hot and cold spots: Getis-Ord Gi* on the hexagon counts (esda).

Counts go in through the Anscombe transform 2·√(n + 3/8), which makes Poisson-like counts close to
normal with a steady variance: without it the normal approximation of the permutation distribution
is too kind to a few busy hexagons in a sparse background, and a uniform background shows false hot
spots far more often than the correction allows. Neighbours are the hexagons that touch (libpysal's fuzzy contiguity, robust to the last decimal of
shared vertices), each hexagon counting itself (Gi*, ``star=True``). Significance comes from 999
conditional permutations with a fixed seed, so the answer repeats; the permutation-based z-scores
give two-sided p-values, corrected for testing thousands of hexagons at once by the false discovery
rate (Benjamini–Hochberg, esda.fdr) at each confidence level.
"""

from dataclasses import dataclass

import esda
import geopandas
import numpy as np
import shapely
from django.core.cache import cache
from libpysal.graph import Graph

from geo.spatial import UTM47N
from hotspots.hexbins import Hexagon, hex_counts
from hotspots.query import HotspotQuery

PERMUTATIONS = 999
SEED = 1471
LEVELS = ((0.01, 99), (0.05, 95), (0.10, 90))  # strictest first
CACHE_SECONDS = 15 * 60
NOT_SIGNIFICANT = "ns"


@dataclass(frozen=True)
class HotSpot:
    hexagon: Hexagon
    z: float
    p: float
    confidence: int  # 99, 95, 90, or 0 when not significant

    @property
    def kind(self) -> str:
        """ "hot-99" … "cold-90", or "ns"."""
        if not self.confidence:
            return NOT_SIGNIFICANT
        return f"{'hot' if self.z > 0 else 'cold'}-{self.confidence}"


def gi_star(query: HotspotQuery) -> list[HotSpot]:
    """Gi* for every hexagon of the area (empty ones included), cached for a quarter of an hour."""
    key = query.cache_key("gistar")
    if (cached := cache.get(key)) is not None:
        return cached
    hexagons = hex_counts(query, with_empty=True)
    result = _classify(hexagons, float(query.size_m))
    cache.set(key, result, CACHE_SECONDS)
    return result


def _classify(hexagons: list[Hexagon], size_m: float) -> list[HotSpot]:
    counts = np.array([h.count for h in hexagons], dtype=float)
    if len(hexagons) < 3 or counts.sum() == 0 or counts.std() == 0:
        return [HotSpot(h, 0.0, 1.0, 0) for h in hexagons]
    frame = geopandas.GeoDataFrame(geometry=shapely.from_wkb([h.wkb for h in hexagons]), crs=UTM47N)
    # Touching hexagons; a buffer of 1% of the edge absorbs rounding in the shared vertices.
    weights = Graph.build_fuzzy_contiguity(frame, buffer=size_m * 0.01).to_W()
    stabilised = 2 * np.sqrt(counts + 3 / 8)
    gi = esda.G_Local(stabilised, weights, transform="B", permutations=PERMUTATIONS, star=True, seed=SEED, n_jobs=1)
    z = np.nan_to_num(gi.z_sim)
    p = np.minimum(1.0, 2 * np.nan_to_num(gi.p_z_sim, nan=0.5))  # two-sided
    confidence = np.zeros(len(hexagons), dtype=int)
    for alpha, level in reversed(LEVELS):  # loosest first, so stricter levels overwrite
        confidence[p <= esda.fdr(p, alpha)] = level
    return [HotSpot(h, float(z[k]), float(p[k]), int(confidence[k])) for k, h in enumerate(hexagons)]
