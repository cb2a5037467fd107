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
Periods are whole days in the city's time zone. Private complaints (a sensitive category's) count only in the
row of an agency that can hold them (disclosure.aggregates), and that row is published only for one
calendar month that has ended (for any other period it is left out): its counts are randomly rounded
to multiples of 5, each on its own, and its shares, rating, median, p90 and oldest come from its public
complaints only; a private complaint is in no age anywhere. A row none of whose counts (received,
resolved, forwarded, backlog) reaches suppress_below() shows no figures; a private-bearing row whose
rounded counts are all 0 likewise (docs/rules.md, privacy rules 3, 4 and 10).

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
from disclosure.aggregates import is_publishable_month, private_bearing_agencies_sql, rounded_count
from disclosure.public import suppress_below, suppressed_label
from disclosure.windows import is_calendar_month, month_start, whole_days
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
    def is_month(self) -> bool:
        """Whether the period is one calendar month of the city's."""
        return is_calendar_month(self.since, self.until)

    @property
    def previous(self) -> "Period":
        """The period of the same length before; for a calendar month, the month before (which is
        itself a month, so a private-bearing row can be compared with it)."""
        if self.is_month:
            return Period(month_start(self.since - timedelta(days=1)), self.since)
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


# Private complaints count only in the row of an agency that can hold them (disclosure.aggregates),
# and only when the period is one ended calendar month.
def _counted(row: str, group: str | None = None) -> str:
    """The condition on a row (alias ``row``, its group's dim and dim_id under ``group``) to count it."""
    group = group or row
    return (
        f"(NOT {row}.private OR ({group}.dim = 'agency' AND %(with_private)s"
        f" AND {group}.dim_id IN (SELECT id FROM bearing)))"
    )


_GROUP_COLUMNS = "agency_id, task_force_id, kecamatan_id, category_id, channel, private"

_SQL = f"""
WITH bearing AS ({private_bearing_agencies_sql()[0]}),
flows AS (
    SELECT f.dim, f.dim_id,
           coalesce(sum(f.received) FILTER (WHERE f.day >= %(since)s), 0) AS received,
           -- The assigned share is of public complaints only (disclosure.aggregates).
           sum(f.received) FILTER (WHERE f.day >= %(since)s AND NOT f.private) AS received_public,
           sum(f.assigned) FILTER (WHERE f.day >= %(since)s AND NOT f.private) AS assigned,
           coalesce(sum(f.forwarded) FILTER (WHERE f.day >= %(since)s), 0) AS forwarded,
           coalesce(sum(f.received - f.closed), 0) AS backlog
    FROM {FlowDay._meta.db_table} f
    WHERE f.day < %(until)s AND {_counted("f")}
    GROUP BY f.dim, f.dim_id
),
histogram AS (
    SELECT r.dim, r.dim_id, r.days, r.private, sum(r.n) AS n,
           sum(r.within_sla) AS within_sla, sum(r.reopened) AS reopened, sum(r.rated) AS rated,
           sum(r.rating_sum) AS rating_sum, sum(r.without_after_photo) AS without_after_photo,
           sum(r.on_site) AS on_site
    FROM {ResolutionDay._meta.db_table} r
    WHERE r.day >= %(since)s AND r.day < %(until)s AND {_counted("r")}
    GROUP BY r.dim, r.dim_id, r.days, r.private HAVING sum(r.n) <> 0
),
resolved AS (
    -- Counts of all the row's complaints; every share, rating and the working-day histogram (the
    -- median and p90) of its public complaints only (disclosure.aggregates).
    SELECT dim, dim_id, sum(n) AS resolved, sum(rated) AS rated,
           sum(n) FILTER (WHERE NOT private) AS resolved_public,
           sum(within_sla) FILTER (WHERE NOT private) AS within_sla,
           sum(reopened) FILTER (WHERE NOT private) AS reopened,
           sum(rated) FILTER (WHERE NOT private) AS rated_public,
           sum(rating_sum) FILTER (WHERE NOT private) AS rating_sum,
           sum(without_after_photo) FILTER (WHERE NOT private) AS without_after_photo,
           sum(on_site) FILTER (WHERE NOT private) AS on_site,
           array_agg(days ORDER BY days) FILTER (WHERE NOT private) AS days,
           array_agg(n ORDER BY days) FILTER (WHERE NOT private) AS counts
    FROM histogram GROUP BY dim, dim_id
),
answers AS (
    -- Each complaint's latest answer about a resolution in the period.
    SELECT g.dim, g.dim_id, count(*) AS answered, avg(a.fixed::int) FILTER (WHERE NOT a.private) AS answered_fixed
    FROM (
        SELECT DISTINCT ON (qa.complaint_id) qa.fixed, c.*
        FROM notifications_questionanswer qa JOIN complaints_complaint c ON c.id = qa.complaint_id
        WHERE qa.resolved_at >= %(since_at)s AND qa.resolved_at < %(until_at)s
        ORDER BY qa.complaint_id, qa.resolved_at DESC
    ) a
    CROSS JOIN LATERAL (VALUES {dimension_values("a")}) g(dim, dim_id)
    WHERE g.dim_id IS NOT NULL AND {_counted("a", "g")}
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
    -- No private complaint in any age: its age would date it to the second (disclosure.aggregates).
    WHERE g.dim_id IS NOT NULL AND NOT c.private
    GROUP BY g.dim, g.dim_id
),
names AS (
    {" UNION ALL ".join(f"SELECT '{dim}' AS named, n.* FROM ({sql}) n(id, code, name)" for dim, sql in _NAMES.items())}
)
SELECT dim AS grp, names.code, names.name,
       coalesce(flows.received, 0)::int AS received, coalesce(resolved.resolved, 0)::int AS resolved,
       coalesce(flows.forwarded, 0)::int AS forwarded,
       resolved.within_sla::float / nullif(resolved.resolved_public, 0) AS within_sla,
       resolved.days, resolved.counts,
       coalesce(flows.backlog, 0)::int AS backlog, oldest.oldest_days,
       resolved.reopened::float / nullif(resolved.resolved_public, 0) AS reopen_rate,
       resolved.rating_sum::float / nullif(resolved.rated_public, 0) AS rating,
       coalesce(resolved.rated, 0)::int AS rated,
       resolved.without_after_photo::float / nullif(resolved.resolved_public, 0) AS without_after_photo,
       resolved.on_site::float / nullif(resolved.resolved_public, 0) AS verified_on_site,
       coalesce(answers.answered, 0)::int AS answered, answers.answered_fixed,
       flows.assigned::float / nullif(flows.received_public, 0) AS assigned,
       dim = 'agency' AND dim_id IN (SELECT id FROM bearing) AS bearing
FROM flows
FULL JOIN resolved USING (dim, dim_id)
FULL JOIN answers USING (dim, dim_id)
LEFT JOIN oldest USING (dim, dim_id)
JOIN names ON names.named = dim AND names.id = dim_id
WHERE coalesce(flows.received, 0) <> 0 OR coalesce(flows.backlog, 0) <> 0 OR coalesce(flows.forwarded, 0) <> 0
   OR coalesce(resolved.resolved, 0) <> 0 OR coalesce(answers.answered, 0) <> 0
   -- A private-bearing row is there even when empty: its absence would say "none at all".
   OR (dim = 'agency' AND dim_id IN (SELECT id FROM bearing))
ORDER BY 1, 2
"""


# A card is kept for a few minutes: a popular page then costs one computation per period and process
# in that time. Periods are whole days, so every visitor of a day shares the default one.
CARD_CACHE_SECONDS = 5 * 60
# The counts among FIGURES: in a private-bearing row each is rounded (disclosure.aggregates); the
# other figures are shares, days and a rating, of public complaints only there.
_COUNTS = ("received", "resolved", "forwarded", "backlog", "rated", "answered")
# The counts that say how many complaints a row involves.
_INVOLVED = ("received", "resolved", "forwarded", "backlog")


def report_card(period: Period) -> dict[str, list[dict]]:
    """Rows per group ("agency", "task_force", "kecamatan", "category"), each a dict of FIGURES, over
    ``period`` widened to whole days; the same period's answer is reused for CARD_CACHE_SECONDS."""
    period = Period(*whole_days(period.since, period.until))
    with_private = is_publishable_month(period.since, period.until, now=timezone.now())
    key = f"report-card:{period.since.isoformat()}:{period.until.isoformat()}:{with_private}"
    if (cached := cache.get(key)) is not None:
        return cached
    since, until = day_range(period.since, period.until)
    params = {
        **private_bearing_agencies_sql()[1],
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
        group = row.pop("grp")
        if row.pop("bearing"):
            if not with_private:
                continue  # a private-bearing row is published for one ended month only
            for figure in _COUNTS:
                row[figure] = rounded_count(row[figure], f"{group}:{row['code']}:{period.since.date()}:{figure}")
            bearing = True
        else:
            bearing = False
        days, counts = row.pop("days") or [], row.pop("counts") or []
        row["median_days"] = _percentile(days, counts, 0.5)
        row["p90_days"] = _percentile(days, counts, 0.9)
        card[group].append(_public(row, bearing=bearing))
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


def _public(row: dict, *, bearing: bool) -> dict:
    """Round the figures; a row built from too few complaints shows none of them. A row is shown when
    one of its counts reaches the threshold: a lower bound of the complaints it involves (one may be
    received, resolved and in the backlog at once). A private-bearing row's counts are already
    rounded to multiples of 5: it is hidden only when they are all 0, a fact of the published
    figures alone."""
    involved = max(row[c] for c in _INVOLVED)
    out = {"code": row["code"], "name": row["name"]}
    if involved < (1 if bearing else suppress_below()):
        return {**out, **{f: None for f in FIGURES}, "suppressed": suppressed_label(sensitive=bearing)}
    for figure in FIGURES:
        value = row[figure]
        out[figure] = value if value is None or isinstance(value, int) else round(float(value), 3)
    out["suppressed"] = None
    return out
