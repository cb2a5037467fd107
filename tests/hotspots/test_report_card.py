"""The report card's SQL figures against an independent computation with pandas on the same rows."""

import random
from datetime import timedelta

import holidays
import numpy as np
import pandas as pd
import pytest
from django.utils import timezone

from complaints.bulk import complaints_load
from complaints.demo import demo_complaints
from complaints.models import Complaint, Photo, Status
from complaints.sla import PEKANBARU
from hotspots.report_card import FIGURES, Period, report_card

pytestmark = pytest.mark.django_db
NOW = timezone.now()
PERIOD = Period(NOW - timedelta(days=30), NOW)


@pytest.fixture
def seeded(tmp_path, settings):
    """~600 complaints over 60 days with resolutions, ratings, reopenings and "after" photos."""
    settings.MEDIA_ROOT = tmp_path
    created = complaints_load(demo_complaints(700, seed=21, days=75, now=NOW)).complaints()
    rng = random.Random(5)
    for c in created:
        roll = rng.random()
        fields = {}
        if roll < 0.6:
            resolved = min(c.created_at + timedelta(hours=rng.uniform(2, 24 * 15)), NOW - timedelta(minutes=1))
            fields = {
                "status": Status.SELESAI,
                "resolved_at": resolved,
                "closed_at": resolved,
                "rating": rng.choice([None, None, 1, 3, 4, 5]),
                "reopen_count": int(rng.random() < 0.1),
            }
            if rng.random() < 0.5:
                Photo.objects.create(
                    complaint=c, kind="after", image="photos/x.jpg", thumbnail="photos/x-thumb.jpg", width=1, height=1
                )
        elif roll < 0.7:
            closed = min(c.created_at + timedelta(days=rng.uniform(0, 5)), NOW - timedelta(minutes=1))
            fields = {"status": Status.DITOLAK, "closed_at": closed}
        if fields:
            Complaint.objects.filter(pk=c.pk).update(**fields)
    return created


def frame() -> pd.DataFrame:
    rows = Complaint.objects.values(
        "id",
        "created_at",
        "resolved_at",
        "closed_at",
        "due_at",
        "status",
        "rating",
        "reopen_count",
        "category__code",
        "category__sensitive",
        "agency__code",
        "task_force__code",
        "kecamatan__code",
    )
    df = pd.DataFrame(list(rows))
    after = set(Photo.objects.filter(kind="after").values_list("complaint_id", flat=True))
    df["after_photo"] = df["id"].isin(after)
    return df


def expected(df: pd.DataFrame) -> dict:
    """The methodology, computed again in pandas and numpy."""
    since, until = PERIOD.since, PERIOD.until
    received = (df.created_at >= since) & (df.created_at < until)
    resolved = (df.status == "selesai") & (df.resolved_at >= since) & (df.resolved_at < until)
    backlog = (df.created_at < until) & (df.closed_at.isna() | (df.closed_at >= until))
    r = df[resolved]
    local = lambda s: np.array(s.dt.tz_convert(PEKANBARU).dt.date.tolist(), dtype="datetime64[D]")  # noqa: E731
    off = sorted(holidays.country_holidays("ID", years=range(2024, 2028)))
    days = np.busday_count(
        local(r.created_at) + np.timedelta64(1, "D"), local(r.resolved_at) + np.timedelta64(1, "D"), holidays=off
    )
    return {
        "received": int(received.sum()),
        "resolved": int(resolved.sum()),
        "within_sla": (r.resolved_at <= r.due_at).mean() if len(r) else None,
        "median_days": float(np.percentile(days, 50)) if len(r) else None,
        "p90_days": float(np.percentile(days, 90)) if len(r) else None,
        "backlog": int(backlog.sum()),
        "oldest_days": ((until - df[backlog].created_at).dt.total_seconds() / 86400).max() if backlog.any() else None,
        "reopen_rate": (r.reopen_count > 0).mean() if len(r) else None,
        "rating": r.rating.dropna().mean() if r.rating.notna().any() else None,
        "rated": int(r.rating.notna().sum()),
        "without_after_photo": (~r.after_photo).mean() if len(r) else None,
    }


COLUMNS = {
    "agency": "agency__code",
    "task_force": "task_force__code",
    "kecamatan": "kecamatan__code",
    "category": "category__code",
}


@pytest.mark.parametrize("group", list(COLUMNS))
def test_figures_equal_an_independent_pandas_computation(seeded, group):
    df = frame()
    card = report_card(PERIOD)[group]
    assert card, group
    public = df if group == "agency" else df[~df.category__sensitive]
    for row in card:
        if row["suppressed"]:
            continue
        want = expected(public[public[COLUMNS[group]] == row["code"]])
        for figure in FIGURES:
            if want[figure] is None or (isinstance(want[figure], float) and np.isnan(want[figure])):
                assert row[figure] is None, (group, row["code"], figure)
            else:
                assert row[figure] == pytest.approx(want[figure], abs=1e-3), (group, row["code"], figure)


def test_sensitive_categories_count_only_in_their_agency_and_small_cells_are_suppressed(file_complaint):
    for _ in range(2):
        file_complaint(101.44, 0.51, category="kdrt")
    for _ in range(4):
        file_complaint(101.44, 0.51, category="sampah")
    for _ in range(2):
        file_complaint(101.4445, 0.4608, category="lampu-jalan")
    now = timezone.now()
    card = report_card(Period(now - timedelta(days=1), now + timedelta(hours=1)))
    rows = {(group, row["code"]): row for group, found in card.items() for row in found}
    assert rows[("agency", "DP3A")]["suppressed"] == "<5" and rows[("agency", "DP3A")]["received"] is None
    assert ("category", "kdrt") not in rows and ("task_force", "DP3A-UPTD-PPA") not in rows
    assert rows[("kecamatan", "14.71.01")]["received"] == 4  # the two sensitive ones do not count here
    assert rows[("agency", "DLHK")]["received"] == 4
    assert rows[("kecamatan", "14.71.09")]["suppressed"] == "<3"
    assert rows[("agency", "DPUPR")]["suppressed"] == "<3"


def test_report_card_api_with_previous_period_and_bad_parameters(client, seeded):
    body = client.get("/api/v1/report-card/").json()
    assert set(body) >= {"period", "previous_period", "agency", "task_force", "kecamatan", "category"}
    assert set(body["agency"][0]["previous"]) == set(FIGURES)
    assert client.get("/api/v1/report-card/", {"month": "2026-10"}).status_code == 200
    for params in ({"month": "2026-13"}, {"month": "2026-10", "since": "2026-10-01"}, {"since": "nanti"}, {"x": "1"}):
        assert client.get("/api/v1/report-card/", params).status_code == 400


def test_a_period_is_computed_once_and_reused_until_the_cache_expires(file_complaint):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    file_complaint()
    period = Period(timezone.now() - timedelta(days=1), timezone.now() + timedelta(hours=1))
    first = report_card(period)
    with CaptureQueriesContext(connection) as queries:
        assert report_card(period) == first
    assert len(queries) == 0
    cache.clear()  # what expiry does
    with CaptureQueriesContext(connection) as queries:
        report_card(period)
    assert len(queries) == 1


def test_the_default_period_ends_on_the_cache_boundary():
    from hotspots.report_card import CARD_CACHE_SECONDS, EPOCH, card_now

    step = timedelta(seconds=CARD_CACHE_SECONDS)
    before, end = timezone.now(), card_now()
    assert before <= end <= before + step
    assert (end - EPOCH) % step == timedelta(0)
