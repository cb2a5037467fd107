"""The reporter's contact on a need-to-know basis (complaints.reporter_contact): never in a staff list
or detail, read through "tampilkan kontak" (POST …/contact/), each reading logged for the agency's
supervisors and the city admins; an anonymous reporter's contact is shown to nobody on the staff."""

import pytest
from django.test import Client

from complaints.models import Complaint, ContactView, Role

pytestmark = pytest.mark.django_db

SUKAJADI = (101.44, 0.51)  # DLHK-TENGAH for "sampah"
AIRPORT = (101.4445, 0.4608)  # DLHK-BARAT-DAYA
CONTACT = {"name": "Budi", "phone": "0812 1111 2222", "email": "budi@contoh.id"}
E164 = "+6281211112222"
CONTACT_FIELDS = ("reporter_name", "reporter_phone", "reporter_email")


@pytest.fixture
def people(staff_user):
    return {
        "satgas_dlhk": staff_user("satgas.dlhk", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"]),
        "satgas_barat": staff_user("satgas.barat", Role.SATGAS, agency="DLHK", task_forces=["DLHK-BARAT-DAYA"]),
        "supervisor_dlhk": staff_user("supervisor.dlhk", Role.SUPERVISOR, agency="DLHK"),
        "supervisor_dpupr": staff_user("supervisor.dpupr", Role.SUPERVISOR, agency="DPUPR"),
        "admin_kota": staff_user("admin.kota", Role.CITY_ADMIN, is_staff=True),
        "no_role": staff_user("warga.biasa"),
    }


@pytest.fixture
def clients(people):
    out = {"anonymous": Client()}
    for name, user in people.items():
        out[name] = Client()
        out[name].force_login(user)
    return out


@pytest.fixture
def filed(file_complaint):
    return file_complaint(*SUKAJADI, category="sampah", reporter=CONTACT)


def detail(client, complaint):
    return client.get(f"/api/v1/staff/complaints/{complaint.tracking_code}/")


def reveal(client, complaint):
    return client.post(f"/api/v1/staff/complaints/{complaint.tracking_code}/contact/")


def test_the_list_carries_no_contact(clients, filed):
    features = clients["supervisor_dlhk"].get("/api/v1/staff/complaints/", {"page_size": 1000}).json()["features"]
    [mine] = [f for f in features if f["id"] == filed.tracking_code]
    assert not set(CONTACT_FIELDS) & set(mine["properties"])
    assert mine["properties"]["reporter_contact"] is True
    body = str(features)
    assert "Budi" not in body and E164 not in body and "budi@contoh.id" not in body


def test_the_detail_says_a_contact_exists_without_showing_it(clients, filed, file_complaint):
    props = detail(clients["satgas_dlhk"], filed).json()["properties"]
    assert not set(CONTACT_FIELDS) & set(props)
    assert (props["reporter_contact"], props["reporter_anonymous"]) == (True, False)
    assert props["contact_views"] is None  # an officer does not see who read it
    assert "budi@contoh.id" not in detail(clients["satgas_dlhk"], filed).content.decode()
    without = file_complaint(*SUKAJADI, category="sampah")
    assert detail(clients["satgas_dlhk"], without).json()["properties"]["reporter_contact"] is False
    assert ContactView.objects.count() == 0  # reading the detail is not reading the contact


def test_the_action_answers_the_contact_and_logs_who_and_when(clients, people, filed):
    response = reveal(clients["satgas_dlhk"], filed)
    assert response.status_code == 200, response.content
    assert response.json() == {"name": "Budi", "phone": E164, "email": "budi@contoh.id"}
    assert "no-store" in response["Cache-Control"]
    [view] = ContactView.objects.all()
    assert (view.complaint_id, view.actor_id) == (filed.pk, people["satgas_dlhk"].pk)
    assert view.at is not None
    assert filed.events.count() == 1  # a reading is logged apart, not as a change to the complaint


def test_a_supervisor_and_a_city_admin_see_who_read_it(clients, filed):
    reveal(clients["satgas_dlhk"], filed)
    reveal(clients["supervisor_dlhk"], filed)
    views = detail(clients["supervisor_dlhk"], filed).json()["properties"]["contact_views"]
    assert [v["actor"] for v in views] == ["supervisor.dlhk", "satgas.dlhk"]  # newest first
    assert all(v["at"] for v in views)
    assert [v["actor"] for v in detail(clients["admin_kota"], filed).json()["properties"]["contact_views"]] == [
        "supervisor.dlhk",
        "satgas.dlhk",
    ]
    # The log in the admin: a read-only list.
    admin = clients["admin_kota"]
    page = admin.get("/admin/complaints/contactview/")
    assert page.status_code == 200 and filed.tracking_code in page.content.decode()
    assert admin.get("/admin/complaints/contactview/add/").status_code == 403
    view = ContactView.objects.first()
    change = admin.get(f"/admin/complaints/contactview/{view.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin.post(f"/admin/complaints/contactview/{view.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ContactView.objects.count() == 2


@pytest.mark.parametrize(
    "who, status",
    [
        ("satgas_barat", 404),  # outside their task force: its existence does not leak
        ("supervisor_dpupr", 404),  # another agency
        ("no_role", 403),
        ("anonymous", 403),
    ],
)
def test_outside_the_scope_nothing_is_read_or_logged(clients, filed, who, status):
    assert reveal(clients[who], filed).status_code == status
    assert ContactView.objects.count() == 0


@pytest.mark.parametrize("who", ["satgas_dlhk", "supervisor_dlhk", "admin_kota"])
def test_an_anonymous_reporters_contact_is_refused_to_everyone(clients, file_complaint, who):
    complaint = file_complaint(*SUKAJADI, category="sampah", reporter=CONTACT, anonymous=True)
    assert Complaint.objects.get(pk=complaint.pk).reporter_anonymous is True
    response = reveal(clients[who], complaint)
    assert response.status_code == 403
    assert "dirahasiakan" in response.json()["detail"]
    props = detail(clients[who], complaint).json()["properties"]
    assert (props["reporter_contact"], props["reporter_anonymous"]) == (False, True)
    assert "Budi" not in detail(clients[who], complaint).content.decode()
    assert ContactView.objects.count() == 0


def test_an_anonymous_reporters_contact_is_not_in_the_admin(clients, file_complaint, filed):
    admin = clients["admin_kota"]
    secret = file_complaint(*SUKAJADI, category="sampah", reporter=CONTACT, anonymous=True)
    page = admin.get(f"/admin/complaints/complaint/{secret.pk}/change/").content.decode()
    assert "Budi" not in page and E164 not in page and "budi@contoh.id" not in page
    assert 'name="reporter_phone"' not in page
    # Saving the page keeps the contact (it is left out of the form, not emptied).
    shown = admin.get(f"/admin/complaints/complaint/{filed.pk}/change/").content.decode()
    assert 'name="reporter_phone"' in shown and "budi@contoh.id" in shown


def test_the_asset_history_carries_no_contact(clients, file_complaint, pole):
    post = pole()
    file_complaint(*SUKAJADI, category="lampu-jalan", asset=post.pk, reporter=CONTACT)
    body = clients["admin_kota"].get(f"/api/v1/staff/assets/{post.pk}/")
    assert body.status_code == 200, body.content
    [complaint] = body.json()["complaints"]
    assert not set(CONTACT_FIELDS) & set(complaint["properties"])
    assert "budi@contoh.id" not in body.content.decode()
