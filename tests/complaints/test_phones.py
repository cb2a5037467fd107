"""Phone numbers are stored in E.164 whatever way they were typed, at every entry point (the web and
JSON API, Open311, a staff filing for a caller); a number that is no number is refused there with a
400 on the phone field, and nothing is stored. Older rows are normalised by a data migration."""

import importlib
import json
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from complaints.models import Complaint, ComplaintEvent, Role
from tests.conftest import complaint_body

pytestmark = pytest.mark.django_db

E164 = "+6281234567890"
TYPED = ["0812 3456 7890", "+62 812-3456-7890", "6281234567890", "62 812 3456 7890", "0812-3456-7890"]
NOT_NUMBERS = ["0812 34", "12", "0000 0000", "call me", "+62 812 3456 7890 1234 5678"]


def stored() -> tuple[int, int]:
    return Complaint.objects.count(), ComplaintEvent.objects.count()


@pytest.mark.parametrize("typed", TYPED)
def test_intake_stores_the_number_in_e164(post_complaint, typed):
    response = post_complaint(complaint_body(reporter={"name": "Budi", "phone": typed}))
    assert response.status_code == 201, response.content
    assert Complaint.objects.get(tracking_code=response.json()["id"]).reporter_phone == E164


@pytest.mark.parametrize("typed", NOT_NUMBERS)
@pytest.mark.parametrize(
    ("language", "message"),
    [("id", "Ini bukan nomor telepon yang valid"), ("en", "This is not a valid phone number")],
)
def test_intake_refuses_a_number_that_is_none_and_stores_nothing(post_complaint, typed, language, message):
    before = stored()
    response = post_complaint(complaint_body(reporter={"phone": typed}), language=language)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == ["reporter"] and list(errors["reporter"]) == ["phone"]
    assert message in json.dumps(errors["reporter"]["phone"], ensure_ascii=False)
    assert stored() == before


def test_a_blank_number_is_no_number(post_complaint):
    response = post_complaint(complaint_body(reporter={"name": "Budi", "phone": "  "}))
    assert response.status_code == 201, response.content
    assert Complaint.objects.get(tracking_code=response.json()["id"]).reporter_phone == ""


def open311_post(client, api_key, **fields):
    body = {
        "api_key": api_key,
        "service_code": "sampah",
        "lat": "0.51",
        "long": "101.44",
        "description": "Sampah menumpuk di simpang.",
        **fields,
    }
    return client.post("/open311/v2/requests.json", urlencode(body), content_type="application/x-www-form-urlencoded")


def test_open311_stores_the_number_in_e164_and_refuses_a_bad_one(client, api_key):
    response = open311_post(client, api_key, phone="0812 3456 7890")
    assert response.status_code == 201, response.content
    code = response.json()[0]["service_request_id"]
    assert Complaint.objects.get(tracking_code=code).reporter_phone == E164

    before = stored()
    refused = open311_post(client, api_key, phone="0812 34")
    assert refused.status_code == 400
    (error,) = refused.json()
    assert error["description"].startswith("phone: ") and "nomor telepon" in error["description"]
    assert stored() == before


def test_a_staff_filing_for_a_caller_stores_the_number_in_e164(staff_user):
    officer = Client()
    officer.force_login(staff_user("satgas.tengah", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"]))
    body = complaint_body(reporter={"name": "Pak Budi", "phone": "62812 3456 7890"})
    answer = officer.post("/api/v1/staff/complaints/", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert Complaint.objects.get(tracking_code=answer.json()["id"]).reporter_phone == E164

    before = stored()
    bad = complaint_body(reporter={"phone": "call me"})
    refused = officer.post("/api/v1/staff/complaints/", bad, content_type="application/json")
    assert refused.status_code == 400 and list(refused.json()["reporter"]) == ["phone"]
    assert stored() == before


def test_a_supporters_number_is_stored_in_e164(client, file_complaint):
    complaint = file_complaint()
    support = client.post(
        f"/api/v1/complaints/{complaint.tracking_code}/support/",
        {"phone": "0812-3456-7890"},
        content_type="application/json",
    )
    assert support.status_code == 200, support.content
    assert list(complaint.notify_supporters.values_list("phone", flat=True)) == [E164]


def test_the_migration_normalises_stored_numbers_and_leaves_the_rest(file_complaint):
    typed, unreadable, done, none = (file_complaint() for _ in range(4))
    Complaint.objects.filter(pk=typed.pk).update(reporter_phone="0812 3456 7890")
    Complaint.objects.filter(pk=unreadable.pk).update(reporter_phone="telp. kantor")
    Complaint.objects.filter(pk=done.pk).update(reporter_phone=E164)
    versions = dict(Complaint.objects.values_list("pk", "version"))

    migration = importlib.import_module("complaints.migrations.0017_reporter_phone_e164")
    migration.normalise(apps, SimpleNamespace(connection=connection))

    phones = dict(Complaint.objects.values_list("pk", "reporter_phone"))
    assert phones[typed.pk] == E164 and phones[done.pk] == E164
    assert phones[unreadable.pk] == "telp. kantor" and phones[none.pk] == ""
    assert dict(Complaint.objects.values_list("pk", "version")) == versions
