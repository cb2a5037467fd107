"""The public report card (rapor kinerja): how each agency, task force, kecamatan and category served
the city in a period, and how many complaints came by each channel (web, Open311, WhatsApp, staff for
a caller), computed in one SQL statement with GROUPING SETS.

Definitions (the page's methodology section says the same in plain words):
* received: complaints filed in the period;
* resolved: complaints resolved (status ``selesai``) in the period, and of those: the share resolved
  by their due time, the median and 90th percentile of working days to resolve (working days after
  the day of filing up to the day of resolution, on the Asia/Jakarta calendar, weekends and national
  holidays excluded), the share later reopened, the average citizen rating and how many rated, and
  the share resolved without an "after" photo, the share whose closing was verified on site
  (complaints.onsite: the latest move to ``selesai``) and, beside it, of the reporters who answered
  the "sudah beres?" question about a resolution in the period, how many and the share who said it
  is fixed (notifications.question.record);
* assigned: of the complaints received, the share an officer has (complaints.assignment);
* forwarded: complaints handed in the period to a body outside the city (status ``diteruskan``),
  counted apart: never resolved, never in the backlog, never overdue;
* backlog: complaints filed before the period's end and not closed by then; oldest: the age in days
  of the oldest of them at the period's end.
Periods are whole days in Asia/Jakarta. Private complaints (a sensitive category's) count only in their
agency's row and only when the period is whole months that have ended; a row built from fewer than 3
complaints shows no figures, and in a row that private complaints touch every figure built from fewer
than 5 is hidden on its own (docs/rules.md, privacy rules 3 and 4).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays
from django.core.cache import cache
from django.utils import timezone

from complaints.models import Complaint
from complaints.sla import PEKANBARU
from disclosure.public import suppress_below, suppressed_label
from disclosure.windows import is_ended_whole_months, whole_days
from geo.db_router import reading

GROUPS = ("agency", "task_force", "kecamatan", "category", "channel")
FIGURES = (
    "received",
    "resolved",
    "forwarded",
    "within_sla",
    "median_days",
    "p90_days",
    "backlog",
    "oldest_days",
    "reopen_rate",
    "rating",
    "rated",
    "without_after_photo",
    "verified_on_site",
    "answered",
    "answered_fixed",
    "assigned",
)


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime

    @property
    def previous(self) -> "Period":
        return Period(self.since - (self.until - self.since), self.since)


def period_of(since: datetime | None, until: datetime | None, month: str | None = None, *, now: datetime) -> Period:
    """A month ("2026-10"), a range widened to whole days, or by default the 30 days up to the end of today."""
    if month:
        first = datetime.strptime(month, "%Y-%m").replace(tzinfo=PEKANBARU)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(first, following)
    until = until or now
    return Period(*whole_days(since or until - timedelta(days=30), until))


def _holidays_between(start: date, end: date) -> list[date]:
    days = holidays.country_holidays("ID", years=range(start.year, end.year + 1))
    return sorted(d for d in days if start <= d <= end)


_SQL = """
WITH base AS (
    SELECT c.id, c.created_at, c.resolved_at, c.closed_at, c.due_at, c.status, c.rating, c.reopen_count,
           c.private, c.assigned_to_id IS NOT NULL AS assigned_now,
           (SELECT qa.fixed FROM notifications_questionanswer qa
            WHERE qa.complaint_id = c.id AND qa.resolved_at >= %(since)s AND qa.resolved_at < %(until)s
            ORDER BY qa.resolved_at DESC LIMIT 1) AS answer_fixed,
           a.code AS agency, a.name AS agency_name, tf.code AS task_force, tf.name AS task_force_name,
           k.code AS kecamatan, k.name AS kecamatan_name, cat.code AS category, cat.name_id AS category_name,
           c.channel,
           (c.created_at >= %(since)s AND c.created_at < %(until)s) AS received,
           (c.status = 'selesai' AND c.resolved_at >= %(since)s AND c.resolved_at < %(until)s) AS resolved,
           (c.status = 'diteruskan' AND c.closed_at >= %(since)s AND c.closed_at < %(until)s) AS forwarded,
           (c.created_at < %(until)s AND (c.closed_at IS NULL OR c.closed_at >= %(until)s)) AS in_backlog
    FROM complaints_complaint c
    JOIN complaints_category cat ON cat.id = c.category_id
    JOIN boundaries_kecamatan k ON k.id = c.kecamatan_id
    LEFT JOIN boundaries_agency a ON a.id = c.agency_id
    LEFT JOIN boundaries_taskforce tf ON tf.id = c.task_force_id
    WHERE c.created_at < %(until)s AND (%(with_private)s OR NOT c.private)
      AND (c.created_at >= %(since)s OR c.closed_at IS NULL OR c.closed_at >= %(since)s OR c.resolved_at >= %(since)s)
),
measured AS (
    SELECT base.*,
           CASE WHEN resolved THEN (
               SELECT count(*) FROM generate_series(
                   (created_at AT TIME ZONE 'Asia/Jakarta')::date + 1, (resolved_at AT TIME ZONE 'Asia/Jakarta')::date, interval '1 day'
               ) d
               WHERE extract(isodow FROM d) < 6 AND d::date <> ALL(%(holidays)s::date[])
           ) END AS days,
           resolved AND NOT EXISTS (
               SELECT 1 FROM complaints_photo p WHERE p.complaint_id = base.id AND p.kind = 'after'
           ) AS no_after_photo,
           CASE WHEN resolved THEN coalesce((
               SELECT e.verified_on_site FROM complaints_complaintevent e
               WHERE e.complaint_id = base.id AND e.kind = 'status' AND e.to_status = 'selesai'
               ORDER BY e.at DESC, e.id DESC LIMIT 1
           ), false) END AS on_site
    FROM base
)
{agency_rows}
UNION ALL
{other_rows}
ORDER BY 1, 2
"""


_FIGURES_SQL = """
    count(*) FILTER (WHERE received) AS received,
    count(*) FILTER (WHERE resolved) AS resolved,
    count(*) FILTER (WHERE forwarded) AS forwarded,
    avg((resolved_at <= due_at)::int) FILTER (WHERE resolved) AS within_sla,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE resolved) AS median_days,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY days) FILTER (WHERE resolved) AS p90_days,
    count(*) FILTER (WHERE in_backlog) AS backlog,
    max(extract(epoch FROM %(until)s - created_at) / 86400) FILTER (WHERE in_backlog) AS oldest_days,
    avg((reopen_count > 0)::int) FILTER (WHERE resolved) AS reopen_rate,
    avg(rating) FILTER (WHERE resolved AND rating IS NOT NULL) AS rating,
    count(rating) FILTER (WHERE resolved) AS rated,
    avg(no_after_photo::int) FILTER (WHERE resolved) AS without_after_photo,
    avg(on_site::int) FILTER (WHERE resolved) AS verified_on_site,
    count(answer_fixed) AS answered,
    avg(answer_fixed::int) AS answered_fixed,
    avg(assigned_now::int) FILTER (WHERE received) AS assigned,
    bool_or(private) AS has_private,
    count(*) FILTER (WHERE received OR resolved OR forwarded OR in_backlog) AS involved
"""
# Every complaint counts in its agency's row; private ones nowhere else.
_SQL = _SQL.format(
    agency_rows=f"SELECT 'agency' AS grp, agency AS code, min(agency_name) AS name, {_FIGURES_SQL} "
    "FROM measured WHERE agency IS NOT NULL GROUP BY agency",
    # The channel's row is named by its code; report_card_answer gives it its label.
    other_rows=(
        "SELECT CASE WHEN GROUPING(task_force) = 0 THEN 'task_force' WHEN GROUPING(kecamatan) = 0 THEN 'kecamatan' "
        "WHEN GROUPING(category) = 0 THEN 'category' ELSE 'channel' END, "
        "COALESCE(task_force, kecamatan, category, channel), "
        "CASE WHEN GROUPING(task_force) = 0 THEN min(task_force_name) WHEN GROUPING(kecamatan) = 0 "
        "THEN min(kecamatan_name) WHEN GROUPING(category) = 0 THEN min(category_name) ELSE min(channel) END, "
        f"{_FIGURES_SQL} FROM measured WHERE NOT private "
        "GROUP BY GROUPING SETS ((task_force), (kecamatan), (category), (channel)) "
        "HAVING COALESCE(task_force, kecamatan, category, channel) IS NOT NULL"
    ),
)


# The card reads every complaint open, received or resolved in the period (seconds at a million), so
# it is kept for a few minutes: a popular page costs one computation per period and process in that
# time. Periods are whole days, so every visitor of a day shares the default one.
CARD_CACHE_SECONDS = 5 * 60
# The count each derived figure is built from (a count is built from itself).
_BUILT_FROM = {
    "within_sla": "resolved",
    "median_days": "resolved",
    "p90_days": "resolved",
    "reopen_rate": "resolved",
    "without_after_photo": "resolved",
    "verified_on_site": "resolved",
    "answered_fixed": "answered",
    "assigned": "received",
    "rating": "rated",
    "oldest_days": "backlog",
}


def report_card(period: Period) -> dict[str, list[dict]]:
    """Rows per group ("agency", "task_force", "kecamatan", "category"), each a dict of FIGURES, over
    ``period`` widened to whole days; the same period's answer is reused for CARD_CACHE_SECONDS."""
    period = Period(*whole_days(period.since, period.until))
    with_private = is_ended_whole_months(period.since, period.until, now=timezone.now())
    key = f"report-card:{period.since.isoformat()}:{period.until.isoformat()}:{with_private}"
    if (cached := cache.get(key)) is not None:
        return cached
    params = {
        "since": period.since,
        "until": period.until,
        "with_private": with_private,
        "holidays": _holidays_between(
            period.since.astimezone(PEKANBARU).date() - timedelta(days=400), period.until.astimezone(PEKANBARU).date()
        ),
    }
    with reading(Complaint).cursor() as cursor:
        cursor.execute(_SQL, params)
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    card = {group: [] for group in GROUPS}
    for row in rows:
        card[row.pop("grp")].append(_public(row))
    cache.set(key, card, CARD_CACHE_SECONDS)
    return card


def _public(row: dict) -> dict:
    """Round the figures; a row built from too few complaints shows none of them, and where private
    complaints contribute, each figure built from too few is hidden on its own."""
    private = row.pop("has_private")
    involved = row.pop("involved")
    out = {"code": row["code"], "name": row["name"]}
    if involved < suppress_below(sensitive=private):
        return {**out, **{f: None for f in FIGURES}, "suppressed": suppressed_label(sensitive=private)}
    for figure in FIGURES:
        value = row[figure]
        out[figure] = value if value is None or isinstance(value, int) else round(float(value), 3)
    if private:
        minimum = suppress_below(sensitive=True)
        for figure in FIGURES:
            if 0 < row[_BUILT_FROM.get(figure, figure)] < minimum:
                out[figure] = None
    out["suppressed"] = None
    return out
