"""/lacak/<code>/ without a browser: what it shows and what it never shows."""

import pytest

from tests.conftest import open_as_reporter

pytestmark = pytest.mark.django_db


def test_tracking_page_shows_the_public_timeline(client, file_complaint):
    complaint = file_complaint(category="sampah", description="Sampah di depan sekolah.")
    page = client.get(f"/lacak/{complaint.tracking_code.lower()}/").content.decode()
    assert complaint.tracking_code in page
    assert "Sampah di depan sekolah." in page
    assert "track-map" in page


def test_sensitive_complaint_is_not_found_without_the_key_and_never_shows_its_place(client, file_complaint):
    complaint = file_complaint(
        101.4412, 0.5123, category="kdrt", description="Rahasia: rumah nomor 7.", reporter={"name": "Ani"}
    )
    secrets = ("Rahasia", "101.4412", "0.5123", "Ani", complaint.kelurahan.name, "track-map")
    stranger = client.get(f"/lacak/{complaint.tracking_code}/")
    unknown = client.get("/lacak/PKU-ZZZZ-ZZZZ/")
    assert stranger.status_code == unknown.status_code == 404
    assert stranger.templates[0].name == unknown.templates[0].name == "track_missing.html"
    for secret in (*secrets, complaint.category.name_id, "status-baru"):
        assert secret not in stranger.content.decode()
    open_as_reporter(client, complaint)
    page = client.get(f"/lacak/{complaint.tracking_code}/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Baru" in page.content.decode() or "baru" in page.content.decode()
    for secret in secrets:
        assert secret not in page.content.decode()


def test_unknown_code_is_404_and_the_lookup_box_redirects(client, file_complaint):
    assert client.get("/lacak/PKU-ZZZZ-ZZZZ/").status_code == 404
    complaint = file_complaint()
    response = client.get("/lacak/", {"kode": complaint.tracking_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/lacak/{complaint.tracking_code}/"


def test_rating_form_refuses_a_bad_value_with_a_message(client, file_complaint):
    from complaints.models import Complaint, Status

    complaint = file_complaint()
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.SELESAI)
    open_as_reporter(client, complaint)
    response = client.post(f"/lacak/{complaint.tracking_code}/", {"action": "rate", "rating": "9"}, follow=True)
    assert "Pilih nilai 1 sampai 5." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.rating is None
