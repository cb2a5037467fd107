"""A private code is refused before anything the request sent is read (privacy rule 2): on the
reporter's actions it answers exactly as a code that does not exist, whatever the body; the actions
are rate-limited per address; a replayed filing tells a stranger only the tracking code."""

import json

import pytest
from django.test import Client

from complaints import workflow
from complaints.models import Complaint, Role, Status

pytestmark = pytest.mark.django_db
API = "/api/v1/complaints"
UNKNOWN = "PKU-2222-2222"
SUBSCRIPTION = {
    "endpoint": "https://push.example/langganan/1",
    "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
}
VALID = {
    "information": {"text": "Lubangnya makin besar."},
    "reopen": {"reason": "Masih mati."},
    "rating": {"rating": 1, "comment": "Buruk."},
    "push": SUBSCRIPTION,
}
BODIES = {
    "malformed JSON": ("{not json", "application/json"),
    "text/plain": ("rating=1", "text/plain"),
    "valid JSON": (None, "application/json"),
}


def answer(client, code, action, body, content_type):
    return client.post(f"{API}/{code}/{action}/", body, content_type=content_type)


def as_bytes(response) -> tuple:
    return response.status_code, sorted(response.items()), response.content


@pytest.mark.parametrize("body", BODIES, ids=list(BODIES))
@pytest.mark.parametrize("action", VALID)
def test_a_private_code_answers_every_body_as_an_unknown_code(file_complaint, action, body):
    kdrt = file_complaint(category="kdrt")
    before = Complaint.objects.values().get(pk=kdrt.pk)
    data, content_type = BODIES[body]
    data = json.dumps(VALID[action]) if data is None else data
    private, unknown = (
        answer(Client(), kdrt.tracking_code, action, data, content_type),
        answer(Client(), UNKNOWN, action, data, content_type),
    )
    assert private.status_code == 404
    assert as_bytes(private) == as_bytes(unknown)
    assert Complaint.objects.values().get(pk=kdrt.pk) == before


@pytest.mark.parametrize("action", VALID)
def test_a_wrong_key_on_a_private_code_is_an_unknown_code(file_complaint, action):
    kdrt, other = file_complaint(category="kdrt"), file_complaint()
    body = json.dumps({**VALID[action], "reporter_key": other.reporter_key})
    private = answer(Client(), kdrt.tracking_code, action, body, "application/json")
    unknown = answer(Client(), UNKNOWN, action, body, "application/json")
    assert private.status_code == 404 and as_bytes(private) == as_bytes(unknown)


def test_the_reporter_of_a_private_complaint_still_acts_with_the_key(file_complaint):
    kdrt = file_complaint(category="kdrt")
    body = json.dumps({"reporter_key": kdrt.reporter_key, "text": "Pelaku datang lagi."})
    assert answer(Client(), kdrt.tracking_code, "information", body, "application/json").status_code == 200
    # With the key in the body, a body that is wrong otherwise is the reporter's to hear about.
    body = json.dumps({"reporter_key": kdrt.reporter_key})
    refused = answer(Client(), kdrt.tracking_code, "information", body, "application/json")
    assert refused.status_code == 400 and "text" in refused.json()


def test_a_session_shown_the_key_hears_what_is_wrong_with_its_body(client, file_complaint):
    from tests.conftest import open_as_reporter

    kdrt = file_complaint(category="kdrt")
    open_as_reporter(client, kdrt)
    assert answer(client, kdrt.tracking_code, "information", "{not json", "application/json").status_code == 400
    assert answer(client, kdrt.tracking_code, "information", "teks", "text/plain").status_code == 415


def test_a_public_code_tells_a_stranger_to_bring_the_key(file_complaint, staff_user):
    complaint = file_complaint()
    admin = staff_user("admin-kota", Role.CITY_ADMIN)
    for to in (Status.DIVERIFIKASI, Status.DIKERJAKAN, Status.SELESAI):
        workflow.complaint_transition(complaint=complaint, actor=admin, to_status=to)
    for action, body in VALID.items():
        assert (
            answer(Client(), complaint.tracking_code, action, json.dumps(body), "application/json").status_code == 403
        )


def test_the_reporters_actions_are_limited_per_address(settings, file_complaint):
    settings.PEKA_RATE_LIMIT_CITIZEN_ACTIONS = "3/m"
    kdrt, complaint = file_complaint(category="kdrt"), file_complaint()
    tries = [
        (kdrt.tracking_code, "information"),
        (UNKNOWN, "rating"),
        (complaint.tracking_code, "reopen"),
        (kdrt.tracking_code, "push"),
        (complaint.tracking_code, "information"),
    ]
    answers = [answer(Client(), code, action, "{}", "application/json") for code, action in tries]
    assert [a.status_code for a in answers] == [404, 404, 403, 429, 429]
    assert int(answers[-1]["Retry-After"]) >= 1
    # The reporter herself is counted too: the limit is the address's.
    body = json.dumps({"reporter_key": complaint.reporter_key, "text": "Tambahan."})
    assert answer(Client(), complaint.tracking_code, "information", body, "application/json").status_code == 429


@pytest.mark.parametrize("category", ["sampah", "kdrt"])
def test_a_replayed_filing_tells_a_stranger_only_the_tracking_code(post_complaint, category):
    from tests.conftest import complaint_body

    body = complaint_body(category=category)
    first = post_complaint(body, **{"Idempotency-Key": f"ulang-{category}"})
    assert first.status_code == 201
    replay = Client().post(
        f"{API}/", json.dumps(body), content_type="application/json", headers={"Idempotency-Key": f"ulang-{category}"}
    )
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    answer = replay.json()
    assert answer["id"] == first.json()["id"] and answer["reporter_key"] is None
    assert set(answer) == {"id", "reporter_key", "detail"}  # no status, no place, no category
    assert "no-store" in replay["Cache-Control"]
