"""The public report card (rapor kinerja): how each agency, task force, kecamatan and category served
the city in a period, and how many complaints came by each channel (web, Open311, WhatsApp, staff for
a caller), summed in one SQL statement from the daily rollups (rollups.models: FlowDay, and
ResolutionDay's histogram of working days to resolve, so medians and percentiles are exact).

Definitions (the page's methodology section says the same in plain words):
* received: complaints filed in the period;
* resolved: complaints resolved (status ``selesai``) in the period, and of those: the share resolved
  by their due time, the median and 90th percentile of working days to resolve (working days after
  the day of filing up to the day of resolution, on the city's calendar (settings.TIME_ZONE), weekends and national
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
Periods are whole days in the city's time zone. Private complaints (a sensitive category's) count only in their
agency's row and only when the period is whole months that have ended; a row none of whose counts
(received, resolved, forwarded, backlog) reaches suppress_below() shows no figures, and in a row that
private complaints touch every figure built from fewer than suppress_below(sensitive=True) is hidden on
its own (docs/rules.md, privacy rules 3 and 4).

Beside the rollups the statement reads two small things: the answers to the "sudah beres?" question
given about the period's resolutions (an index range of their own table), and the age of each
group's oldest backlog complaint, from two index-only scans of the complaint table (rollups 0007).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone

from complaints.models import Complaint
from complaints.sla import PEKANBARU
from disclosure.public import suppress_below, suppressed_label
from disclosure.windows import is_ended_whole_months, whole_days
from geo.db_router import reading
from rollups.models import CHANNEL_IDS, FlowDay, ResolutionDay
from rollups.sql import dimension_values
from rollups.windows import day_range

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


# The default period: this many days up to the end of today.
DEFAULT_DAYS = 30


def period_of(since: datetime | None, until: datetime | None, month: str | None = None, *, now: datetime) -> Period:
    """A month ("2026-10"), a range widened to whole days, or by default the DEFAULT_DAYS days up to the end of today."""
    if month:
        first = datetime.strptime(month, "%Y-%m").replace(tzinfo=PEKANBARU)
        following = (first + timedelta(days=32)).replace(day=1)
        return Period(first, following)
    until = until or now
    return Period(*whole_days(since or until - timedelta(days=DEFAULT_DAYS), until))


# Each group's dimension in the rollups, and the rows naming its ids (id, code, name). A channel is
# named by its code; report_card_answer gives it its label.
_CHANNELS = ", ".join(f"({i}, '{channel}', '{channel}')" for channel, i in CHANNEL_IDS.items())
_NAMES = {
    "agency": "SELECT id, code, name FROM boundaries_agency",
    "task_force": "SELECT id, code, name FROM boundaries_taskforce",
    "kecamatan": "SELECT id, code, name FROM boundaries_kecamatan",
    "category": "SELECT id, code, name_id FROM complaints_category",
    "channel": f"VALUES {_CHANNELS}",
}
# Private complaints count in their agency's row only, and only when the period allows it.
_COUNTED = "(NOT {t}.private OR ({t}.dim = 'agency' AND %(with_private)s))"
_GROUP_COLUMNS = "agency_id, task_force_id, kecamatan_id, category_id, channel, private"

_SQL = f"""
WITH flows AS (
    SELECT f.dim, f.dim_id,
           bool_or(f.private) FILTER (WHERE f.received <> 0 OR f.closed <> 0) AS has_private,
           coalesce(sum(f.received) FILTER (WHERE f.day >= %(since)s), 0) AS received,
           coalesce(sum(f.assigned) FILTER (WHERE f.day >= %(since)s), 0) AS assigned,
           coalesce(sum(f.forwarded) FILTER (WHERE f.day >= %(since)s), 0) AS forwarded,
           coalesce(sum(f.received - f.closed), 0) AS backlog
    FROM {FlowDay._meta.db_table} f
    WHERE f.day < %(until)s AND {_COUNTED.format(t="f")}
    GROUP BY f.dim, f.dim_id
),
histogram AS (
    SELECT r.dim, r.dim_id, r.days, bool_or(r.private) AS has_private, sum(r.n) AS n,
           sum(r.within_sla) AS within_sla, sum(r.reopened) AS reopened, sum(r.rated) AS rated,
           sum(r.rating_sum) AS rating_sum, sum(r.without_after_photo) AS without_after_photo,
           sum(r.on_site) AS on_site
    FROM {ResolutionDay._meta.db_table} r
    WHERE r.day >= %(since)s AND r.day < %(until)s AND {_COUNTED.format(t="r")}
    GROUP BY r.dim, r.dim_id, r.days HAVING sum(r.n) <> 0
),
resolved AS (
    SELECT dim, dim_id, bool_or(has_private) AS has_private, sum(n) AS resolved, sum(within_sla) AS within_sla,
           sum(reopened) AS reopened, sum(rated) AS rated, sum(rating_sum) AS rating_sum,
           sum(without_after_photo) AS without_after_photo, sum(on_site) AS on_site,
           array_agg(days ORDER BY days) AS days, array_agg(n ORDER BY days) AS counts
    FROM histogram GROUP BY dim, dim_id
),
answers AS (
    -- Each complaint's latest answer about a resolution in the period.
    SELECT g.dim, g.dim_id, bool_or(a.private) AS has_private, count(*) AS answered,
           avg(a.fixed::int) AS answered_fixed
    FROM (
        SELECT DISTINCT ON (qa.complaint_id) qa.fixed, c.*
        FROM notifications_questionanswer qa JOIN complaints_complaint c ON c.id = qa.complaint_id
        WHERE qa.resolved_at >= %(since_at)s AND qa.resolved_at < %(until_at)s
        ORDER BY qa.complaint_id, qa.resolved_at DESC
    ) a
    CROSS JOIN LATERAL (VALUES {dimension_values("a")}) g(dim, dim_id)
    WHERE g.dim_id IS NOT NULL AND (NOT a.private OR (g.dim = 'agency' AND %(with_private)s))
    GROUP BY g.dim, g.dim_id
),
oldest AS (
    SELECT g.dim, g.dim_id, max(extract(epoch FROM %(until_at)s - c.created_at) / 86400) AS oldest_days
    FROM (
        -- The oldest of each combination of groups first (a few thousand rows, not one per complaint),
        -- over the backlog at the period's end: still open, or closed after it (two index-only scans).
        SELECT {_GROUP_COLUMNS}, min(created_at) AS created_at
        FROM (
            SELECT created_at, {_GROUP_COLUMNS}
            FROM complaints_complaint WHERE closed_at IS NULL AND created_at < %(until_at)s
            UNION ALL
            SELECT created_at, {_GROUP_COLUMNS}
            FROM complaints_complaint WHERE closed_at >= %(until_at)s AND created_at < %(until_at)s
        ) backlog
        GROUP BY {_GROUP_COLUMNS}
    ) c
    CROSS JOIN LATERAL (VALUES {dimension_values("c")}) g(dim, dim_id)
    WHERE g.dim_id IS NOT NULL AND (NOT c.private OR (g.dim = 'agency' AND %(with_private)s))
    GROUP BY g.dim, g.dim_id
),
names AS (
    {" UNION ALL ".join(f"SELECT '{dim}' AS named, n.* FROM ({sql}) n(id, code, name)" for dim, sql in _NAMES.items())}
)
SELECT dim AS grp, names.code, names.name,
       coalesce(flows.received, 0)::int AS received, coalesce(resolved.resolved, 0)::int AS resolved,
       coalesce(flows.forwarded, 0)::int AS forwarded,
       resolved.within_sla::float / nullif(resolved.resolved, 0) AS within_sla,
       resolved.days, resolved.counts,
       coalesce(flows.backlog, 0)::int AS backlog, oldest.oldest_days,
       resolved.reopened::float / nullif(resolved.resolved, 0) AS reopen_rate,
       resolved.rating_sum::float / nullif(resolved.rated, 0) AS rating,
       coalesce(resolved.rated, 0)::int AS rated,
       resolved.without_after_photo::float / nullif(resolved.resolved, 0) AS without_after_photo,
       resolved.on_site::float / nullif(resolved.resolved, 0) AS verified_on_site,
       coalesce(answers.answered, 0)::int AS answered, answers.answered_fixed,
       flows.assigned::float / nullif(flows.received, 0) AS assigned,
       coalesce(flows.has_private, false) OR coalesce(resolved.has_private, false)
           OR coalesce(answers.has_private, false) AS has_private
FROM flows
FULL JOIN resolved USING (dim, dim_id)
FULL JOIN answers USING (dim, dim_id)
LEFT JOIN oldest USING (dim, dim_id)
JOIN names ON names.named = dim AND names.id = dim_id
WHERE coalesce(flows.received, 0) <> 0 OR coalesce(flows.backlog, 0) <> 0 OR coalesce(flows.forwarded, 0) <> 0
   OR coalesce(resolved.resolved, 0) <> 0 OR coalesce(answers.answered, 0) <> 0
ORDER BY 1, 2
"""


# A card is kept for a few minutes: a popular page then costs one computation per period and process
# in that time. Periods are whole days, so every visitor of a day shares the default one.
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
    since, until = day_range(period.since, period.until)
    params = {
        "since": since,
        "until": until,
        "since_at": period.since,
        "until_at": period.until,
        "with_private": with_private,
    }
    with reading(Complaint).cursor() as cursor:
        cursor.execute(_SQL, params)
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    card = {group: [] for group in GROUPS}
    for row in rows:
        days, counts = row.pop("days") or [], row.pop("counts") or []
        row["median_days"] = _percentile(days, counts, 0.5)
        row["p90_days"] = _percentile(days, counts, 0.9)
        # A row is shown when one of its counts reaches the threshold: a lower bound of the
        # complaints it involves (one may be received, resolved and in the backlog at once).
        row["involved"] = max(row["received"], row["resolved"], row["forwarded"], row["backlog"])
        card[row.pop("grp")].append(_public(row))
    cache.set(key, card, CARD_CACHE_SECONDS)
    return card


def _percentile(values: list[int], counts: list[int], q: float) -> float | None:
    """percentile_cont(q) of ``values`` each repeated ``counts`` times (sorted): the histogram's exact
    answer, interpolated between neighbours as PostgreSQL does."""
    total = sum(counts)
    if not total:
        return None
    position = q * (total - 1)
    below, fraction = int(position), position - int(position)

    def at(k: int) -> int:
        seen = 0
        for value, n in zip(values, counts, strict=True):
            seen += n
            if k < seen:
                return value
        return values[-1]

    low = at(below)
    return float(low + (at(below + 1) - low) * fraction) if fraction else float(low)


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
