"""Dates no calendar holds and control characters in addresses: a 400 with a message, never a 500.

Every date query parameter of the API is read from /api/schema/, so a new one is covered when it is
added; the pages (/peta-panas/, /rapor/) and Open311 parse dates with the same function
(geo.rest.query_datetime). NUL and other control characters in a path or a query string are refused
by one middleware (geo.middleware.ControlCharacterGuard) before any view runs a query.
"""

import json

import pytest

from complaints.models import Role
from geo.rest import query_datetime

pytestmark = pytest.mark.django_db

# Year 1 and 9999 (with and without an offset that pushes them past Python's calendar once in UTC),
# an hour of 25, offsets of ±24:00 (Python's parser raises), NUL.
BAD_DATES = [
    "0001-01-01",
    "0001-01-01T07:00:00",
    "0001-01-01T00:00:00+07:00",
    "9999-12-31",
    "9999-12-31T23:59:59-07:00",
    "2026-12-08T25:61:61",
    "2026-11-01T00:00:00+24:00",
    "2026-11-01T00:00:00-24:00",
    "2026-11-01\x00",
]
BAD_MONTHS = ["0001-01", "9999-12", "2026-13", "2026-11\x00"]
# Values for the path parameters of operations that take dates; an operation with another one fails
# the test, so that it is added here rather than skipped.
PATH_VALUES = {"dataset": "complaints", "fmt": "csv"}


def _date_parameters(client) -> list[tuple[str, str]]:
    """(path, parameter) for every GET operation's date-time or month query parameter."""
    schema = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    found = []
    for path, operations in json.loads(schema.content)["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        for parameter in get.get("parameters", []):
            dated = parameter.get("schema", {}).get("format") == "date-time" or parameter["name"] == "month"
            if parameter["in"] == "query" and dated:
                filled = path
                for name, value in PATH_VALUES.items():
                    filled = filled.replace("{" + name + "}", value)
                assert "{" not in filled, f"add a value for the path parameter of {path} to PATH_VALUES"
                found.append((filled, parameter["name"]))
    return found


def _messages(response) -> list[str]:
    found = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(response.content))
    return found


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user("admin-kota", Role.CITY_ADMIN))
    return client


def test_the_schema_names_the_date_parameters_we_expect(staff_client):
    """The starting state: the reading of the schema finds the filters, the hotspots and the report card."""
    paths = {path for path, _ in _date_parameters(staff_client)}
    assert {"/api/v1/complaints/", "/api/v1/hotspots/hexbins/", "/api/v1/report-card/"} <= paths
    assert "/api/v1/staff/complaints/" in paths
    assert ("/api/v1/report-card/", "month") in _date_parameters(staff_client)


def test_every_date_parameter_of_the_api_refuses_impossible_dates_with_400(staff_client):
    failures = []
    for path, name in _date_parameters(staff_client):
        for value in BAD_MONTHS if name == "month" else BAD_DATES:
            response = staff_client.get(path, {name: value}, HTTP_ACCEPT_LANGUAGE="en")
            messages = _messages(response) if response.status_code == 400 else []
            if response.status_code != 400 or not messages or not all(m.strip() for m in messages):
                failures.append((path, name, value, response.status_code, response.content[:200]))
    assert failures == []


@pytest.mark.parametrize("page", ["/peta-panas/", "/rapor/"])
@pytest.mark.parametrize("name", ["since", "until", "month"])
def test_pages_answer_impossible_dates_without_a_server_error(client, page, name):
    for value in BAD_MONTHS if name == "month" else BAD_DATES:
        response = client.get(page, {name: value})
        assert response.status_code < 500, (page, name, value)
        if "\x00" in value:
            assert response.status_code == 400
        elif page == "/rapor/" or name != "month":  # /peta-panas/ takes no month: an unknown field
            assert response.status_code == 200  # the page, with the form's error shown
            assert response.context["errors"], (page, name, value)


@pytest.mark.parametrize("name", ["start_date", "end_date"])
def test_open311_refuses_impossible_dates_with_400(client, name):
    # Open311 asks for the offset as well; NUL is the middleware's (below).
    for value in [*(d for d in BAD_DATES if "\x00" not in d), "2026-11-01T00:00:00"]:
        response = client.get("/open311/v2/requests.json", {name: value}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, (name, value, response.content[:200])
        assert name in response.content.decode(), (name, value, response.content[:200])


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0001-01-01", "years"),
        ("9999-12-31T23:59:59-07:00", "years"),
        ("2026-12-08T25:61:61", "invalid"),
        ("2026-11-01T00:00:00+24:00", "invalid"),
        ("2026-11-01T00:00:00-24:00", "invalid"),
        ("2026-11-01\x00", "invalid"),
        ("", "invalid"),
    ],
)
def test_query_datetime_refuses_with_a_code(value, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        query_datetime(value)
    assert refused.value.code == code


def test_query_datetime_reads_the_city_time_and_answers_in_utc():
    assert query_datetime("2026-11-01").isoformat() == "2026-10-31T17:00:00+00:00"  # Asia/Jakarta, +07:00
    # Python takes +23:59, PostgreSQL does not: the answer is in UTC.
    assert query_datetime("2026-11-01T00:00:00+23:59").isoformat() == "2026-10-31T00:01:00+00:00"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/subscriptions/%00/"),
        ("delete", "/api/v1/subscriptions/%00/"),
        ("get", "/ikuti/konfirmasi/%00/"),
        ("post", "/ikuti/konfirmasi/%00/"),
        ("get", "/ikuti/berhenti/%00/"),
        ("post", "/ikuti/berhenti/%00/"),
        ("post", "/api/v1/staff/forwardings/%00/reply/"),
        ("get", "/api/v1/complaints/%00/"),
        ("get", "/lacak/%00/"),
        ("get", "/api/v1/complaints/%1B%5B2J/"),  # ESC: a terminal escape for whoever reads the log
        ("get", "/api/v1/complaints/?category=%00"),
        ("get", "/api/v1/complaints/?%00=1"),
        ("get", "/peta-panas/?since=2026-11-01%0A"),
        ("get", "/open311/v2/requests.json?service_code=%7F"),
    ],
)
def test_control_characters_in_the_address_are_refused_before_any_view(staff_client, method, path):
    response = getattr(staff_client, method)(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "control character" in json.loads(response.content)["detail"]


def test_the_refusal_speaks_indonesian_by_default(client):
    response = client.get("/api/v1/subscriptions/%00/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 400
    assert "karakter kontrol" in json.loads(response.content)["detail"]
