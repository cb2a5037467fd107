"""Service-level due times in Indonesian working days.

A working day is a weekday that is not an Indonesian national holiday (the ``holidays`` package).
Counting happens on the calendar of Pekanbaru (settings.TIME_ZONE, UTC+7): the due time is the same
clock time on the N-th working day after the day of filing. Filed on a Friday at 15:00 with a
one-day SLA, a complaint is due on Monday at 15:00; filed on a Saturday, on Monday too.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

# The city's time zone (settings.TIME_ZONE): every calendar day PEKA counts is a day here.
PEKANBARU = ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=64)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def due_at(created_at: datetime, working_days: int) -> datetime:
    """``created_at`` plus ``working_days`` working days, as an aware datetime in the city's time zone."""
    local = created_at.astimezone(PEKANBARU)
    return datetime.combine(_due_day(local.date(), working_days), local.timetz())


@lru_cache(maxsize=65_536)
def _due_day(filed: date, working_days: int) -> date:
    day = filed
    for _ in range(working_days):
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    return day
