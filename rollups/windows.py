"""Reading rollups over a window: rollups count whole days (the city's time zone), so a window is first widened
to whole days (disclosure.windows) and then named by its first day and the day after its last."""

from datetime import date, datetime, timedelta

from complaints.sla import PEKANBARU
from disclosure.windows import whole_days


def day_range(since: datetime, until: datetime) -> tuple[date, date]:
    """[first day, day after the last) of the whole days covering [since, until)."""
    since, until = whole_days(since, until)
    return since.astimezone(PEKANBARU).date(), until.astimezone(PEKANBARU).date()


def month_split(since: date, until: date) -> tuple[date, date] | None:
    """The whole calendar months inside the days [since, until), as [first month's first day, the day
    after the last month): a reading sums month rows there and day rows on either side. None when no
    whole month fits."""
    first = since if since.day == 1 else (since.replace(day=1) + timedelta(days=32)).replace(day=1)
    last = until.replace(day=1)
    return (first, last) if first < last else None
