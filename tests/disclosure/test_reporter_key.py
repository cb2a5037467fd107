"""The reporter key: the tracking code is public, the citizen's own actions are the reporter's alone."""

import hashlib

import pytest

from complaints import workflow
from complaints.models import Complaint, ComplaintEvent, Role, Status, Support
from tests.conftest import open_as_reporter

pytestmark = pytest.mark.django_db
API = "/api/v1/complaints"


@pytest.fixture
def resolved(file_complaint, staff_user):
    complaint = file_complaint()
    admin = staff_user("admin-kota", Role.CITY_ADMIN)
    for to in (Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI):
        workflow.complaint_transition(complaint=complaint, actor=admin, to_status=to)
    complaint.refresh_from_db()
    return complaint


def state(complaint) -> tuple:
    row = Complaint.objects.values_list("status", "rating", "version", "reopen_count").get(pk=complaint.pk)
    return row, ComplaintEvent.objects.filter(complaint=complaint).count()


def test_filing_gives_the_key_once_and_stores_only_its_hash(post_complaint):
    from tests.conftest import complaint_body

    body = complaint_body()
    first = post_complaint(body, **{"Idempotency-Key": "k-1"})
    answer = first.json()
    key = answer["reporter_key"]
    assert len(key) >= 32 and answer["private_url"].endswith(f"/lacak/{answer['id']}/#k={key}")
    assert "no-store" in first["Cache-Control"]
    stored = Complaint.objects.get(tracking_code=answer["id"])
    assert stored.reporter_key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(Complaint.objects.filter(pk=stored.pk).values().get())
    replay = post_complaint(body, **{"Idempotency-Key": "k-1"}).json()
    assert replay["id"] == answer["id"] and replay["reporter_key"] is None


@pytest.mark.parametrize("key", [None, "", "x" * 32, "wrong-key-of-the-right-length-0001"])
def test_a_stranger_cannot_rate_or_reopen(client, resolved, key):
    before = state(resolved)
    body = {"rating": 1, "comment": "Buruk!"} | ({"reporter_key": key} if key is not None else {})
    assert client.post(f"{API}/{resolved.tracking_code}/rating/", body, content_type="application/json").status_code == 403
    body = {"reason": "Teks orang asing."} | ({"reporter_key": key} if key is not None else {})
    assert client.post(f"{API}/{resolved.tracking_code}/reopen/", body, content_type="application/json").status_code == 403
    assert state(resolved) == before


def test_the_reporter_rates_and_reopens_with_the_key(client, resolved):
    body = {"reporter_key": resolved.reporter_key, "reason": "Masih mati."}
    response = client.post(f"{API}/{resolved.tracking_code}/reopen/", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == Status.BARU
    assert "no-store" in response["Cache-Control"]


def test_a_private_complaint_answers_a_stranger_as_if_it_did_not_exist(client, file_complaint):
    kdrt = file_complaint(category="kdrt")
    for action, body in (("reopen", {"reason": "x"}), ("rating", {"rating": 1}), ("information", {"text": "x"})):
        mine = client.post(f"{API}/{kdrt.tracking_code}/{action}/", body, content_type="application/json")
        none = client.post(f"{API}/PKU-2222-2222/{action}/", body, content_type="application/json")
        assert mine.status_code == none.status_code == 404
        assert mine.json() == none.json()


def test_added_information_is_seen_by_the_reporter_and_staff_never_the_public(client, file_complaint):
    complaint = file_complaint()
    body = {"reporter_key": complaint.reporter_key, "text": "Lubangnya makin besar: RAHASIA-TAMBAH."}
    assert client.post(f"{API}/{complaint.tracking_code}/information/", body, content_type="application/json").status_code == 200
    from django.test import Client

    assert "RAHASIA-TAMBAH" not in Client().get(f"/lacak/{complaint.tracking_code}/").content.decode()
    open_as_reporter(client, complaint)
    assert "RAHASIA-TAMBAH" in client.get(f"/lacak/{complaint.tracking_code}/").content.decode()


def test_the_tracking_page_offers_the_reporter_forms_only_with_the_key(client, resolved):
    page = client.get(f"/lacak/{resolved.tracking_code}/").content.decode()
    assert 'value="rate"' not in page and 'value="reopen"' not in page and 'id="reporter-key-form"' in page
    before = state(resolved)
    assert client.post(f"/lacak/{resolved.tracking_code}/", {"action": "reopen", "reason": "x"}).status_code == 403
    assert client.post(f"/lacak/{resolved.tracking_code}/", {"action": "key", "key": "salah"}).status_code == 302
    assert state(resolved) == before
    open_as_reporter(client, resolved)
    page = client.get(f"/lacak/{resolved.tracking_code}/")
    assert 'value="rate"' in page.content.decode() and "no-store" in page["Cache-Control"]


def test_staff_notes_reach_the_public_page_only_when_marked_public(client, file_complaint, staff_user):
    complaint = file_complaint()
    staff = staff_user("admin-kota", Role.CITY_ADMIN)
    workflow.complaint_transition(complaint=complaint, actor=staff, to_status=Status.DIVERIFIKASI, note="INTERNAL-1")
    workflow.complaint_transition(
        complaint=complaint, actor=staff, to_status=Status.DIKERJAKAN, note="Petugas menuju lokasi.", note_public=True
    )
    workflow.complaint_note(complaint=complaint, actor=staff, note="INTERNAL-2")
    page = client.get(f"/lacak/{complaint.tracking_code}/").content.decode()
    assert "Petugas menuju lokasi." in page
    assert "INTERNAL-1" not in page and "INTERNAL-2" not in page


def test_support_counts_once_per_session_and_once_per_key(client, file_complaint):
    from django.test import Client

    complaint, mine = file_complaint(), file_complaint(lon=101.45)
    url = f"{API}/{complaint.tracking_code}/support/"
    assert client.post(url).json()["already_supported"] is False
    assert client.post(url).json()["already_supported"] is True
    for _browser in range(2):  # the same key from two browsers is one supporter
        Client().post(url, {"reporter_key": mine.reporter_key}, content_type="application/json")
    complaint.refresh_from_db()
    assert complaint.support_count == 2 == Support.objects.filter(complaint=complaint).count()


def test_support_has_a_daily_cap_per_address(settings, file_complaint):
    from django.test import Client

    settings.PEKA_RATE_LIMIT_SUPPORT_DAILY = "3/d"
    complaint = file_complaint()
    answers = [Client().post(f"{API}/{complaint.tracking_code}/support/").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    complaint.refresh_from_db()
    assert complaint.support_count == 3


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}],
)
def test_writes_sent_from_another_site_are_refused(client, resolved, headers):
    from tests.conftest import complaint_body

    before, count = state(resolved), Complaint.objects.count()
    url = f"{API}/{resolved.tracking_code}/"
    key = resolved.reporter_key
    assert client.post(url + "support/", **headers).status_code == 403
    assert client.post(url + "rating/", {"reporter_key": key, "rating": 5}, content_type="application/json", **headers).status_code == 403
    assert client.post(f"{API}/", complaint_body(), content_type="application/json", **headers).status_code == 403
    assert client.post(f"/lacak/{resolved.tracking_code}/", {"action": "key", "key": key}, **headers).status_code == 403
    assert (state(resolved), Complaint.objects.count()) == (before, count)
    same_site = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}
    assert client.post(url + "rating/", {"reporter_key": key, "rating": 5}, content_type="application/json", **same_site).status_code == 200


def test_demo_codes_cannot_be_computed_from_the_seed():
    from complaints.demo import demo_complaints

    first, second = demo_complaints(40, seed=7), demo_complaints(40, seed=7)
    assert [r.location.coords for r in first] == [r.location.coords for r in second]  # the same city
    assert not {r.tracking_code for r in first} & {r.tracking_code for r in second}  # not the same codes


def test_seeding_twice_adds_nothing():
    import io

    from django.core.management import call_command

    call_command("seed_demo", "--count", "30", stdout=io.StringIO())
    count = Complaint.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--count", "30", stdout=out)
    assert Complaint.objects.count() == count and "0 created" in out.getvalue()
