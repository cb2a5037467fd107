"""Reading rollups over a window: rollups count whole days (Asia/Jakarta), so a window is first widened
to whole days (disclosure.windows) and then named by its first day and the day after its last."""

from datetime import date, datetime

from complaints.sla import PEKANBARU
from disclosure.windows import whole_days


def day_range(since: datetime, until: datetime) -> tuple[date, date]:
    """[first day, day after the last) of the whole days covering [since, until)."""
    since, until = whole_days(since, until)
    return since.astimezone(PEKANBARU).date(), until.astimezone(PEKANBARU).date()
