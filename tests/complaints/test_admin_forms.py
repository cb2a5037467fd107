"""The admin refuses configuration that routing would trip over, and speaks Indonesian."""

import pytest
from django.test import Client

from boundaries.models import Agency, Jurisdiction, TaskForce
from complaints.models import Category, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(staff_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(staff_user("admin.cek", Role.CITY_ADMIN, is_staff=True))
    return client


def jurisdiction_post(admin, jurisdiction, **changes):
    data = {
        "code": jurisdiction.code,
        "agency": jurisdiction.agency_id,
        "task_force": jurisdiction.task_force_id,
        "categories": ",".join(jurisdiction.categories),
        "area": jurisdiction.area.transform(3857, clone=True).json,
        "priority": jurisdiction.priority,
        **changes,
    }
    return admin.post(f"/admin/boundaries/jurisdiction/{jurisdiction.pk}/change/", data)


def test_a_jurisdiction_with_another_agencys_task_force_is_refused(admin):
    jurisdiction = Jurisdiction.objects.get(code="DLHK-TENGAH")
    other = TaskForce.objects.exclude(agency=jurisdiction.agency).first()
    response = jurisdiction_post(admin, jurisdiction, task_force=other.pk)
    assert response.status_code == 200
    assert f"Satgas {other.code} milik {other.agency.code}, bukan {jurisdiction.agency.code}." in response.content.decode()
    jurisdiction.refresh_from_db()
    assert jurisdiction.task_force.code == "DLHK-TENGAH"


def test_a_jurisdiction_naming_an_unknown_category_is_refused(admin):
    jurisdiction = Jurisdiction.objects.get(code="DLHK-TENGAH")
    before = list(jurisdiction.categories)
    response = jurisdiction_post(admin, jurisdiction, categories="sampah,sampha")
    assert response.status_code == 200
    assert "Tidak ada kategori dengan kode sampha." in response.content.decode()
    jurisdiction.refresh_from_db()
    assert jurisdiction.categories == before


def category_post(admin, category, **changes):
    data = {
        "code": category.code, "name_id": category.name_id, "name_en": category.name_en,
        "agency": category.agency_id or "", "sla_working_days": category.sla_working_days,
        "icon": category.icon, "color": category.color, "sort_order": category.sort_order,
        # The questions inline: the category's own, unchanged.
        "questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0", **changes,
    }
    return admin.post(f"/admin/complaints/category/{category.pk}/change/", data)


def test_a_category_icon_is_chosen_from_the_icons_there_are(admin):
    category = Category.objects.get(code="sampah")
    html = admin.get(f"/admin/complaints/category/{category.pk}/change/").content.decode()
    assert '<select name="icon"' in html and '<option value="trash" selected>' in html
    assert category_post(admin, category, icon="").status_code == 200
    assert category_post(admin, category, icon="tidak-ada").status_code == 200
    category.refresh_from_db()
    assert category.icon == "trash"
    assert category_post(admin, category, icon="tree").status_code == 302
    category.refresh_from_db()
    assert category.icon == "tree"


@pytest.mark.parametrize(
    ("path", "labels"),
    [
        ("complaints/category/{category}", ["Dinas", "Urutan"]),
        ("boundaries/taskforce/{task_force}", ["Dinas"]),
        ("boundaries/jurisdiction/{jurisdiction}", ["Dinas", "Satgas"]),
    ],
)
def test_the_change_forms_are_in_indonesian(admin, path, labels):
    ids = {
        "category": Category.objects.get(code="sampah").pk,
        "task_force": TaskForce.objects.get(code="DLHK-TENGAH").pk,
        "jurisdiction": Jurisdiction.objects.get(code="DLHK-TENGAH").pk,
    }
    html = admin.get("/admin/" + path.format(**ids) + "/change/").content.decode()
    for label in labels:
        assert f">{label}:</label>" in html
    for english in ("Agency:", "Task force:", "Sort order:"):
        assert english not in html
    assert Agency.objects.exists()
