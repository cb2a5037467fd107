"""The computations the rollups replaced, kept for the benchmarks' same-process baselines: each
public aggregate as it was computed from the complaint table itself, on the same filters."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F

from complaints.models import Status
from complaints.sla import PEKANBARU
from disclosure.public import suppress_below
from rollups.sql import cell_of


def scanned_hex_counts(query) -> int:
    """Hexagon counts from the complaints' stored UTM coordinates: one pass over the table."""
    points, params = query.complaints().order_by().values(x=F("utm_x"), y=F("utm_y")).query.sql_with_params()
    joins, i, j = cell_of("src.x", "src.y", "0", "0", str(int(query.size_m)))
    sql = f"SELECT {i}, {j}, count(*) FROM ({points}) src {joins} GROUP BY 1, 2"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def scanned_heat_points(query) -> int:
    sql, params = query.complaints().order_by().values("location").query.sql_with_params()
    sql = f"""
        SELECT ST_Y(c), ST_X(c), n FROM (
            SELECT ST_Centroid(ST_Collect(p.location)) AS c, count(*) AS n
            FROM ({sql}) p GROUP BY ST_SnapToGrid(p.location, 0.001)
        ) cells WHERE n >= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, suppress_below()])
        return len(cursor.fetchall())


def scanned_report_card(period, *, with_private: bool) -> int:
    """The report card as one statement over every complaint open, received or resolved in a period,
    its working days counted day by day (the card's computation before it read the rollups)."""
    import holidays

    start, end = (
        period.since.astimezone(PEKANBARU).date() - timedelta(days=400),
        period.until.astimezone(PEKANBARU).date(),
    )
    off = sorted(d for d in holidays.country_holidays("ID", years=range(start.year, end.year + 1)) if start <= d <= end)
    params = {"since": period.since, "until": period.until, "with_private": with_private, "holidays": off}
    with connection.cursor() as cursor:
        cursor.execute(_REPORT_CARD_SQL, params)
        return len(cursor.fetchall())


_REPORT_CARD_SQL = """
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
           (c.status = '{resolved}' AND c.resolved_at >= %(since)s AND c.resolved_at < %(until)s) AS resolved,
           (c.status = '{forwarded}' AND c.closed_at >= %(since)s AND c.closed_at < %(until)s) AS forwarded,
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
                   (created_at AT TIME ZONE '{zone}')::date + 1, (resolved_at AT TIME ZONE '{zone}')::date, interval '1 day'
               ) d
               WHERE extract(isodow FROM d) < 6 AND d::date <> ALL(%(holidays)s::date[])
           ) END AS days,
           resolved AND NOT EXISTS (
               SELECT 1 FROM complaints_photo p WHERE p.complaint_id = base.id AND p.kind = 'after'
           ) AS no_after_photo,
           CASE WHEN resolved THEN coalesce((
               SELECT e.verified_on_site FROM complaints_complaintevent e
               WHERE e.complaint_id = base.id AND e.kind = 'status' AND e.to_status = '{resolved}'
               ORDER BY e.at DESC, e.id DESC LIMIT 1
           ), false) END AS on_site
    FROM base
)
{agency_rows}
UNION ALL
{other_rows}
ORDER BY 1, 2
"""


_CARD_FIGURES_SQL = """
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
_REPORT_CARD_SQL = _REPORT_CARD_SQL.format(
    resolved=Status.SELESAI.value,
    forwarded=Status.DITERUSKAN.value,
    zone=settings.TIME_ZONE,
    agency_rows=f"SELECT 'agency' AS grp, agency AS code, min(agency_name) AS name, {_CARD_FIGURES_SQL} "
    "FROM measured WHERE agency IS NOT NULL GROUP BY agency",
    # The channel's row is named by its code; report_card_answer gives it its label.
    other_rows=(
        "SELECT CASE WHEN GROUPING(task_force) = 0 THEN 'task_force' WHEN GROUPING(kecamatan) = 0 THEN 'kecamatan' "
        "WHEN GROUPING(category) = 0 THEN 'category' ELSE 'channel' END, "
        "COALESCE(task_force, kecamatan, category, channel), "
        "CASE WHEN GROUPING(task_force) = 0 THEN min(task_force_name) WHEN GROUPING(kecamatan) = 0 "
        "THEN min(kecamatan_name) WHEN GROUPING(category) = 0 THEN min(category_name) ELSE min(channel) END, "
        f"{_CARD_FIGURES_SQL} FROM measured WHERE NOT private "
        "GROUP BY GROUPING SETS ((task_force), (kecamatan), (category), (channel)) "
        "HAVING COALESCE(task_force, kecamatan, category, channel) IS NOT NULL"
    ),
)
