"""A category's questions: asked by the web form, checked at intake, stored, served and read by Open311,
shown to staff and exported to planners; and a category's emergency notice."""

import csv
import io
from xml.etree import ElementTree

import pytest
from django.test import Client

from complaints.models import Category, CategoryQuestion, Complaint, Role
from complaints.questions import AnswersInvalid, clean_answers
from open311.models import ApiKey
from tests.conftest import complaint_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def asking():
    """Street lights with every kind of question (the fixture's two, and four more)."""
    category = Category.objects.get(code="lampu-jalan")
    for order, (code, kind, required, options) in enumerate(
        [
            ("warna", "choice", True, "putih | Putih | White\nkuning | Kuning | Yellow"),
            ("sebab", "multiple", False, "kabel | Kabel putus | Cut cable\nlampu | Lampu rusak | Broken lamp"),
            ("bahaya", "yesno", False, ""),
            ("sejak", "date", False, ""),
        ],
        start=10,
    ):
        CategoryQuestion.objects.create(
            category=category, code=code, kind=kind, prompt_id=f"Soal {code}", prompt_en=f"Question {code}",
            required=required, options=options, order=order,
        )
    return category


def test_answers_are_checked_and_typed(asking):
    cleaned = clean_answers(
        asking,
        {"jumlah": "3", "nomor-tiang": " PJU-17 ", "warna": "kuning", "sebab": ["lampu", "kabel"], "bahaya": "ya", "sejak": "2026-11-30"},
    )
    assert cleaned == {
        "jumlah": 3, "nomor-tiang": "PJU-17", "warna": "kuning", "sebab": ["kabel", "lampu"], "bahaya": True, "sejak": "2026-11-30",
    }
    with pytest.raises(AnswersInvalid) as refused:
        clean_answers(asking, {"jumlah": "tiga", "warna": "ungu", "sebab": "x", "bahaya": "mungkin", "sejak": "kemarin", "warnaa": 1})
    assert set(refused.value.errors) == {"jumlah", "warna", "sebab", "bahaya", "sejak", "warnaa"}
    with pytest.raises(AnswersInvalid) as missing:
        clean_answers(asking, {})
    assert set(missing.value.errors) == {"warna"}  # the required one
    for nonsense in ({"jumlah": float("nan")}, {"jumlah": True}, {"jumlah": "1e400"}):
        with pytest.raises(AnswersInvalid):
            clean_answers(asking, {"warna": "putih", **nonsense})


def test_intake_stores_answers_and_names_the_question_it_refuses(post_complaint, asking):
    body = complaint_body(category="lampu-jalan", answers={"jumlah": 2, "warna": "putih"})
    response = post_complaint(body)
    assert response.status_code == 201
    assert Complaint.objects.get(tracking_code=response.json()["id"]).answers == {"jumlah": 2, "warna": "putih"}
    count = Complaint.objects.count()
    refused = post_complaint(complaint_body(category="lampu-jalan", answers={"jumlah": "banyak", "warna": "putih"}), language="en")
    assert refused.status_code == 400 and refused.json() == {"answers": {"jumlah": "Give a number."}}
    assert post_complaint(complaint_body(category="lampu-jalan", answers=["x"])).status_code == 400
    assert Complaint.objects.count() == count


def test_intake_without_answers_is_refused_only_when_a_question_is_required(post_complaint, asking):
    """The questions are read only when answers come or one is required (the category's query says)."""
    refused = post_complaint(complaint_body(category="lampu-jalan"), language="en")
    assert refused.status_code == 400 and refused.json() == {"answers": {"warna": "Required: Question warna"}}
    CategoryQuestion.objects.filter(category=asking).update(required=False)
    assert post_complaint(complaint_body(category="lampu-jalan")).status_code == 201


def test_a_multipart_form_sends_answers_as_json_text(client, asking):
    body = complaint_body(category="lampu-jalan")
    form = {**{k: v for k, v in body.items() if k != "location"}, "location": '{"type": "Point", "coordinates": [101.44, 0.51]}'}
    response = client.post("/api/v1/complaints/", {**form, "answers": '{"warna": "kuning"}'})
    assert response.status_code == 201, response.content
    assert Complaint.objects.get(tracking_code=response.json()["id"]).answers == {"warna": "kuning"}


def test_open311_serves_the_questions_as_attributes(client, asking):
    services = {s["service_code"]: s for s in client.get("/open311/v2/services.json").json()}
    assert services["lampu-jalan"]["metadata"] is True and services["lainnya"]["metadata"] is False
    definition = client.get("/open311/v2/services/lampu-jalan.json", HTTP_ACCEPT_LANGUAGE="en").json()
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["jumlah"] == {
        "variable": True, "code": "jumlah", "datatype": "number", "required": False,
        "datatype_description": "a number", "order": 0, "description": "How many lights are out?", "values": [],
    }
    assert attributes["warna"]["datatype"] == "singlevaluelist" and attributes["warna"]["required"] is True
    assert attributes["warna"]["values"] == [{"key": "putih", "name": "White"}, {"key": "kuning", "name": "Yellow"}]
    assert attributes["sebab"]["datatype"] == "multivaluelist" and attributes["sejak"]["datatype"] == "datetime"
    xml = ElementTree.fromstring(client.get("/open311/v2/services/lampu-jalan.xml").content)
    assert [k.text for k in xml.iter("key")][:2] == ["putih", "kuning"]


def test_open311_reads_attributes_and_answers_bad_ones_with_the_spec_error(client, asking):
    key = ApiKey.issue("uji")[1]
    base = {"api_key": key, "service_code": "lampu-jalan", "lat": "0.51", "long": "101.44", "description": "Mati."}
    bad = client.post("/open311/v2/requests.json", {**base, "attribute[jumlah]": "abc", "attribute[warna]": "putih"})
    assert bad.status_code == 400
    assert bad.json()[0]["code"] == 400 and bad.json()[0]["description"].startswith("attribute[jumlah]: ")
    good = client.post(
        "/open311/v2/requests.json",
        {**base, "attribute[jumlah]": "4", "attribute[warna]": "putih", "attribute[sebab][]": ["kabel", "lampu"]},
    )
    assert good.status_code == 201
    stored = Complaint.objects.get(tracking_code=good.json()[0]["service_request_id"])
    assert stored.answers == {"jumlah": 4, "warna": "putih", "sebab": ["kabel", "lampu"]}


def test_staff_see_the_answers_and_planners_get_a_column_per_question(client, file_complaint, staff_user, asking):
    complaint = file_complaint(category="lampu-jalan", answers={"jumlah": 5, "warna": "putih", "sebab": ["kabel"]})
    staff = Client()
    staff.force_login(staff_user("admin-kota", Role.CITY_ADMIN))
    assert staff.get(f"/api/v1/staff/complaints/{complaint.tracking_code}/").json()["properties"]["answers"]["jumlah"] == 5
    export = b"".join(
        client.get("/api/v1/hotspots/exports/complaints.csv", {"category": "lampu-jalan"}).streaming_content
    ).decode()
    rows = list(csv.DictReader(io.StringIO(export)))
    assert (rows[0]["answers.jumlah"], rows[0]["answers.sebab"], rows[0]["answers.bahaya"]) == ("5", "kabel", "")
    everything = b"".join(client.get("/api/v1/hotspots/exports/complaints.csv").streaming_content).decode()
    assert "answers." not in everything.splitlines()[0]  # the columns belong to one category


def test_the_citizen_form_asks_the_questions_and_shows_the_emergency_notice(client):
    page = client.get("/").content.decode()
    assert 'data-category="lampu-jalan"' in page and "Berapa lampu yang mati?" in page
    assert 'id="notice-kdrt"' in page and "110" in page and "129" in page
    assert 'id="notice-sampah"' not in page
    # A phone calls the numbers from the notice.
    assert '<a href="tel:110">110</a>' in page and '<a href="tel:08111129129">08111-129-129</a>' in page


def test_numbers_in_an_emergency_notice_become_calls_and_nothing_else_does():
    from web.templatetags.phone_links import phone_links

    assert phone_links("Polisi 110 atau +62 811 129 129; <b>2026</b>, 150 m, 10.00") == (
        'Polisi <a href="tel:110">110</a> atau <a href="tel:+62811129129">+62 811 129 129</a>; '
        "&lt;b&gt;2026&lt;/b&gt;, 150 m, 10.00"
    )
