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
from complaints.models import Complaint, ComplaintEvent, Photo, Status
from complaints.sla import PEKANBARU
from disclosure.windows import month_start, whole_days
from hotspots.report_card import FIGURES, Period, report_card
from notifications.models import QuestionAnswer

pytestmark = pytest.mark.django_db
NOW = timezone.now()
# Periods are whole days in Asia/Jakarta.
PERIOD = Period(*whole_days(NOW - timedelta(days=30), NOW))


@pytest.fixture
def seeded(tmp_path, settings, django_user_model):
    """~600 complaints over 60 days with resolutions, ratings, reopenings, "after" photos, closings
    verified on site or not, "sudah beres?" answers and officers."""
    settings.MEDIA_ROOT = tmp_path
    created = complaints_load(demo_complaints(700, seed=21, days=75, now=NOW)).complaints()
    officer = django_user_model.objects.create_user("petugas.rapor")
    rng = random.Random(5)
    for c in created:
        roll = rng.random()
        fields = {"assigned_to": officer} if rng.random() < 0.3 else {}
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
            if rng.random() < 0.7:  # the closing's event; the latest one counts
                for at, verified in (
                    (resolved - timedelta(hours=1), not rng.random() < 0.5),
                    (resolved, rng.random() < 0.5),
                ):
                    ComplaintEvent.objects.create(
                        complaint=c,
                        at=at,
                        kind="status",
                        from_status="dikerjakan",
                        to_status="selesai",
                        verified_on_site=verified,
                    )
                # What complaints.workflow writes beside the latest closing event.
                fields["resolved_on_site"] = verified
            if rng.random() < 0.4:
                QuestionAnswer.objects.create(complaint=c, resolved_at=resolved, fixed=rng.random() < 0.6)
        elif roll < 0.7:
            closed = min(c.created_at + timedelta(days=rng.uniform(0, 5)), NOW - timedelta(minutes=1))
            fields = {"status": Status.DITOLAK, "closed_at": closed}
        elif roll < 0.78:
            # Forwarded to a body outside the city: counted apart, never resolved, not in the backlog.
            forwarded = min(c.created_at + timedelta(hours=rng.uniform(0, 48)), NOW - timedelta(minutes=1))
            fields = {"status": Status.DITERUSKAN, "closed_at": forwarded}
        if fields:
            Complaint.objects.filter(pk=c.pk).update(**fields)
    # Every channel a complaint arrives by, in uneven shares.
    channels = rng.choices(["web", "open311", "whatsapp", "staff"], weights=[5, 1, 3, 1], k=len(created))
    for channel in set(channels):
        Complaint.objects.filter(pk__in=[c.pk for c, ch in zip(created, channels, strict=True) if ch == channel]).update(
            channel=channel
        )
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
        "private",
        "agency__code",
        "task_force__code",
        "kecamatan__code",
        "channel",
        "assigned_to",
    )
    df = pd.DataFrame(list(rows))
    after = set(Photo.objects.filter(kind="after").values_list("complaint_id", flat=True))
    df["after_photo"] = df["id"].isin(after)
    latest = {}
    for e in ComplaintEvent.objects.filter(kind="status", to_status="selesai").order_by("at", "id"):
        latest[e.complaint_id] = bool(e.verified_on_site)
    df["on_site"] = df["id"].map(lambda i: latest.get(i, False))
    answers = {a.complaint_id: a for a in QuestionAnswer.objects.all()}
    df["answer_resolved_at"] = df["id"].map(lambda i: answers[i].resolved_at if i in answers else pd.NaT)
    df["answer_fixed"] = df["id"].map(lambda i: answers[i].fixed if i in answers else None)
    return df


def expected(df: pd.DataFrame) -> dict:
    """The methodology, computed again in pandas and numpy."""
    since, until = PERIOD.since, PERIOD.until
    received = (df.created_at >= since) & (df.created_at < until)
    resolved = (df.status == "selesai") & (df.resolved_at >= since) & (df.resolved_at < until)
    forwarded = (df.status == "diteruskan") & (df.closed_at >= since) & (df.closed_at < until)
    backlog = (df.created_at < until) & (df.closed_at.isna() | (df.closed_at >= until))
    r = df[resolved]
    answer_at = pd.to_datetime(df.answer_resolved_at, utc=True)
    answered = (answer_at >= since) & (answer_at < until)
    local = lambda s: np.array(s.dt.tz_convert(PEKANBARU).dt.date.tolist(), dtype="datetime64[D]")  # noqa: E731
    off = sorted(holidays.country_holidays("ID", years=range(2024, 2028)))
    days = np.busday_count(
        local(r.created_at) + np.timedelta64(1, "D"), local(r.resolved_at) + np.timedelta64(1, "D"), holidays=off
    )
    return {
        "received": int(received.sum()),
        "resolved": int(resolved.sum()),
        "forwarded": int(forwarded.sum()),
        "within_sla": (r.resolved_at <= r.due_at).mean() if len(r) else None,
        "median_days": float(np.percentile(days, 50)) if len(r) else None,
        "p90_days": float(np.percentile(days, 90)) if len(r) else None,
        "backlog": int(backlog.sum()),
        "oldest_days": ((until - df[backlog].created_at).dt.total_seconds() / 86400).max() if backlog.any() else None,
        "reopen_rate": (r.reopen_count > 0).mean() if len(r) else None,
        "rating": r.rating.dropna().mean() if r.rating.notna().any() else None,
        "rated": int(r.rating.notna().sum()),
        "without_after_photo": (~r.after_photo).mean() if len(r) else None,
        "verified_on_site": r.on_site.mean() if len(r) else None,
        "answered": int(answered.sum()),
        "answered_fixed": df[answered].answer_fixed.astype(float).mean() if answered.any() else None,
        "assigned": df[received].assigned_to.notna().mean() if received.any() else None,
    }


COLUMNS = {
    "agency": "agency__code",
    "task_force": "task_force__code",
    "kecamatan": "kecamatan__code",
    "category": "category__code",
    "channel": "channel",
}


@pytest.mark.parametrize("group", list(COLUMNS))
def test_figures_equal_an_independent_pandas_computation(seeded, group):
    df = frame()
    card = report_card(PERIOD)[group]
    assert card, group
    # Over a period that is not whole ended months, private complaints count nowhere.
    public = df[~df.private]
    for row in card:
        if row["suppressed"]:
            continue
        want = expected(public[public[COLUMNS[group]] == row["code"]])
        for figure in FIGURES:
            if want[figure] is None or (isinstance(want[figure], float) and np.isnan(want[figure])):
                assert row[figure] is None, (group, row["code"], figure)
            else:
                assert row[figure] == pytest.approx(want[figure], abs=1e-3), (group, row["code"], figure)


def card_rows(period: Period) -> dict:
    return {(group, row["code"]): row for group, found in report_card(period).items() for row in found}


def file_last_month(file_complaint, category, n, **where):
    """``n`` complaints of ``category`` filed in the middle of last month (Asia/Jakarta)."""
    last_month = month_start(month_start(timezone.now()) - timedelta(days=1))
    made = [file_complaint(category=category, **where) for _ in range(n)]
    Complaint.objects.filter(pk__in=[c.pk for c in made]).update(created_at=last_month + timedelta(days=10))
    return last_month


def test_private_complaints_count_only_in_their_agency_for_whole_ended_months(file_complaint):
    since = file_last_month(file_complaint, "kdrt", 6, lon=101.44, lat=0.51)
    file_last_month(file_complaint, "sampah", 4, lon=101.44, lat=0.51)
    file_last_month(file_complaint, "lampu-jalan", 2, lon=101.4445, lat=0.4608)
    month = card_rows(Period(since, month_start(timezone.now())))
    assert month[("agency", "DP3A")]["received"] in (5, 10)  # rounded to base 5 (privacy rule 10)
    assert ("category", "kdrt") not in month and ("task_force", "DP3A-UPTD-PPA") not in month
    assert month[("kecamatan", "14.71.01")]["received"] == 4  # the private ones do not count here
    assert month[("agency", "DLHK")]["received"] == 4
    assert month[("kecamatan", "14.71.09")]["suppressed"] == "<3"
    assert month[("agency", "DPUPR")]["suppressed"] == "<3"
    # The same days, not as a whole month: the private complaints are not counted at all.
    days = card_rows(Period(since + timedelta(days=1), month_start(timezone.now())))
    assert ("agency", "DP3A") not in days


def test_a_private_bearing_row_rounds_its_counts_and_takes_its_rates_from_public_complaints(file_complaint, staff_user):
    from complaints import workflow
    from complaints.models import Role

    since = file_last_month(file_complaint, "kdrt", 7, lon=101.44, lat=0.51)
    admin = staff_user("admin-kota", Role.CITY_ADMIN)
    for complaint in Complaint.objects.filter(category__code="kdrt")[:2]:
        for to in (Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI):
            workflow.complaint_transition(complaint=complaint, actor=admin, to_status=to)
    Complaint.objects.filter(status=Status.SELESAI).update(resolved_at=since + timedelta(days=12))
    Complaint.objects.filter(status=Status.SELESAI).update(closed_at=since + timedelta(days=12))
    row = card_rows(Period(since, month_start(timezone.now())))[("agency", "DP3A")]
    assert row["suppressed"] is None and row["received"] in (5, 10) and row["backlog"] == 5
    assert row["resolved"] in (0, 5)  # 2, rounded (privacy rule 10)
    for figure in ("within_sla", "median_days", "p90_days", "reopen_rate", "without_after_photo", "oldest_days"):
        assert row[figure] is None, figure  # of public complaints only: DP3A has none


def test_two_windows_a_second_apart_cannot_isolate_a_sensitive_complaint(client, file_complaint):
    """The attack: report-card figures for until=…:50 and until=…:51 differed by the one complaint
    filed in that second. Windows are whole days, and private complaints count only in ended months."""
    for _ in range(5):
        file_complaint(category="kdrt")
    filed = file_complaint(category="kdrt")
    at = Complaint.objects.get(pk=filed.pk).created_at
    answers = []
    for until in (at - timedelta(seconds=1), at + timedelta(seconds=1)):
        body = client.get(
            "/api/v1/report-card/", {"since": (at - timedelta(days=2)).isoformat(), "until": until.isoformat()}
        )
        assert body.status_code == 200
        answers.append([row for row in body.json()["agency"] if row["code"] == "DP3A"])
    assert answers[0] == answers[1]
    assert answers[0] == []  # not whole ended months: no private complaint counts


def test_the_api_counts_each_channel_under_its_name(client, seeded):
    answer = client.get("/api/v1/report-card/").json()
    channels = {row["code"]: row for row in answer["channel"]}
    assert set(channels) == {"web", "open311", "whatsapp", "staff"}
    assert channels["whatsapp"]["name"] == "WhatsApp"
    df = frame()
    since, until = (pd.Timestamp(answer["period"][k]) for k in ("since", "until"))
    received = (df.created_at >= since) & (df.created_at < until) & ~df.private
    assert channels["whatsapp"]["received"] == int((received & (df.channel == "whatsapp")).sum())


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


def test_the_default_period_is_30_whole_days_up_to_the_end_of_today(client):
    from datetime import datetime, time

    body = client.get("/api/v1/report-card/").json()
    since, until = (datetime.fromisoformat(body["period"][k]).astimezone(PEKANBARU) for k in ("since", "until"))
    today = timezone.now().astimezone(PEKANBARU).date()
    assert since.time() == until.time() == time(0)
    assert until.date() == today + timedelta(days=1) and (until - since).days == 31
