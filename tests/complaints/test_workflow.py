"""The status workflow through the staff API and the citizen's endpoints: every legal and illegal move."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from complaints.models import Complaint, ComplaintEvent, Role, Status
from complaints.workflow import TRANSITIONS, WorkflowConflict, complaint_transition

pytestmark = pytest.mark.django_db
ALL = [s.value for s in Status]


@pytest.fixture
def admin_client(staff_user):
    client = Client()
    client.force_login(staff_user("admin.uji", Role.CITY_ADMIN))
    return client


def at_status(complaint: Complaint, status: str, original: Complaint | None = None) -> Complaint:
    Complaint.objects.filter(pk=complaint.pk).update(
        status=status, duplicate_of=original if status == Status.DUPLIKAT else None
    )
    complaint.refresh_from_db()
    return complaint


def transition(client, complaint, to, **data):
    return client.post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/transition/",
        {"to": to, **data},
        content_type="application/json",
    )


@pytest.mark.parametrize("to", ALL)
@pytest.mark.parametrize("start", ALL)
def test_every_transition_is_allowed_or_refused_with_409(admin_client, file_complaint, start, to):
    original = file_complaint()
    complaint = at_status(file_complaint(), start, original)
    events_before = complaint.events.count()
    response = transition(admin_client, complaint, to, note="Alasan uji.", duplicate_of=original.tracking_code)
    complaint.refresh_from_db()
    if to in TRANSITIONS[start]:
        assert response.status_code == 200, response.content
        assert complaint.status == to
        assert response.json()["properties"]["status"] == to
        event = complaint.events.last()
        assert (event.kind, event.from_status, event.to_status, event.actor.username) == (
            "status",
            start,
            to,
            "admin.uji",
        )
        assert complaint.events.count() == events_before + 1
    else:
        assert response.status_code == 409
        assert "tidak dapat menjadi" in response.json()["detail"]
        assert complaint.status == start
        assert complaint.events.count() == events_before


def test_resolving_and_closing_set_their_times(admin_client, file_complaint):
    complaint = file_complaint()
    for status in (Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI):
        assert transition(admin_client, complaint, status).status_code == 200
    complaint.refresh_from_db()
    assert complaint.resolved_at and complaint.closed_at == complaint.resolved_at
    assert complaint.version == 4


def test_reject_needs_a_reason(admin_client, file_complaint):
    complaint = file_complaint()
    response = transition(admin_client, complaint, Status.DITOLAK, note="  ")
    assert response.status_code == 400
    assert "note" in response.json()
    complaint.refresh_from_db()
    assert complaint.status == Status.BARU


@pytest.mark.parametrize("duplicate_of", ["", "PKU-ZZZZ-ZZZZ", "self"])
def test_duplicate_must_name_another_existing_complaint(admin_client, file_complaint, duplicate_of):
    complaint = file_complaint()
    code = complaint.tracking_code if duplicate_of == "self" else duplicate_of
    response = transition(admin_client, complaint, Status.DUPLIKAT, duplicate_of=code)
    assert response.status_code == 400
    assert "duplicate_of" in response.json()


def test_duplicate_of_a_closed_complaint(admin_client, file_complaint):
    original = at_status(file_complaint(), Status.SELESAI)
    complaint = file_complaint()
    response = transition(admin_client, complaint, Status.DUPLIKAT, duplicate_of=original.tracking_code.lower())
    assert response.status_code == 200
    assert response.json()["properties"]["duplicate_of"] == original.tracking_code


def test_stale_version_is_409_and_changes_nothing(admin_client, file_complaint):
    complaint = file_complaint()
    assert transition(admin_client, complaint, Status.DIVERIFIKASI, version=1).status_code == 200
    response = transition(admin_client, complaint, Status.DITOLAK, note="Terlambat.", version=1)
    assert response.status_code == 409
    assert "versi 1" in response.json()["detail"]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == (Status.DIVERIFIKASI, 2)


@pytest.mark.parametrize(
    "body", [{}, {"to": "hilang"}, {"to": "diverifikasi", "version": "dua"}, {"to": "diverifikasi", "x": 1}]
)
def test_bad_transition_bodies_are_400(admin_client, file_complaint, body):
    complaint = file_complaint()
    response = admin_client.post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/transition/", body, content_type="application/json"
    )
    assert response.status_code == 400


def test_notes_public_and_internal(admin_client, file_complaint):
    complaint = file_complaint()
    url = f"/api/v1/staff/complaints/{complaint.tracking_code}/notes/"
    assert (
        admin_client.post(
            url, {"note": "Petugas menuju lokasi.", "public": True}, content_type="application/json"
        ).status_code
        == 200
    )
    assert admin_client.post(url, {"note": "Internal."}, content_type="application/json").status_code == 200
    assert admin_client.post(url, {"note": ""}, content_type="application/json").status_code == 400
    notes = list(complaint.events.filter(kind="note").values_list("note", "public"))
    assert notes == [("Petugas menuju lokasi.", True), ("Internal.", False)]


def citizen(client, complaint, action, **data):
    """The reporter's action, with the reporter key the filing answer gave."""
    body = {"reporter_key": complaint.reporter_key, **data}
    return client.post(f"/api/v1/complaints/{complaint.tracking_code}/{action}/", body, content_type="application/json")


def resolved(complaint, days_ago):
    at_status(complaint, Status.SELESAI)
    from django.utils import timezone

    Complaint.objects.filter(pk=complaint.pk).update(
        resolved_at=timezone.now() - timedelta(days=days_ago), closed_at=timezone.now()
    )
    complaint.refresh_from_db()
    return complaint


def test_citizen_reopens_within_14_days(client, file_complaint):
    complaint = resolved(file_complaint(), days_ago=13)
    response = citizen(client, complaint, "reopen", reason="Lampunya mati lagi.")
    assert response.status_code == 200
    assert response.json()["status"] == Status.BARU
    assert "location" not in response.json()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopen_count, complaint.resolved_at) == (Status.BARU, 1, None)
    assert complaint.events.last().kind == "reopened"


def test_citizen_cannot_reopen_after_14_days_or_without_reason(client, file_complaint):
    late = resolved(file_complaint(), days_ago=15)
    response = citizen(client, late, "reopen", reason="Masih rusak.")
    assert response.status_code == 409
    assert "14 hari" in response.json()["detail"]
    assert citizen(client, resolved(file_complaint(), 1), "reopen", reason=" ").status_code == 400
    assert citizen(client, file_complaint(), "reopen", reason="Belum.").status_code == 409


def test_citizen_rates_once_after_closing(client, file_complaint):
    complaint = file_complaint()
    assert citizen(client, complaint, "rating", rating=5).status_code == 409  # still open
    resolved(complaint, days_ago=1)
    assert citizen(client, complaint, "rating", rating=6).status_code == 400
    assert citizen(client, complaint, "rating", rating="lima").status_code == 400
    response = citizen(client, complaint, "rating", rating=4, comment="Cepat.")
    assert (response.status_code, response.json()["rating"]) == (200, 4)
    assert citizen(client, complaint, "rating", rating=5).status_code == 409
    assert (
        client.post(
            "/api/v1/complaints/PKU-ZZZZ-ZZZZ/rating/", {"rating": 3}, content_type="application/json"
        ).status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_version", [True, False])
def test_two_staff_changing_at_once_one_wins_the_other_gets_409(
    committed_city, file_complaint, staff_user, with_version
):
    """Two real transactions on two connections: A locks and holds the row; B waits, then is refused."""
    complaint = file_complaint()
    user_a, user_b = staff_user("a", Role.CITY_ADMIN), staff_user("b", Role.CITY_ADMIN)
    a_holds_lock, outcomes = threading.Event(), {}
    version = complaint.version if with_version else None

    def staff_a():
        from django.db import transaction

        try:
            with transaction.atomic():
                complaint_transition(complaint=complaint, actor=user_a, to_status=Status.DIVERIFIKASI, version=version)
                a_holds_lock.set()
                threading.Event().wait(0.5)  # B is now blocked on the row lock
            outcomes["a"] = "ok"
        finally:
            a_holds_lock.set()
            connection.close()

    def staff_b():
        a_holds_lock.wait()
        target = Status.DITOLAK if with_version else Status.DIVERIFIKASI
        try:
            complaint_transition(
                complaint=complaint, actor=user_b, to_status=target, note="Bukan kewenangan.", version=version
            )
            outcomes["b"] = "ok"
        except WorkflowConflict:
            outcomes["b"] = "409"
        finally:
            connection.close()

    threads = [threading.Thread(target=staff_a), threading.Thread(target=staff_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert outcomes == {"a": "ok", "b": "409"}
    complaint.refresh_from_db()
    assert (complaint.status, complaint.version) == (Status.DIVERIFIKASI, 2)
    kinds = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", "actor__username"))
    assert kinds == [("created", None), ("status", "a")]
