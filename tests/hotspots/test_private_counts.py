"""No combination of public answers reveals a private count below 5, or a private complaint's date
finer than its month (docs/rules.md, privacy rules 4 and 10; disclosure.aggregates).

The attack this answers: ``?month=2026-06`` showed DP3A "<5", the month-aligned ``since``/``until`` of
June and July showed 8 received and ``?month=2026-07`` 7, so June had exactly one domestic-violence
report. Here private complaints are planted with 1–4 in some months and more in others, every window
shape the API accepts is asked, and every answer is held to the rule.
"""

from datetime import datetime, timedelta
from itertools import combinations

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.utils import timezone

from complaints.bulk import NewComplaint, complaints_load
from complaints.models import Category, Complaint, Status
from complaints.tracking import new_tracking_code
from disclosure.aggregates import is_publishable_month, rounded_count
from disclosure.windows import month_start
from geo.spatial import WGS84
from hotspots.report_card import Period

pytestmark = pytest.mark.django_db

BASE = 5
# Private (kdrt) complaints received per month, from six months ago (index 0) to last month (5):
# 1–4 in some months, more in others.
RECEIVED = [1, 8, 3, 7, 4, 2]
# Of those, resolved in a later month: (month filed, month resolved, how many).
RESOLVED = [(1, 2, 3), (1, 3, 1), (3, 4, 6), (4, 5, 2)]
COUNTS = ("received", "resolved", "forwarded", "backlog", "rated", "answered")


def month_starts(now: datetime) -> list[datetime]:
    """The starts of the months from six months ago to this month, and of next month (8 bounds)."""
    starts = [month_start(now)]
    for _ in range(6):
        starts.insert(0, month_start(starts[0] - timedelta(days=1)))
    return [*starts, month_start(starts[-1] + timedelta(days=32))]


def load(category: str, created_at: datetime, n: int, *, resolved_at: datetime | None = None, lon=101.44, lat=0.51):
    cat = Category.objects.get(code=category)
    fields = {"status": Status.SELESAI, "resolved_at": resolved_at, "closed_at": resolved_at} if resolved_at else {}
    rows = [
        NewComplaint(new_tracking_code(), cat, "Uji.", Point(lon, lat, srid=WGS84), created_at, **fields)
        for _ in range(n)
    ]
    return complaints_load(rows).complaints()


def plant_public(starts: list[datetime]) -> None:
    """Public complaints in every month, resolved and open, and four filed today."""
    for month in range(len(RECEIVED)):
        load("sampah", starts[month] + timedelta(days=4), 6, resolved_at=starts[month] + timedelta(days=9))
        load("sampah", starts[month] + timedelta(days=5), 3)
    load("sampah", timezone.now() - timedelta(hours=3), 4)


def plant_private(starts: list[datetime]) -> None:
    """Private complaints over the last six months (RECEIVED, RESOLVED) and two filed today."""
    for month, n in enumerate(RECEIVED):
        resolved = [(later, k) for filed, later, k in RESOLVED if filed == month]
        load("kdrt", starts[month] + timedelta(days=2, hours=9), n - sum(k for _, k in resolved))
        for later, k in resolved:
            load("kdrt", starts[month] + timedelta(days=2, hours=9), k, resolved_at=starts[later] + timedelta(days=3))
    load("kdrt", timezone.now() - timedelta(hours=2), 2)
    assert Complaint.objects.filter(private=True).count() == sum(RECEIVED) + 2


@pytest.fixture
def planted(db):
    starts = month_starts(timezone.now())
    plant_public(starts)
    plant_private(starts)
    return starts


def windows(starts: list[datetime]) -> list[dict]:
    """Every window shape the report card accepts: each month, since/until on every pair of month
    bounds (month-aligned, one month or several, ended or not), the same a day and an hour off, and
    the default."""
    asked = [{}]
    asked += [{"month": s.strftime("%Y-%m")} for s in starts[:-1]]
    for a, b in combinations(starts, 2):
        asked.append({"since": a.isoformat(), "until": b.isoformat()})
        asked.append({"since": (a + timedelta(days=1)).isoformat(), "until": b.isoformat()})
        asked.append({"since": a.isoformat(), "until": (b - timedelta(hours=1)).isoformat()})
    return asked


def report_cards(client, asked: list[dict]) -> list[dict]:
    cache.clear()
    answers = []
    for params in asked:
        response = client.get("/api/v1/report-card/", params)
        assert response.status_code == 200, (params, response.content)
        answers.append(response.json())
    return answers


def published_dp3a(answers: list[dict]) -> dict[tuple[str, str], dict]:
    """DP3A's published figures by (period's since, until), from each answer's period and previous period."""
    found = {}
    for body in answers:
        rows = [r for r in body["agency"] if r["code"] == "DP3A"]
        for row in rows:
            for period, figures in ((body["period"], row), (body["previous_period"], row["previous"])):
                key = (period["since"], period["until"])
                shown = {f: figures[f] for f in figures if f not in ("code", "name", "previous", "suppressed")}
                if all(v is None for v in shown.values()):
                    continue
                # One figure has one answer, whichever question showed it.
                assert found.setdefault(key, shown) == shown, key
    return found


def test_differencing_any_two_answers_recovers_no_private_count_below_5(client, planted):
    starts = planted
    answers = report_cards(client, windows(starts))
    published = published_dp3a(answers)
    # DP3A's row is published for single ended calendar months only: no two of its periods overlap in
    # part, so no window can be subtracted from another.
    assert published
    for since, until in published:
        since, until = datetime.fromisoformat(since), datetime.fromisoformat(until)
        assert is_publishable_month(since, until), (since, until)
        assert Period(since, until).is_month
    # Every published count of the row is a multiple of 5, so the difference (or sum) of any two is
    # too: never 1–4. And each one, with the public part known exactly (DP3A has no public complaint),
    # leaves at least two private counts possible, the true one among them.
    truth = {}
    for since, _until in published:
        month = starts.index(datetime.fromisoformat(since))
        truth[since] = {
            "received": RECEIVED[month],
            "resolved": sum(k for _f, later, k in RESOLVED if later == month),
        }
    figures = [(key, f, v) for key, shown in published.items() for f, v in shown.items() if f in COUNTS]
    for _key, figure, value in figures:
        assert value % BASE == 0, (figure, value)
    for (_k1, _f1, v1), (_k2, _f2, v2) in combinations(figures, 2):
        assert (v1 - v2) % BASE == 0 and (v1 + v2) % BASE == 0
    for (since, _until), shown in published.items():
        for figure, true in truth[since].items():
            possible = {k for k in range(0, shown[figure] + BASE) if abs(k - shown[figure]) < BASE}
            assert true in possible and len(possible) >= 2, (since, figure, true, shown[figure])
    # The small months are not shown as themselves.
    small = [since for since, t in truth.items() if 0 < t["received"] < BASE]
    assert small and all(published[next(k for k in published if k[0] == s)]["received"] in (0, BASE) for s in small)


def test_no_other_answer_depends_on_private_complaints(client, db):
    """Every answer but DP3A's ended months, over every window shape (and the hotspot layers, trends,
    the kecamatan summary, heat and exports), is the same with the private complaints as without."""
    starts = month_starts(timezone.now())
    plant_public(starts)
    asked = windows(starts)
    layers = [f"/api/v1/hotspots/{layer}/" for layer in ("hexbins", "trends", "kecamatan", "heatmap")]
    layers += ["/api/v1/hotspots/exports/hexbins.csv", "/api/v1/hotspots/exports/complaints.csv"]
    layer_windows = [{}, {"since": starts[0].isoformat(), "until": starts[-1].isoformat()}]
    layer_windows += [
        {"since": a.isoformat(), "until": b.isoformat()} for a, b in zip(starts, starts[1:], strict=False)
    ]

    def everything():
        cards = report_cards(client, asked)
        for body in cards:
            month = datetime.fromisoformat(body["period"]["since"]), datetime.fromisoformat(body["period"]["until"])
            if is_publishable_month(*month):
                body["agency"] = [r for r in body["agency"] if r["code"] != "DP3A"]
            else:
                assert "DP3A" not in {r["code"] for r in body["agency"]}, body["period"]
            for row in body["agency"]:  # DP3A's previous month, beside another agency's row
                row.pop("previous")
        layers_seen = []
        for url in layers:
            for params in layer_windows:
                response = client.get(url, params)
                assert response.status_code == 200, (url, params)
                streamed = getattr(response, "streaming_content", None)
                layers_seen.append(b"".join(streamed) if streamed is not None else response.content)
        return cards, layers_seen

    without_private = everything()
    plant_private(starts)
    assert everything() == without_private


def test_no_date_finer_than_the_month_leaks(client, planted):
    """Moving every private complaint to other days and hours of the same months (filed and resolved)
    changes no answer of any window: their day, hour or age is in no figure."""
    starts = planted
    asked = windows(starts)
    before = report_cards(client, asked)
    for complaint in Complaint.objects.filter(private=True):
        moved = {"created_at": month_start(complaint.created_at) + timedelta(days=19, hours=22, minutes=17)}
        if moved["created_at"] > timezone.now():
            continue  # this month's: counted in no window at all (test_no_other_answer_…)
        if complaint.resolved_at:
            moved["resolved_at"] = moved["closed_at"] = month_start(complaint.resolved_at) + timedelta(days=24, hours=5)
        Complaint.objects.filter(pk=complaint.pk).update(**moved)
    assert report_cards(client, asked) == before


def test_the_private_bearing_row_is_left_out_of_free_windows_and_this_month(client, planted):
    starts = planted
    for params in (
        {},
        {"month": starts[-2].strftime("%Y-%m")},  # this month: not ended
        {"since": starts[4].isoformat(), "until": starts[6].isoformat()},  # two ended months
        {"since": (starts[5] + timedelta(days=1)).isoformat(), "until": starts[6].isoformat()},
    ):
        body = client.get("/api/v1/report-card/", params).json()
        assert "DP3A" not in {r["code"] for r in body["agency"]}, params
    body = client.get("/api/v1/report-card/", {"month": starts[5].strftime("%Y-%m")}).json()
    dp3a = next(r for r in body["agency"] if r["code"] == "DP3A")
    # Its previous period is the month before, published by the same rule.
    assert body["previous_period"] == {"since": starts[4].isoformat(), "until": starts[5].isoformat()}
    assert dp3a["previous"]["received"] % BASE == 0
    # Ages, medians and shares come from public complaints only: DP3A has none.
    assert dp3a["oldest_days"] is None and dp3a["median_days"] is None and dp3a["within_sla"] is None


def test_rounding_is_unbiased_fixed_per_figure_and_keeps_multiples_of_5():
    for n in (0, 5, 10, 35):
        assert rounded_count(n, "agency:X:2026-06-01:received") == n
    for n in range(1, 5):
        draws = [rounded_count(n, f"agency:X:{i}:received") for i in range(2000)]
        assert set(draws) == {0, 5}
        assert sum(draws) / len(draws) == pytest.approx(n, abs=0.35)  # unbiased
        assert draws == [rounded_count(n, f"agency:X:{i}:received") for i in range(2000)]  # fixed per key
