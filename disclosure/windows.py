"""Time windows of public aggregates (docs/rules.md, privacy rule 4).

A public count over a window that could end at any second can be differenced: the same count with
``until`` one second later tells when a complaint was filed. So every public aggregate is taken over
whole days in the city's time zone (settings.TIME_ZONE), and a sensitive complaint is counted only over whole months that have
ended.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from complaints.sla import PEKANBARU


def day_start(moment: datetime) -> datetime:
    """Midnight in Pekanbaru of the day ``moment`` falls on."""
    return datetime.combine(moment.astimezone(PEKANBARU).date(), time(), tzinfo=PEKANBARU)


def whole_days(since: datetime, until: datetime) -> tuple[datetime, datetime]:
    """The window widened to whole days: from the midnight before ``since`` to the midnight at or
    after ``until``."""
    end = day_start(until)
    if end < until:
        end = day_start(end + timedelta(days=1, hours=1))
    return day_start(since), end


def month_start(moment: datetime) -> datetime:
    return day_start(moment).replace(day=1)


def is_calendar_month(since: datetime, until: datetime) -> bool:
    """Whether [since, until) is exactly one calendar month (the city's)."""
    return since == month_start(since) and until == month_start(since + timedelta(days=32))


def is_ended_whole_months(since: datetime, until: datetime, *, now: datetime | None = None) -> bool:
    """Whether [since, until) is a run of whole calendar months (the city's) that has ended."""
    return since == month_start(since) and until == month_start(until) and until <= month_start(now or timezone.now())
