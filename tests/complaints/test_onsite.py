"""A closing verified on the spot: the after photo's EXIF GPS (read before it is stripped) or the
device's one position, within 50 m (+ accuracy, at most 100 m) of the complaint; otherwise allowed
and unverified. The report card shows the share per agency and task force, beside the reporters'
"sudah beres?" answers."""

import io
from urllib.parse import urlsplit

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone
from PIL import Image

from complaints.models import ComplaintEvent, Role, SiteEvidence, Status
from complaints.workflow import complaint_transition
from geo.spatial import WGS84, offset_point
from hotspots.report_card import period_of, report_card
from notifications import question
from notifications.messages import answer_url
from notifications.models import QuestionAnswer
from tests.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db

SUKAJADI = (101.44, 0.51)


@pytest.fixture
def officer(staff_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = staff_user("petugas", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def working(complaint, user):
    for step in (Status.DIVERIFIKASI, Status.DIKERJAKAN):
        complaint = complaint_transition(complaint=complaint, actor=user, to_status=step)
    return complaint


def resolve(client, complaint, **data):
    complaint = working(complaint, client.user)
    answer = client.post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/transition/",
        {"to": "selesai", "version": complaint.version, **data},
    )
    assert answer.status_code == 200, answer.content
    return ComplaintEvent.objects.filter(complaint=complaint, to_status=Status.SELESAI).get()


def east(metres: float) -> tuple[float, float]:
    """(lon, lat) ``metres`` east of the complaints' point."""
    point = offset_point(Point(*SUKAJADI, srid=WGS84), east_m=metres)
    return point.x, point.y


def photo_at(lon, lat):
    upload = io.BytesIO(jpeg_with_gps((640, 480), lon=lon, lat=lat))
    upload.name = "sesudah.jpg"
    return upload


def test_an_after_photo_taken_at_the_complaint_verifies_it(officer, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    event = resolve(officer, complaint, photo=photo_at(*east(20)))
    assert event.verified_on_site is True
    assert event.site_evidence == SiteEvidence.PHOTO
    assert event.site_distance_m == pytest.approx(20, abs=1)
    # The GPS was read, then stripped: the stored after photo carries none.
    [after] = complaint.photos.filter(kind="after")
    assert not Image.open(after.image.path).getexif().get_ifd(0x8825)


def test_an_after_photo_taken_elsewhere_is_allowed_but_unverified(officer, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    event = resolve(officer, complaint, photo=photo_at(*east(200)))
    assert event.verified_on_site is False and event.site_evidence == SiteEvidence.PHOTO
    assert event.site_distance_m == pytest.approx(200, abs=1)
    complaint.refresh_from_db()
    assert complaint.status == Status.SELESAI


@pytest.mark.parametrize(
    ("metres", "accuracy", "verified"),
    [
        (45, 0, True),  # inside 50 m
        (70, 0, False),  # outside 50 m, no accuracy given
        (70, 30, True),  # inside 50 + 30 m
        (90, 60, True),  # 50 + 60 capped at 100 m: still inside
        (120, 500, False),  # a poor fix never widens past 100 m
    ],
)
def test_the_devices_position_with_its_accuracy(officer, file_complaint, metres, accuracy, verified):
    complaint = file_complaint(*SUKAJADI)
    lon, lat = east(metres)
    event = resolve(officer, complaint, lat=lat, lon=lon, accuracy=accuracy)
    assert event.verified_on_site is verified
    assert event.site_evidence == SiteEvidence.DEVICE
    assert event.site_distance_m == pytest.approx(metres, abs=1)


def test_a_photo_elsewhere_and_the_device_here_verifies(officer, file_complaint):
    complaint = file_complaint(*SUKAJADI)
    lon, lat = east(10)
    event = resolve(officer, complaint, photo=photo_at(*east(500)), lat=lat, lon=lon, accuracy=5)
    assert (event.verified_on_site, event.site_evidence) == (True, SiteEvidence.DEVICE)


def test_nothing_to_place_the_officer_is_unverified(officer, file_complaint):
    event = resolve(officer, file_complaint(*SUKAJADI))
    assert (event.verified_on_site, event.site_distance_m, event.site_evidence) == (False, None, "")
    # Events other than a closing say nothing about it.
    assert not ComplaintEvent.objects.exclude(to_status=Status.SELESAI).exclude(verified_on_site=None).exists()


def test_half_a_position_is_refused(officer, file_complaint):
    complaint = working(file_complaint(*SUKAJADI), officer.user)
    answer = officer.post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/transition/",
        {"to": "selesai", "lat": 0.51},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "lon" in answer.json()
    complaint.refresh_from_db()
    assert complaint.status == Status.DIKERJAKAN


def test_the_report_card_shows_the_share_on_site_and_the_answers(officer, file_complaint, client):
    near, far = east(10), east(400)
    complaints = [file_complaint(*SUKAJADI, reporter={"email": f"w{n}@contoh.id", "notify": True}) for n in range(5)]
    for complaint, (lon, lat) in zip(complaints, [near, near, near, far, far], strict=True):
        resolve(officer, complaint, lat=lat, lon=lon, accuracy=0)
    # The reporters answer "sudah beres?" through the links their message carries.
    for complaint, answer, form in (
        (complaints[0], "yes", {"rating": "5"}),
        (complaints[4], "no", {"reason": "Masih"}),
    ):
        complaint.refresh_from_db()
        response = client.post(urlsplit(answer_url(complaint, answer)).path, form)
        assert response.status_code == 302
    complaints[1].refresh_from_db()
    question.record(complaints[1], fixed=True)
    assert QuestionAnswer.objects.count() == 3

    card = report_card(period_of(None, None, now=timezone.now()))
    for group, code in (("agency", "DLHK"), ("task_force", "DLHK-TENGAH")):
        [row] = [r for r in card[group] if r["code"] == code]
        # Three of the four still resolved were closed on the spot (the fifth was reopened).
        assert row["resolved"] == 4 and row["verified_on_site"] == 0.75
        assert row["answered"] == 3 and row["answered_fixed"] == pytest.approx(2 / 3, abs=1e-3)
    # And on the public page.
    page = client.get("/rapor/").content.decode()
    assert "75%" in page and "67% (3)" in page
