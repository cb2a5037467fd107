"""The intake load generator against pytest-django's live server: every request files its own
complaint, refusals count as errors, and a phase is held only with no errors and p95 within target."""

import pytest

from bench.intake_load import Phase, run_phase
from complaints.models import Complaint

pytestmark = pytest.mark.django_db(transaction=True)
SUKAJADI = (101.44, 0.51, "sampah")
SENAPELAN = (101.447, 0.535, "lampu-jalan")


def test_each_request_files_its_own_complaint(live_server, committed_city):
    before = Complaint.objects.count()

    phase = run_phase(live_server.url, rate=20, seconds=1, places=[SUKAJADI, SENAPELAN])

    assert len(phase.latencies) == 20 and phase.error_count == 0
    # A shared Idempotency-Key would have stored one complaint and replayed it 19 times.
    assert Complaint.objects.count() - before == 20
    assert set(Complaint.objects.values_list("category__code", flat=True)) == {"sampah", "lampu-jalan"}
    # Open loop: the 20th request is due 0.95 s after the first, however fast the server answers.
    assert phase.elapsed_s >= 0.95 and 0 < phase.achieved <= 20 / 0.95


def test_a_refused_complaint_is_an_error_and_the_phase_is_missed(live_server, committed_city):
    far_outside = (100.0, 0.0, "sampah")

    phase = run_phase(live_server.url, rate=10, seconds=1, places=[far_outside])

    assert phase.errors == {"HTTP 400": 10} and not phase.latencies
    assert not phase.held


def test_a_phase_is_held_only_with_no_errors_and_p95_within_target():
    fast = Phase(rate=10, seconds=1, latencies=[5.0] * 100)
    slow_tail = Phase(rate=10, seconds=1, latencies=[5.0] * 90 + [30.0] * 10)
    one_error = Phase(rate=10, seconds=1, latencies=[5.0] * 99, not_sent=1)

    assert fast.held and not slow_tail.held and not one_error.held
    assert slow_tail.percentile(0.5) == 5.0 and slow_tail.percentile(0.95) == 30.0
