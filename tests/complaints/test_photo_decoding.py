"""Photos are decoded within bounds: a canvas above MAX_PIXELS (40 MP) is refused from its header, and
one below it is reduced while decoding to about the stored size (complaints.photos._decode), for
JPEG, RGBA PNG and WebP alike; photo-location decodes no pixels and has its own rate limit."""

import io

import pytest
from django.test import Client
from django.utils import translation
from PIL import Image, ImageDraw

from complaints.photos import MAX_PIXELS, MAX_SIDE, PhotoRefused, photo_clean
from tests.conftest import jpeg_with_gps

pytestmark = pytest.mark.django_db

# The largest canvas taken (39.2 MP, 5:4) and a 7000 × 7000 one (49 MP), which is not.
TAKEN = (7000, 5600)
REFUSED = (7000, 7000)


def photo(size, fmt: str, *, orientation: int | None = None) -> bytes:
    """A drawing (so that it compresses as photos do not, but quickly), as a phone or an editor saves it."""
    mode = "RGBA" if fmt == "PNG" else "RGB"
    image = Image.new(mode, size, (40, 120, 200, 255) if mode == "RGBA" else (40, 120, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 2, size[1] // 2), fill=(200, 60, 40) + ((128,) if mode == "RGBA" else ()))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(out, format=fmt, exif=exif, **({"quality": 80} if fmt != "PNG" else {}))
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_7000_square_photo_is_refused_above_the_pixel_cap_with_a_message(fmt):
    assert REFUSED[0] * REFUSED[1] > MAX_PIXELS
    data = photo(REFUSED, fmt)
    with translation.override("id"), pytest.raises(PhotoRefused, match="paling banyak 40 megapiksel"):
        photo_clean(io.BytesIO(data))
    upload = io.BytesIO(data)
    upload.name = f"foto.{fmt.lower()}"
    answer = Client().post("/api/v1/photo-location/", {"photo": upload}, headers={"Accept-Language": "en"})
    assert answer.status_code == 400
    assert "at most 40 megapixels" in str(answer.json())


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_largest_photo_taken_is_stored_at_2048_on_its_longest_side(fmt):
    assert TAKEN[0] * TAKEN[1] <= MAX_PIXELS
    clean = photo_clean(io.BytesIO(photo(TAKEN, fmt)))
    assert (clean.width, clean.height) == (MAX_SIDE, round(MAX_SIDE * 5600 / 7000))
    stored = Image.open(io.BytesIO(clean.image.read()))
    assert stored.format == "JPEG" and stored.size == (2048, 1638)
    # The half-transparent red quarter of the PNG is flattened on white; the reduction kept the corners.
    assert stored.getpixel((10, 10))[0] > 150 and stored.getpixel((2000, 1600))[2] > 150


def test_a_turned_jpeg_is_reduced_then_stood_upright():
    clean = photo_clean(io.BytesIO(photo((6000, 4000), "JPEG", orientation=6)))  # "rotate 90° clockwise"
    assert (clean.width, clean.height) == (1365, 2048)


def test_a_photo_smaller_than_the_stored_size_is_not_reduced():
    clean = photo_clean(io.BytesIO(jpeg_with_gps((1200, 900))))
    assert (clean.width, clean.height) == (1200, 900)
    assert clean.gps is not None


def test_photo_location_is_limited_per_address(client, settings):
    settings.PEKA_RATE_LIMIT_PHOTO_LOCATION = "2/m"
    data = jpeg_with_gps((300, 200))

    def send(address):
        upload = io.BytesIO(data)
        upload.name = "foto.jpg"
        return Client().post("/api/v1/photo-location/", {"photo": upload}, REMOTE_ADDR=address)

    answers = [send("203.0.113.90") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].has_header("Retry-After")
    assert send("203.0.113.91").status_code == 200  # another address still reads its photo
