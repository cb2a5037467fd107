"""Where a problem is emerging: each hexagon's count now against the period of the same length before."""

from dataclasses import dataclass

from disclosure.public import suppress_below
from hotspots.hexbins import Hexagon, hex_counts
from hotspots.query import HotspotQuery

NEW, GROWING, STABLE, SHRINKING, GONE, FEW = "new", "growing", "stable", "shrinking", "gone", "few"


@dataclass(frozen=True)
class Trend:
    hexagon: Hexagon  # geometry of the hexagon; its count is the current period's
    before: int
    now: int

    @property
    def kind(self) -> str:
        """new / growing / stable / shrinking / gone; "few" when both periods are too small to show."""
        if self.before < suppress_below() and self.now < suppress_below():
            return FEW
        if self.before == 0:
            return NEW
        if self.now == 0:
            return GONE
        if self.now > self.before:
            return GROWING
        if self.now < self.before:
            return SHRINKING
        return STABLE


def trends(query: HotspotQuery) -> list[Trend]:
    """Every hexagon with complaints in either period, classed by how its count moved."""
    now = {(h.i, h.j): h for h in hex_counts(query)}
    before = {(h.i, h.j): h for h in hex_counts(query.previous())}
    result = []
    for key in sorted(now.keys() | before.keys()):
        current, previous = now.get(key), before.get(key)
        hexagon = current or previous
        result.append(Trend(hexagon, previous.count if previous else 0, current.count if current else 0))
    return result
