"""Hostile input, everywhere: every public and staff endpoint, page form and Open311 POST is fed
malformed, oversized, out-of-range and nonsensical input. Each case is a 4xx with a message a person
can read, writes no row, and is never a 500."""

import gc
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.test import Client

from complaints.models import Complaint, ComplaintEvent, Photo, Role, Status
from open311.models import ApiKey
from tests.conftest import complaint_body

pytestmark = pytest.mark.django_db

CODE = "{code}"  # replaced by the tracking code of a real complaint
KEY = "{key}"  # replaced by a valid Open311 API key
NUL = "\x00"
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000


@dataclass
class Case:
    """One hostile request: who sends it, where, what, and which statuses may answer it."""

    name: str
    method: str
    path: str
    body: object = None  # dict/list → JSON; str/bytes → sent as they are
    content_type: str = "application/json"
    params: dict = field(default_factory=dict)
    who: str = "anonymous"  # or "staff" (a logged-in city admin)
    expect: tuple[int, ...] = (400,)


def json_post(name, path, body, expect=(400,), who="anonymous", **kw):
    return Case(name, "post", path, body, who=who, expect=expect, **kw)


def get(name, path, expect=(400,), who="anonymous", **params):
    return Case(name, "get", path, params=params, who=who, expect=expect)


def form_311(name, fmt="json", expect=(400,), **fields):
    return Case(
        name,
        "post",
        f"/open311/v2/requests.{fmt}",
        {"api_key": KEY, **fields},
        content_type="application/x-www-form-urlencoded",
        expect=expect,
    )


INTAKE = "/api/v1/complaints/"
VALID_311 = {"service_code": "sampah", "description": "Sampah menumpuk.", "lat": "0.51", "long": "101.44"}
STAFF = f"/api/v1/staff/complaints/{CODE}/"

CASES = [
    # --- intake: bodies the JSON parser must refuse cleanly
    json_post("intake: 100k nested arrays", INTAKE, DEEP),
    json_post("intake: 50k nested objects", INTAKE, DEEP_OBJECT),
    json_post("intake: empty body", INTAKE, ""),
    json_post("intake: null", INTAKE, "null"),
    json_post("intake: a bare string", INTAKE, '"sampah"'),
    json_post("intake: lone surrogate", INTAKE, complaint_body(description="\ud800")),
    json_post("intake: NUL in description", INTAKE, complaint_body(description=f"a{NUL}b")),
    json_post("intake: NUL in category", INTAKE, complaint_body(category=f"sampah{NUL}")),
    json_post("intake: NUL in reporter name", INTAKE, complaint_body(reporter={"name": NUL})),
    json_post("intake: NaN as a string", INTAKE, complaint_body(location={"type": "Point", "coordinates": ["NaN", 1]})),
    json_post("intake: huge integer", INTAKE, complaint_body(10**400, 0.5)),
    json_post("intake: -0.0 and tiny", INTAKE, complaint_body(-0.0, 5e-324)),
    json_post(
        "intake: coordinates nested", INTAKE, complaint_body(location={"type": "Point", "coordinates": [[1, 2]]})
    ),
    json_post(
        "intake: Polygon", INTAKE, complaint_body(location={"type": "Polygon", "coordinates": [[[101.4, 0.5]] * 4]})
    ),
    json_post("intake: Feature", INTAKE, complaint_body(location={"type": "Feature", "geometry": None})),
    json_post("intake: empty Point", INTAKE, complaint_body(location={"type": "Point", "coordinates": []})),
    json_post("intake: WKT", INTAKE, complaint_body(location="POINT(101.44 0.51)")),
    json_post("intake: null location", INTAKE, complaint_body(location=None)),
    json_post("intake: reporter list", INTAKE, complaint_body(reporter=[{"name": "x"}])),
    json_post("intake: reporter unknown field", INTAKE, complaint_body(reporter={"nik": "1471"})),
    json_post("intake: photo as text", INTAKE, complaint_body(photo="data:image/jpeg;base64,AAAA")),
    Case("intake: form body", "post", INTAKE, "category=sampah", "application/x-www-form-urlencoded", expect=(415,)),
    Case("intake: XML body", "post", INTAKE, "<complaint/>", "application/xml", expect=(415,)),
    Case("intake: JSON with bad charset", "post", INTAKE, "{}", "application/json; charset=klingon"),
    Case("intake: multipart without boundary", "post", INTAKE, "x", "multipart/form-data"),
    Case("intake: multipart bad location", "post", INTAKE, None, "multipart", expect=(400,)),
    Case("intake: PUT", "put", INTAKE, complaint_body(), expect=(405,)),
    Case("intake: DELETE", "delete", INTAKE, expect=(405,)),
    # --- public lists and their query parameters
    get("list: bad since", INTAKE, since="yesterday"),
    get("list: bad until", INTAKE, until="2026-13-45"),
    get("list: year 1 since", INTAKE, since="0001-01-01T00:00:00+14:00"),
    get("list: offset -23:19", INTAKE, expect=(200,), since="2026-02-02T15:43:19-23:19"),
    get(
        "staff list: offset +20:00",
        "/api/v1/staff/complaints/",
        who="staff",
        expect=(200,),
        until="2026-02-02T15:43:19+20:00",
    ),
    get("open311 GET: offset -23:19", "/open311/v2/requests.json", expect=(200,), end_date="2026-02-02T15:43:19-23:19"),
    *[
        get(f"{name}: offset -23:19", path, expect=(200,), since="2026-02-02T15:43:19-23:19")
        for name, path in [("hexbins", "/api/v1/hotspots/hexbins/"), ("report card", "/api/v1/report-card/")]
    ],
    get("list: bbox of text", INTAKE, bbox="a,b,c,d"),
    get("list: bbox of three", INTAKE, bbox="101,0,102"),
    get("list: bbox NaN", INTAKE, bbox="nan,0,102,1"),
    get("list: bbox inf", INTAKE, bbox="-inf,-inf,inf,inf"),
    get("list: bbox swapped", INTAKE, bbox="0.4,101.3,0.6,101.6"),
    get("list: bbox inverted", INTAKE, bbox="102,1,101,0"),
    get("list: unknown category", INTAKE, category="banjir-bandang"),
    get("list: sensitive category", INTAKE, category="kdrt"),
    get("list: NUL category", INTAKE, category=NUL),
    get("list: NUL kecamatan", INTAKE, kecamatan=NUL),
    get("list: unknown status", INTAKE, status="hilang"),
    # django-filter reads a boolean it does not recognise as "not given".
    get("list: open=maybe", INTAKE, expect=(200,), open="maybe"),
    get("list: page=-1", INTAKE, expect=(404,), page="-1"),
    get("list: page=0", INTAKE, expect=(404,), page="0"),
    get("list: page=abc", INTAKE, expect=(404,), page="abc"),
    get("list: page=10^30", INTAKE, expect=(404,), page=str(10**30)),
    get("list: page_size=10^9", INTAKE, expect=(200,), page_size=str(10**9)),
    get("list: page_size=-5", INTAKE, expect=(200,), page_size="-5"),
    get("list: unknown fields", INTAKE, fields="colour,reporter_phone"),
    get("list: NUL fields", INTAKE, fields=f"status{NUL}"),
    get("list: empty fields", INTAKE, fields=","),
    get("list: 10,000 fields", INTAKE, fields=",".join(["x" * 60] * 10_000)),
    get("detail: unknown code", f"{INTAKE}PKU-2222-2222/", expect=(404,)),
    get("detail: NUL code", f"{INTAKE}%00/"),
    get("detail: very long code", f"{INTAKE}{'A' * 5000}/", expect=(404,)),
    get("nearby: missing all", f"{INTAKE}nearby/"),
    get("nearby: NaN", f"{INTAKE}nearby/", lat="nan", lon="101.44", category="sampah"),
    get("nearby: inf", f"{INTAKE}nearby/", lat="0.5", lon="inf", category="sampah"),
    get("nearby: swapped", f"{INTAKE}nearby/", lat="101.44", lon="0.51", category="sampah"),
    get("nearby: radius 10^9", f"{INTAKE}nearby/", lat="0.51", lon="101.44", category="sampah", radius_m="1e9"),
    get("nearby: unknown field", f"{INTAKE}nearby/", lat="0.51", lon="101.44", category="sampah", radius="5"),
    get("locate: NaN", "/api/v1/locate/", lat="NaN", lon="NaN"),
    get("locate: 1e400", "/api/v1/locate/", lat="1e400", lon="101.44"),
    get("locate: text", "/api/v1/locate/", lat="nol koma lima", lon="101.44"),
    get("locate: NUL category", "/api/v1/locate/", lat="0.51", lon="101.44", category=NUL),
    get("locate: outside", "/api/v1/locate/", lat="-6.17", lon="106.82"),
    get("kecamatan: unknown field", "/api/v1/boundaries/kecamatan/", expect=(200,), bbox="x"),
    # --- hotspots, report card, exports
    *[
        get(f"{name}: {case}", path, **params)
        for name, path in [
            ("hexbins", "/api/v1/hotspots/hexbins/"),
            ("heatmap", "/api/v1/hotspots/heatmap/"),
            ("gistar", "/api/v1/hotspots/gistar/"),
            ("trends", "/api/v1/hotspots/trends/"),
            ("kecamatan", "/api/v1/hotspots/kecamatan/"),
            ("export", "/api/v1/hotspots/exports/complaints.csv"),
        ]
        for case, params in [
            ("bad since", {"since": "kemarin"}),
            ("year 1 until", {"until": "0001-01-01T00:00:00Z"}),
            ("year 9999 since", {"since": "9999-12-31T23:59:59-14:00"}),
            ("since after until", {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}),
            ("size_m 7", {"size_m": "7"}),
            ("size_m 10^9", {"size_m": str(10**9)}),
            ("sensitive category", {"category": "kdrt"}),
            ("NUL category", {"category": NUL}),
            ("NUL kecamatan", {"kecamatan": NUL}),
            ("unknown status", {"status": "<script>"}),
            ("unknown field", {"bogus": "1"}),
        ]
    ],
    get("export: unknown dataset", "/api/v1/hotspots/exports/reporters.csv", expect=(404,)),
    get("export: unknown format", "/api/v1/hotspots/exports/complaints.exe", expect=(404,)),
    get("report card: bad month", "/api/v1/report-card/", month="2026-13"),
    get("report card: month and since", "/api/v1/report-card/", month="2026-01", since="2026-01-01T00:00:00Z"),
    get("report card: year 1", "/api/v1/report-card/", until="0001-01-02T00:00:00Z"),
    get("report card: year 1 month", "/api/v1/report-card/", month="0001-01"),
    get("report card: year 9999 month", "/api/v1/report-card/", month="9999-12"),
    get("report card: far since", "/api/v1/report-card/", since="0001-01-01T00:00:00+14:00"),
    get("report card: unknown field", "/api/v1/report-card/", period="x"),
    # --- the citizen's actions
    json_post("support: unknown code", "/api/v1/complaints/PKU-2222-2222/support/", {}, expect=(404,)),
    json_post("rating: not closed", f"{INTAKE}{CODE}/rating/", {"rating": 5}, expect=(409,)),
    json_post("rating: 0", f"{INTAKE}{CODE}/rating/", {"rating": 0}),
    json_post("rating: 10^100", f"{INTAKE}{CODE}/rating/", {"rating": 10**100}),
    json_post("rating: NaN", f"{INTAKE}{CODE}/rating/", '{"rating": NaN}'),
    json_post("rating: text", f"{INTAKE}{CODE}/rating/", {"rating": "lima"}),
    json_post("rating: NUL comment", f"{INTAKE}{CODE}/rating/", {"rating": 5, "comment": NUL}),
    json_post("rating: deep", f"{INTAKE}{CODE}/rating/", DEEP),
    json_post("rating: unknown field", f"{INTAKE}{CODE}/rating/", {"rating": 5, "stars": 5}),
    json_post("reopen: not resolved", f"{INTAKE}{CODE}/reopen/", {"reason": "Belum beres."}, expect=(409,)),
    json_post("reopen: empty", f"{INTAKE}{CODE}/reopen/", {}),
    json_post("reopen: reason too long", f"{INTAKE}{CODE}/reopen/", {"reason": "x" * 2001}),
    json_post("reopen: NUL reason", f"{INTAKE}{CODE}/reopen/", {"reason": NUL}),
    json_post("reopen: unknown code", f"{INTAKE}PKU-2222-2222/reopen/", {"reason": "x"}, expect=(404,)),
    Case("photo-location: JSON", "post", "/api/v1/photo-location/", {"photo": "x"}),
    Case("photo-location: not an image", "post", "/api/v1/photo-location/", None, "multipart-text-photo"),
    # --- the staff API, anonymous and logged in
    get("staff list: anonymous", "/api/v1/staff/complaints/", expect=(401, 403)),
    json_post("staff transition: anonymous", f"{STAFF}transition/", {"to": "diverifikasi"}, expect=(401, 403)),
    json_post("staff note: anonymous", f"{STAFF}notes/", {"note": "x"}, expect=(401, 403)),
    json_post("staff reassign: anonymous", f"{STAFF}reassign/", {"task_force": "DLHK-TENGAH"}, expect=(401, 403)),
    get("staff list: bad overdue", "/api/v1/staff/complaints/", who="staff", expect=(200,), overdue="sometimes"),
    get("staff list: unknown task force", "/api/v1/staff/complaints/", who="staff", task_force="X"),
    get("staff list: NUL task force", "/api/v1/staff/complaints/", who="staff", task_force=NUL),
    get("staff list: bad since", "/api/v1/staff/complaints/", who="staff", since="2026-02-30"),
    get("staff list: page=-1", "/api/v1/staff/complaints/", who="staff", expect=(404,), page="-1"),
    get("staff detail: unknown", "/api/v1/staff/complaints/PKU-2222-2222/", who="staff", expect=(404,)),
    json_post("staff transition: unknown status", f"{STAFF}transition/", {"to": "hilang"}, who="staff"),
    json_post("staff transition: skip", f"{STAFF}transition/", {"to": Status.SELESAI}, who="staff", expect=(409,)),
    json_post("staff transition: reject no note", f"{STAFF}transition/", {"to": Status.DITOLAK}, who="staff"),
    json_post("staff transition: version 0", f"{STAFF}transition/", {"to": "diverifikasi", "version": 0}, who="staff"),
    json_post(
        "staff transition: version 10^30",
        f"{STAFF}transition/",
        {"to": "diverifikasi", "version": 10**30},
        who="staff",
        expect=(400, 409),
    ),
    json_post(
        "staff transition: stale version",
        f"{STAFF}transition/",
        {"to": "diverifikasi", "version": 99},
        who="staff",
        expect=(409,),
    ),
    json_post(
        "staff transition: duplicate of itself",
        f"{STAFF}transition/",
        {"to": Status.DUPLIKAT, "duplicate_of": CODE},
        who="staff",
    ),
    json_post(
        "staff transition: duplicate of nothing",
        f"{STAFF}transition/",
        {"to": Status.DUPLIKAT, "duplicate_of": "PKU-2222-2222"},
        who="staff",
    ),
    json_post(
        "staff transition: NUL duplicate_of",
        f"{STAFF}transition/",
        {"to": Status.DUPLIKAT, "duplicate_of": NUL},
        who="staff",
    ),
    json_post("staff transition: photo as text", f"{STAFF}transition/", {"to": "selesai", "photo": "x"}, who="staff"),
    json_post("staff transition: deep", f"{STAFF}transition/", DEEP, who="staff"),
    json_post("staff transition: list body", f"{STAFF}transition/", [], who="staff"),
    json_post("staff note: empty", f"{STAFF}notes/", {"note": ""}, who="staff"),
    json_post("staff note: NUL", f"{STAFF}notes/", {"note": NUL}, who="staff"),
    json_post("staff note: public as text", f"{STAFF}notes/", {"note": "x", "public": "kadang"}, who="staff"),
    json_post("staff note: too long", f"{STAFF}notes/", {"note": "x" * 4001}, who="staff"),
    json_post("staff reassign: unknown", f"{STAFF}reassign/", {"task_force": "NOPE"}, who="staff"),
    json_post("staff reassign: NUL", f"{STAFF}reassign/", {"task_force": NUL}, who="staff"),
    json_post("staff reassign: object", f"{STAFF}reassign/", {"task_force": {"code": "X"}}, who="staff"),
    json_post(
        "staff reassign: other agency",
        f"{STAFF}reassign/",
        {"task_force": "DPUPR-UTARA"},
        who="staff",
        expect=(400, 409),
    ),
    # --- Open311
    form_311("open311: no api_key", expect=(403,), **{**VALID_311, "api_key": ""}),
    form_311("open311: wrong api_key", expect=(403,), **{**VALID_311, "api_key": "nope"}),
    form_311("open311: NaN lat", **{**VALID_311, "lat": "nan"}),
    form_311("open311: inf long", **{**VALID_311, "long": "inf"}),
    form_311("open311: 1e400 lat", **{**VALID_311, "lat": "1e400"}),
    form_311("open311: text lat", **{**VALID_311, "lat": "nol"}),
    form_311("open311: swapped", **{**VALID_311, "lat": "101.44", "long": "0.51"}),
    form_311("open311: outside", **{**VALID_311, "lat": "-6.17", "long": "106.82"}),
    form_311("open311: unknown service", **{**VALID_311, "service_code": "banjir"}),
    form_311("open311: NUL service", **{**VALID_311, "service_code": NUL}),
    form_311("open311: NUL description", **{**VALID_311, "description": NUL}),
    form_311("open311: NUL name", **{**VALID_311, "first_name": NUL}),
    form_311("open311: bad email", **{**VALID_311, "email": "budi@"}),
    form_311("open311: long description", **{**VALID_311, "description": "x" * 4001}),
    form_311(
        "open311: address only",
        **{k: v for k, v in VALID_311.items() if k not in ("lat", "long")},
        address_string="Jl. Sudirman",
    ),
    form_311("open311: unknown jurisdiction", expect=(404,), **VALID_311, jurisdiction_id="jakarta.go.id"),
    form_311("open311: xml NaN", fmt="xml", **{**VALID_311, "lat": "nan"}),
    form_311("open311: unknown format", fmt="yaml", expect=(404,), **VALID_311),
    Case("open311: JSON body", "post", "/open311/v2/requests.json", {**VALID_311, "api_key": KEY}, expect=(400, 403)),
    Case("open311: PUT", "put", "/open311/v2/requests.json", expect=(405,)),
    get("open311 GET: bad start", "/open311/v2/requests.json", start_date="kemarin"),
    get("open311 GET: naive end", "/open311/v2/requests.json", end_date="2026-01-01T00:00:00"),
    get("open311 GET: year 1", "/open311/v2/requests.json", end_date="0001-01-01T00:00:00+14:00"),
    get("open311 GET: year 9999", "/open311/v2/requests.json", start_date="9999-12-31T23:59:59-14:00"),
    get(
        "open311 GET: range > 90 days",
        "/open311/v2/requests.json",
        start_date="2025-01-01T00:00:00+07:00",
        end_date="2026-01-01T00:00:00+07:00",
    ),
    get("open311 GET: page=-1", "/open311/v2/requests.json", page="-1"),
    get("open311 GET: page=10^30", "/open311/v2/requests.json", expect=(200,), page=str(10**30)),
    get("open311 GET: 5000 digits", "/open311/v2/requests.json", expect=(200,), page_size="9" * 5000),
    get("open311 GET: page_size=10^9", "/open311/v2/requests.json", expect=(200,), page_size=str(10**9)),
    get("open311 GET: page=²", "/open311/v2/requests.json", page="²"),
    get("open311 GET: status", "/open311/v2/requests.json", status="<b>"),
    get("open311 GET: NUL service", "/open311/v2/requests.json", service_code=NUL),
    get("open311 GET: NUL ids", "/open311/v2/requests.json", service_request_id=NUL),
    get("open311 GET: NUL jurisdiction", "/open311/v2/services.json", jurisdiction_id=NUL),
    get("open311 request: NUL id", "/open311/v2/requests/%00.json"),
    get("open311 service: NUL code", "/open311/v2/services/%00.json"),
    get("open311 token: NUL", "/open311/v2/tokens/%00.json"),
]


@pytest.fixture
def world(file_complaint, staff_user):
    """A complaint to aim at, a city admin, and an Open311 key."""
    complaint = file_complaint()
    admin = staff_user("admin-kota", Role.CITY_ADMIN)
    return {
        "code": complaint.tracking_code,
        "reporter_key": complaint.reporter_key,
        "key": ApiKey.issue("uji")[1],
        "admin": admin,
    }


def fill(value, world):
    if isinstance(value, str):
        return value.replace(CODE, world["code"]).replace(KEY, world["key"])
    if isinstance(value, dict):
        return {k: fill(v, world) for k, v in value.items()}
    return value


def counts() -> tuple[int, int, int]:
    return Complaint.objects.count(), ComplaintEvent.objects.count(), Photo.objects.count()


def send(client: Client, case: Case, world: dict):
    path = fill(case.path, world)
    headers = {"Accept-Language": "en"}
    if case.method == "get":
        return client.get(path, case.params, headers=headers)
    body, content_type = fill(case.body, world), case.content_type
    if isinstance(body, dict) and path.endswith(("/rating/", "/reopen/")):
        body = {"reporter_key": world["reporter_key"], **body}  # the reporter's own actions
    if content_type == "multipart":
        return client.post(path, {**complaint_body(), "location": "[[[", "reporter": "{}"}, headers=headers)
    if content_type == "multipart-text-photo":
        from django.core.files.uploadedfile import SimpleUploadedFile

        photo = SimpleUploadedFile("x.jpg", b"<script>not a photo</script>", content_type="image/jpeg")
        return client.post(path, {"photo": photo}, headers=headers)
    if content_type == "application/x-www-form-urlencoded" and isinstance(body, dict):
        body = urlencode(body)
    elif body is None:
        body = ""
    elif not isinstance(body, str | bytes):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()  # as a client sends it, whatever charset the header names
    return client.generic(case.method.upper(), path, body, content_type=content_type, headers=headers)


def messages_in(response) -> list[str]:
    """Every string a JSON (or Open311 XML) error body carries."""
    if response["Content-Type"].startswith("text/xml"):
        from xml.etree import ElementTree

        return [e.text for e in ElementTree.fromstring(response.content).iter("description") if e.text]
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


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_request_is_refused_cleanly(client, world, case):
    if case.who == "staff":
        client.force_login(world["admin"])
    before = counts()
    # Garbage from earlier tests is collected now, not by a collection that happens to start in the
    # middle of a deliberately deep parse, where a finalizer would run out of stack.
    gc.collect()
    response = send(client, case, world)
    assert response.status_code in case.expect, response.content[:500]
    if response.status_code >= 400:
        messages = messages_in(response)
        assert messages and all(m.strip() for m in messages), response.content[:500]
        assert not any("Traceback" in m for m in messages)
    assert counts() == before
