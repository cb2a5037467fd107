""" "Ikuti laporan ini" on the tracking page, and a contact left with a "Dukung": both are supporters
who hear of status changes; following does not count as support."""

import pytest

from complaints.models import Support
from notifications.models import Supporter
from tests.conftest import open_as_reporter

pytestmark = pytest.mark.django_db


def test_following_a_report_adds_a_supporter_without_a_support(client, file_complaint):
    complaint = file_complaint()
    page = client.get(f"/lacak/{complaint.tracking_code}/").content.decode()
    assert f"/lacak/{complaint.tracking_code}/ikuti/" in page
    assert "/feeds/complaints.atom?kelurahan=14.71.01.1003" in page  # its kelurahan's feed
    response = client.post(f"/lacak/{complaint.tracking_code}/ikuti/", {"email": "ikut@contoh.id"}, follow=True)
    assert response.status_code == 200
    supporter = Supporter.objects.get()
    assert (supporter.complaint_id, supporter.email) == (complaint.id, "ikut@contoh.id")
    assert not Support.objects.exists()
    complaint.refresh_from_db()
    assert complaint.support_count == 0
    assert "ikut@contoh.id" not in client.get(f"/lacak/{complaint.tracking_code}/").content.decode()


@pytest.mark.parametrize("data", [{}, {"email": "bukan-alamat"}, {"phone": "12"}])
def test_a_bad_contact_stores_nothing(client, file_complaint, data):
    complaint = file_complaint()
    response = client.post(f"/lacak/{complaint.tracking_code}/ikuti/", data, follow=True)
    assert response.status_code == 200 and 'class="message error"' in response.content.decode()
    assert not Supporter.objects.exists()


def test_a_private_complaint_cannot_be_followed(client, file_complaint):
    private = file_complaint(category="kdrt")
    assert client.post(f"/lacak/{private.tracking_code}/ikuti/", {"email": "ikut@contoh.id"}).status_code == 404
    open_as_reporter(client, private)
    assert "/ikuti/" not in client.get(f"/lacak/{private.tracking_code}/").content.decode()
    assert not Supporter.objects.exists()


def test_following_is_rate_limited(client, file_complaint, settings):
    from django.core.cache import caches

    caches["limits"].clear()
    settings.PEKA_RATE_LIMIT_SUBSCRIBE = "1/h"
    complaint = file_complaint()
    client.post(f"/lacak/{complaint.tracking_code}/ikuti/", {"email": "satu@contoh.id"})
    client.post(f"/lacak/{complaint.tracking_code}/ikuti/", {"email": "dua@contoh.id"})
    assert list(Supporter.objects.values_list("email", flat=True)) == ["satu@contoh.id"]


def test_dukung_with_a_contact_opts_in(client, file_complaint):
    complaint = file_complaint()
    response = client.post(
        f"/api/v1/complaints/{complaint.tracking_code}/support/",
        {"email": "dukung@contoh.id"},
        content_type="application/json",
    )
    assert response.status_code == 200 and "dukung@contoh.id" not in response.content.decode()
    assert Supporter.objects.get().email == "dukung@contoh.id" and Support.objects.count() == 1
