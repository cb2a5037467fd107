"""Which rollup rows a window reads: whole months from the month rollup, the days around them from the day rollup."""

from datetime import date

import pytest

from rollups.windows import month_split


@pytest.mark.parametrize(
    "since, until, months",
    [
        (date(2026, 1, 1), date(2026, 4, 1), (date(2026, 1, 1), date(2026, 4, 1))),
        (date(2025, 12, 2), date(2026, 12, 2), (date(2026, 1, 1), date(2026, 12, 1))),
        (date(2026, 1, 31), date(2026, 3, 1), (date(2026, 2, 1), date(2026, 3, 1))),
        (date(2026, 11, 2), date(2026, 12, 2), None),
        (date(2026, 2, 1), date(2026, 2, 28), None),
        (date(2000, 1, 1), date(2026, 12, 2), (date(2000, 1, 1), date(2026, 12, 1))),
    ],
)
def test_whole_months_inside_a_window(since, until, months):
    assert month_split(since, until) == months
