"""Photos: real images only, re-encoded without EXIF, resized, served with the right type and privacy."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Complaint, Photo
from tests.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(data: bytes, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def file_with_photo(client, photo, *, category="lampu-jalan", lon=101.44, lat=0.51):
    return client.post(
        "/api/v1/complaints/",
        {
            "category": category,
            "description": "Lampu mati, foto terlampir.",
            "location": json.dumps({"type": "Point", "coordinates": [lon, lat]}),
            "reporter": json.dumps({"name": "Budi"}),
            "photo": photo,
        },
    )


def test_photo_is_stored_re_encoded_without_exif_and_resized(client):
    response = file_with_photo(client, upload(jpeg_with_gps()))
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_code=response.json()["id"])
    assert complaint.kecamatan.code == "14.71.01"
    assert complaint.reporter_name == "Budi"
    [photo] = complaint.photos.all()
    with photo.image.open("rb") as f:
        data = f.read()
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG"
    assert max(stored.size) == 2048
    assert dict(stored.getexif()) == {}
    assert b"Exif" not in data and b"KameraUji" not in data
    assert max(Image.open(photo.thumbnail.path).size) == 320
    assert photo.image.name != "photos/foto.jpg" and len(photo.image.name) > 30  # a random name

    served = client.get(response.json()["properties"]["photos"][0]["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_photo_location_offers_the_gps_position_and_stores_nothing(client):
    response = client.post("/api/v1/photo-location/", {"photo": upload(jpeg_with_gps(lon=101.4478, lat=0.5071))})
    assert response.status_code == 200
    lon, lat = response.json()["location"]["coordinates"]
    assert (lon, lat) == pytest.approx((101.4478, 0.5071), abs=1e-5)
    plain = io.BytesIO()
    Image.new("RGB", (10, 10)).save(plain, format="PNG")
    answer = client.post("/api/v1/photo-location/", {"photo": upload(plain.getvalue(), "a.png", "image/png")})
    assert answer.json() == {"location": None}
    assert Photo.objects.count() == 0


def png(size, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("text renamed .jpg", b"this is not an image at all" * 10, "bukan foto"),
        ("truncated JPEG", jpeg_with_gps((200, 200))[:300], "bukan foto"),
        ("GIF", gif(), "bukan foto"),
        ("20,000 × 20,000 pixel PNG", png((20_000, 20_000)), "40 megapiksel"),
        ("over 10 MB", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), "10 MB"),
        (
            "polyglot: JPEG header, then HTML",
            jpeg_with_gps((50, 50))[:200] + b"<html><script>alert(1)</script></html>",
            "bukan foto",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "",
)
def test_bad_photos_are_refused_and_nothing_is_stored(client, name, data, message, tmp_path):
    before = Complaint.objects.count()
    response = file_with_photo(client, upload(data))
    assert response.status_code == 400
    assert message in response.json()["photo"][0]
    assert Complaint.objects.count() == before
    assert Photo.objects.count() == 0
    assert [f for f in tmp_path.rglob("*") if f.is_file()] == []  # no file written either


def test_a_20000_pixel_square_png_is_refused_before_its_pixels_are_decoded(client):
    data = png((20_000, 20_000))
    assert len(data) < 100_000  # one colour: a few KB on disk, 400 megapixels once decoded
    response = file_with_photo(client, upload(data, "bom.png", "image/png"))
    assert response.status_code == 400
    assert Photo.objects.count() == 0


def jpeg(**save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 200)).save(out, format="JPEG", **save)
    return out.getvalue()


def png_with_text(text: str) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 200)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


PAYLOAD = b"<script>alert(document.cookie)</script>"


@pytest.mark.parametrize(
    "data",
    [
        jpeg() + b"PK\x03\x04" + PAYLOAD,  # a valid JPEG with a ZIP and HTML appended
        jpeg() + b"<html><body>" + PAYLOAD + b"</body></html>",
        jpeg(comment=PAYLOAD),  # the script inside the JPEG's own comment segment
        png_with_text(PAYLOAD.decode()),  # ... or inside a PNG text chunk
    ],
    ids=["jpeg+zip", "jpeg+html", "jpeg-comment", "png-text"],
)
def test_polyglot_photos_are_stored_only_as_a_clean_re_encoded_jpeg(client, data):
    assert PAYLOAD in data
    response = file_with_photo(client, upload(data))
    assert response.status_code == 201, response.content
    [photo] = Photo.objects.all()
    for stored in (photo.image, photo.thumbnail):
        with stored.open("rb") as f:
            content = f.read()
        assert b"<script" not in content and b"PK\x03\x04" not in content and b"<html" not in content
        assert content.endswith(b"\xff\xd9")  # ends where the JPEG ends: nothing appended
        assert Image.open(io.BytesIO(content)).info.get("comment") is None
    served = client.get(response.json()["properties"]["photos"][0]["url"])
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert PAYLOAD not in b"".join(served.streaming_content)


def test_photo_of_a_sensitive_complaint_is_only_served_to_its_agency(client, staff_user):
    from django.test import Client

    from complaints.models import Role

    response = file_with_photo(client, upload(jpeg_with_gps((400, 300))), category="kdrt")
    complaint = Complaint.objects.get(tracking_code=response.json()["id"])
    url = "/foto/" + complaint.photos.get().image.name.split("/")[-1]
    assert Client().get(url).status_code == 404
    dp3a = Client()
    dp3a.force_login(staff_user("dp3a", Role.SUPERVISOR, agency="DP3A"))
    assert dp3a.get(url).status_code == 200
    dlhk = Client()
    dlhk.force_login(staff_user("dlhk", Role.SUPERVISOR, agency="DLHK"))
    assert dlhk.get(url).status_code == 404


def test_location_sent_as_bad_json_in_a_form_is_a_field_error(client):
    response = client.post("/api/v1/complaints/", {"category": "sampah", "description": "x", "location": "{oops"})
    assert response.status_code == 400
    assert "location" in response.json()


def test_staff_resolve_with_an_after_photo_shown_on_the_tracking_page(client, file_complaint, staff_user):
    from django.test import Client

    from complaints.models import Role, Status

    complaint = file_complaint(category="sampah")
    staff = Client()
    staff.force_login(staff_user("petugas", Role.CITY_ADMIN))
    url = f"/api/v1/staff/complaints/{complaint.tracking_code}/transition/"
    for status in (Status.DIVERIFIKASI, Status.DIKERJAKAN):
        assert staff.post(url, {"to": status}, content_type="application/json").status_code == 200
    response = staff.post(
        url, {"to": Status.SELESAI, "note": "Sudah bersih.", "photo": upload(jpeg_with_gps((800, 600)))}
    )
    assert response.status_code == 200, response.content
    assert [p["kind"] for p in response.json()["properties"]["photos"]] == ["after"]
    page = client.get(f"/lacak/{complaint.tracking_code}/").content.decode()
    assert "Setelah penanganan" in page
    assert response.json()["properties"]["photos"][0]["thumbnail_url"] in page


def test_a_request_over_the_size_limit_is_413_before_it_is_read(client):
    from complaints.models import Complaint

    before = Complaint.objects.count()
    big = upload(b"\xff\xd8\xff" + b"0" * (13 * 1024 * 1024))
    response = file_with_photo(client, big)
    assert response.status_code == 413
    assert "paling banyak 12 MB" in response.json()["detail"]
    assert Complaint.objects.count() == before
