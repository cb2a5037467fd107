"""Photos citizens and staff attach: checked to be real images, re-encoded without metadata.

What is stored is never the uploaded file: Pillow decodes it, turns it upright, drops every byte of
EXIF (GPS included) and other metadata, fits it within 2048 px and writes a fresh JPEG and a
thumbnail under random names. The GPS position, if the photo had one, is read before it is dropped,
so the page can offer it as the complaint's location.
"""

import io
import secrets
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from complaints.models import Complaint, Photo, PhotoKind
from geo.spatial import WGS84, is_lon_lat

MAX_MB = 10
MAX_BYTES = MAX_MB * 1024 * 1024
MAX_SIDE = 2048
THUMB_SIDE = 320
# Decoding more pixels than this is refused: a small file can claim a huge canvas (a decompression bomb).
MAX_PIXELS = 50_000_000
FORMATS = {"JPEG", "PNG", "WEBP"}
GPS_IFD = 0x8825


class PhotoRefused(Exception):
    """The upload is not a photo we can take; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class CleanPhoto:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    gps: Point | None


def too_large() -> str:
    return _("The photo is larger than %(mb)s MB.") % {"mb": MAX_MB}


def photo_clean(upload) -> CleanPhoto:
    """Check and re-encode an uploaded file (a Django UploadedFile or any binary file object)."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoRefused(too_large())
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoRefused(too_large())
    image = _open(data)
    gps = _gps(image)
    image = ImageOps.exif_transpose(image)
    image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    name = secrets.token_hex(16)
    return CleanPhoto(
        image=ContentFile(_jpeg(image, 85), name=f"{name}.jpg"),
        thumbnail=ContentFile(_jpeg(_thumbnail(image), 80), name=f"{name}-thumb.jpg"),
        width=image.width,
        height=image.height,
        gps=gps,
    )


def photo_attach(complaint: Complaint, photo: CleanPhoto, kind: PhotoKind) -> Photo:
    """Store a cleaned photo with the complaint (inside the caller's transaction)."""
    return Photo.objects.create(complaint=complaint, kind=kind, image=photo.image, thumbnail=photo.thumbnail)


def photo_location(upload) -> Point | None:
    """The GPS position a photo carries, if any; nothing is stored."""
    return _gps(_open(upload.read(MAX_BYTES + 1)))


def _open(data: bytes) -> Image.Image:
    not_image = _("The file is not a photo: send a JPEG, PNG or WebP image.")
    too_big = _("The photo has too many pixels (at most %(megapixels)s megapixels).") % {
        "megapixels": MAX_PIXELS // 1_000_000
    }
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            if probe.format not in FORMATS:
                raise PhotoRefused(not_image)
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRefused(too_big)
            probe.verify()  # structure and checksums, without decoding the pixels
        image = Image.open(io.BytesIO(data))
        image.load()
    except PhotoRefused:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own guard, for canvases far past ours
        raise PhotoRefused(too_big) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoRefused(not_image) from exc
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency, and palette or 16-bit images need converting anyway."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _thumbnail(image: Image.Image) -> Image.Image:
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return thumb


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # A new file from the pixels alone: no exif=, no icc_profile=, and an empty info, because Pillow
    # writes an uploaded JPEG's comment (a COM segment, which can hold "<script>…") back by default.
    image.info = {}
    image.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def _gps(image: Image.Image) -> Point | None:
    """Longitude and latitude from the EXIF GPS block (degrees, minutes, seconds and hemispheres)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    return Point(lon, lat, srid=WGS84) if is_lon_lat(lon, lat) else None


def _degrees(dms, ref, negative: str) -> float:
    degrees, minutes, seconds = (float(x) for x in dms)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if str(ref).upper().startswith(negative) else value
