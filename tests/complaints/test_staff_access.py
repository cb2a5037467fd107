"""Who sees and does what in the staff API: an exact status code for every role × endpoint × complaint."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from complaints.models import Role

pytestmark = pytest.mark.django_db

SUKAJADI = (101.44, 0.51)  # zone tengah
AIRPORT = (101.4445, 0.4608)  # Marpoyan Damai, zone barat-daya


@pytest.fixture
def complaints(file_complaint):
    return {
        "own": file_complaint(*SUKAJADI, category="sampah"),  # DLHK-TENGAH
        "other_area": file_complaint(*AIRPORT, category="sampah"),  # DLHK-BARAT-DAYA
        "other_agency": file_complaint(*SUKAJADI, category="lampu-jalan"),  # DPUPR-PJU
        "sensitive": file_complaint(*SUKAJADI, category="kdrt"),  # DP3A-UPTD-PPA
    }


@pytest.fixture
def clients(staff_user):
    people = {
        "satgas_dlhk": staff_user("satgas.dlhk", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"]),
        "supervisor_dlhk": staff_user("supervisor.dlhk", Role.SUPERVISOR, agency="DLHK"),
        "supervisor_dp3a": staff_user("supervisor.dp3a", Role.SUPERVISOR, agency="DP3A"),
        "admin_kota": staff_user("admin.kota", Role.CITY_ADMIN),
        "no_role": staff_user("warga.biasa"),
    }
    out = {"anonymous": Client()}
    for name, user in people.items():
        out[name] = Client()
        out[name].force_login(user)
    return out


DETAIL = {
    #                   own  other_area other_agency sensitive
    "satgas_dlhk": (200, 404, 404, 404),
    "supervisor_dlhk": (200, 200, 404, 404),
    "supervisor_dp3a": (404, 404, 404, 200),
    "admin_kota": (200, 200, 200, 200),
    "no_role": (403, 403, 403, 403),
    "anonymous": (403, 403, 403, 403),
}
KEYS = ("own", "other_area", "other_agency", "sensitive")


@pytest.mark.parametrize("who", DETAIL)
def test_detail_matrix(clients, complaints, who):
    got = tuple(clients[who].get(f"/api/v1/staff/complaints/{complaints[k].tracking_code}/").status_code for k in KEYS)
    assert got == DETAIL[who]


@pytest.mark.parametrize("who", DETAIL)
def test_list_shows_exactly_what_detail_allows(clients, complaints, who):
    response = clients[who].get("/api/v1/staff/complaints/", {"page_size": 1000})
    if DETAIL[who][0] == 403:
        assert response.status_code == 403
        return
    listed = {f["id"] for f in response.json()["features"]}
    for key, status in zip(KEYS, DETAIL[who], strict=True):
        assert (complaints[key].tracking_code in listed) == (status == 200), key


@pytest.mark.parametrize("who", DETAIL)
def test_transition_matrix(clients, complaints, who):
    got = tuple(
        clients[who]
        .post(
            f"/api/v1/staff/complaints/{complaints[k].tracking_code}/transition/",
            {"to": "diverifikasi"},
            content_type="application/json",
        )
        .status_code
        for k in KEYS
    )
    assert got == DETAIL[who]


REASSIGN = {
    # reassigning "own" (DLHK-TENGAH) to DLHK-UTARA, and "other_agency" (DPUPR) to DPUPR-JALAN-UTARA
    "satgas_dlhk": (403, 404),
    "supervisor_dlhk": (200, 404),
    "supervisor_dp3a": (404, 404),
    "admin_kota": (200, 200),
    "no_role": (403, 403),
    "anonymous": (403, 403),
}


@pytest.mark.parametrize("who", REASSIGN)
def test_reassign_matrix(clients, complaints, who):
    def reassign(key, task_force):
        return (
            clients[who]
            .post(
                f"/api/v1/staff/complaints/{complaints[key].tracking_code}/reassign/",
                {"task_force": task_force},
                content_type="application/json",
            )
            .status_code
        )

    assert (reassign("own", "DLHK-UTARA"), reassign("other_agency", "DPUPR-JALAN-UTARA")) == REASSIGN[who]


def test_reassign_stays_inside_the_agency(clients, complaints):
    url = f"/api/v1/staff/complaints/{complaints['own'].tracking_code}/reassign/"
    response = clients["supervisor_dlhk"].post(url, {"task_force": "DPUPR-PJU"}, content_type="application/json")
    assert response.status_code == 400
    assert "task_force" in response.json()
    response = clients["supervisor_dlhk"].post(
        url, {"task_force": "DLHK-UTARA", "note": "Dekat pos utara."}, content_type="application/json"
    )
    assert response.json()["properties"]["task_force"] == "DLHK-UTARA"
    event = complaints["own"].events.last()
    assert (event.kind, event.public) == ("assigned", False)
    assert event.note.startswith("DLHK-TENGAH → DLHK-UTARA")


def test_staff_detail_carries_history_and_the_reporter_on_asking(clients, file_complaint):
    complaint = file_complaint(*SUKAJADI, category="sampah", reporter={"name": "Budi", "phone": "0812 1111 2222"})
    body = clients["satgas_dlhk"].get(f"/api/v1/staff/complaints/{complaint.tracking_code}/").json()["properties"]
    assert body["reporter_contact"] is True and "reporter_phone" not in body  # "tampilkan kontak" (logged)
    contact = clients["satgas_dlhk"].post(f"/api/v1/staff/complaints/{complaint.tracking_code}/contact/").json()
    assert (contact["name"], contact["phone"]) == ("Budi", "+6281211112222")  # stored in E.164
    assert [e["kind"] for e in body["events"]] == ["created"]
    assert body["allowed_transitions"] == ["ditolak", "diverifikasi", "duplikat"]


def test_token_authentication_for_scripts(staff_user, complaints):
    token = Token.objects.create(user=staff_user("bot", Role.CITY_ADMIN))
    response = Client().get("/api/v1/staff/complaints/", headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200
    assert Client().get("/api/v1/staff/complaints/", headers={"Authorization": "Token salah"}).status_code in (401, 403)


def test_list_puts_overdue_first(clients, complaints):
    from datetime import timedelta

    from complaints.models import Complaint

    late = complaints["other_area"]
    Complaint.objects.filter(pk=late.pk).update(due_at=late.created_at - timedelta(days=1))
    features = clients["supervisor_dlhk"].get("/api/v1/staff/complaints/").json()["features"]
    assert features[0]["id"] == late.tracking_code
    assert features[0]["properties"]["is_overdue"] is True
    overdue_only = clients["supervisor_dlhk"].get("/api/v1/staff/complaints/", {"overdue": "true"}).json()["features"]
    assert [f["id"] for f in overdue_only] == [late.tracking_code]


def test_staff_see_the_jurisdictions_they_work(clients):
    def codes(who):
        return sorted(f["id"] for f in clients[who].get("/api/v1/staff/jurisdictions/").json()["features"])

    assert codes("satgas_dlhk") == ["DLHK-TENGAH"]
    assert codes("supervisor_dlhk") == ["DLHK-BARAT-DAYA", "DLHK-TENGAH", "DLHK-TIMUR", "DLHK-UTARA"]
    assert len(codes("admin_kota")) == 10
    assert clients["anonymous"].get("/api/v1/staff/jurisdictions/").status_code == 403


def test_inbox_page_needs_a_staff_login(clients):
    assert clients["anonymous"].get("/satgas/").status_code == 302
    assert clients["no_role"].get("/satgas/").status_code == 403
    assert clients["satgas_dlhk"].get("/satgas/").status_code == 200
