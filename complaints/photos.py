"""Photos citizens and staff attach: checked to be real images, re-encoded without metadata.

What is stored is never the uploaded file: Pillow decodes it, turns it upright, drops every byte of
EXIF (GPS included) and other metadata, fits it within 2048 px and writes a fresh JPEG and a
thumbnail under random names. The GPS position, if the photo had one, is read before it is dropped,
so the page can offer it as the complaint's location.

Memory is bounded before any pixel is decoded: the header's canvas is refused above MAX_PIXELS, and
the image is reduced to about the stored size while decoding (a JPEG by its decoder's 1/2, 1/4 or 1/8
scale, others by Image.reduce straight after), so turning, flattening and resizing work on the small
image. Reading only the GPS position decodes no pixels at all. Figures: docs/benchmarks.md.
"""

import io
import secrets
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, UnidentifiedImageError

from complaints.models import Complaint, Photo, PhotoKind
from geo.spatial import WGS84, is_lon_lat

MAX_MB = 10
MAX_BYTES = MAX_MB * 1024 * 1024
MAX_SIDE = 2048
THUMB_SIDE = 320
# Decoding more pixels than this is refused: a small file can claim a huge canvas (a decompression bomb).
# A phone's photo is at most 48 MP from the sensor and usually stored at 12 MP.
MAX_PIXELS = 40_000_000
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
    image = _decode(image, MAX_SIDE)
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
    """The GPS position a photo carries, if any; nothing is stored and no pixel is decoded."""
    return _gps(_open(upload.read(MAX_BYTES + 1)))


def _not_image() -> str:
    return _("The file is not a photo: send a JPEG, PNG or WebP image.")


def _too_many_pixels() -> str:
    return _("The photo has too many pixels (at most %(megapixels)s megapixels).") % {
        "megapixels": MAX_PIXELS // 1_000_000
    }


def _open(data: bytes) -> Image.Image:
    """The image, checked from its header and structure, with its pixels not yet decoded."""
    try:
        with Image.open(io.BytesIO(data)) as probe:  # reads the header only
            if probe.format not in FORMATS:
                raise PhotoRefused(_not_image())
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoRefused(_too_many_pixels())
            probe.verify()  # structure and checksums, without decoding the pixels
        return Image.open(io.BytesIO(data))
    except PhotoRefused:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own guard, for canvases far past ours
        raise PhotoRefused(_too_many_pixels()) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoRefused(_not_image()) from exc


# The modes Image.reduce averages; others (palette, 1-bit, 16-bit) are converted first.
REDUCIBLE = {"L", "LA", "RGB", "RGBA", "CMYK", "I", "F"}


def _decode(image: Image.Image, side: int) -> Image.Image:
    """The pixels, upright, reduced while decoding to at least ``side`` on the longest side (never
    below it, so the final resize keeps its quality) and no more than twice as large."""
    factor = max(image.size) // side
    orientation = image.getexif().get(ExifTags.Base.Orientation)
    try:
        if factor > 1 and image.format == "JPEG":
            # The decoder scales by 1/2, 1/4 or 1/8, never below the size asked for.
            image.draft(None, (-(-image.width // factor), -(-image.height // factor)))
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoRefused(_not_image()) from exc
    factor = max(image.size) // side
    if factor > 1:
        if image.mode not in REDUCIBLE:
            image = _flatten(image)
        image = _reduce(image, factor)
    method = TRANSPOSE.get(orientation)
    return image.transpose(method) if method else image


def _reduce(image: Image.Image, factor: int) -> Image.Image:
    """Image.reduce, strip by strip when there is transparency: Pillow premultiplies the alpha on a copy
    of the whole image first, which would double the memory of a large RGBA PNG."""
    if image.mode not in ("RGBA", "LA"):
        return image.reduce(factor)
    reduced = Image.new(image.mode, (-(-image.width // factor), -(-image.height // factor)))
    step = factor * 256  # rows per strip, a multiple of the factor so the strips meet exactly
    for top in range(0, image.height, step):
        strip = image.crop((0, top, image.width, min(top + step, image.height)))
        reduced.paste(strip.reduce(factor), (0, top // factor))
    return reduced


# EXIF orientation → the turn that makes the picture upright (as ImageOps.exif_transpose), read before
# the reduction, whose new image carries no EXIF.
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


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
    """Longitude and latitude from the EXIF GPS block (degrees, minutes, seconds and hemispheres).

    A PNG's EXIF is read only if it precedes the pixels: Pillow would decode them all to look for one
    after them (phones write JPEG, HEIC or WebP; a PNG is a screenshot or an edit)."""
    if image.format == "PNG" and "exif" not in image.info:
        return None
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
