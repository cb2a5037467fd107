"""Peak memory of cleaning one large photo upload, before and after bounded decoding.

    .venv/bin/python -m bench.photo_memory

For each type (JPEG, PNG with transparency, WebP) and two canvases, 7000 × 7000 (49 MP, above the
40 MP cap) and 7000 × 5600 (39.2 MP, the largest taken), one upload is cleaned in a fresh Python
process, twice:

* before: decoding at full size, then turning, flattening and fitting within 2048 px, as
  complaints.photos did before the cap was lowered and the reduction added (its 50 MP cap is kept,
  so the 7000 × 7000 images are decoded);
* after: complaints.photos.photo_clean as it is (header checked against MAX_PIXELS, reduced while
  decoding).

Printed: the growth of the process's peak resident memory over the call (VmHWM in /proc/self/status,
Linux), in MB, the time, and what came out. Pillow's pixels live outside Python's allocator, so
tracemalloc would not see them; a fresh process per case keeps one case's peak out of the next
(ru_maxrss would not: Linux carries it across exec from the parent, which drew the files).
"""

import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SIZES = [(7000, 7000), (7000, 5600)]
OLD_MAX_PIXELS = 50_000_000


def _draw(size, fmt: str) -> bytes:
    from PIL import Image, ImageDraw

    mode = "RGBA" if fmt == "PNG" else "RGB"
    image = Image.new(mode, size, (40, 120, 200, 255)[: len(mode)])
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 500):  # stripes and boxes: compresses as a drawing, decodes as a photo
        draw.rectangle((i, i // 2, i + 250, size[1] - i // 3), fill=(200, 60 + i % 150, 40, 160)[: len(mode)])
    out = io.BytesIO()
    image.save(out, format=fmt, **({} if fmt == "PNG" else {"quality": 85}))
    return out.getvalue()


def _before(data: bytes) -> str:
    """The old path: the whole canvas decoded, then every step on it at full size."""
    from PIL import Image, ImageOps

    from complaints.photos import MAX_SIDE, _flatten, _jpeg, _thumbnail

    image = Image.open(io.BytesIO(data))
    if image.width * image.height > OLD_MAX_PIXELS:
        return "refused"
    image.load()
    image = ImageOps.exif_transpose(image)
    image = _flatten(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    _jpeg(image, 85), _jpeg(_thumbnail(image), 80)
    return f"stored {image.width}×{image.height}"


def _after(data: bytes) -> str:
    from complaints.photos import PhotoRefused, photo_clean

    try:
        clean = photo_clean(io.BytesIO(data))
    except PhotoRefused as exc:
        return f"refused: {exc}"
    return f"stored {clean.width}×{clean.height}"


def _peak_kb() -> int:
    """This process's peak resident memory so far, in KB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status: this benchmark needs Linux")


def _one(path: str, how: str) -> None:
    """In the child process: clean one file and print its peak growth as JSON."""
    from bench.common import setup_django

    setup_django()
    from django.utils import translation

    translation.activate("en")
    data = Path(path).read_bytes()
    import complaints.photos  # noqa: F401  (imported before the baseline is read)

    base = _peak_kb()
    start = time.perf_counter()
    outcome = (_before if how == "before" else _after)(data)
    seconds = time.perf_counter() - start
    peak = _peak_kb()
    print(json.dumps({"peak_mb": (peak - base) / 1024, "seconds": seconds, "outcome": outcome}))


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            for fmt, ext in FORMATS.items():
                path = Path(folder) / f"{size[0]}x{size[1]}.{ext}"
                path.write_bytes(_draw(size, fmt))
                kb = path.stat().st_size / 1024
                for how in ("before", "after"):
                    child = subprocess.run(
                        [sys.executable, "-m", "bench.photo_memory", "--one", str(path), how],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    result = json.loads(child.stdout.strip().splitlines()[-1])
                    rows.append((f"{size[0]}×{size[1]}", fmt, f"{kb:,.0f} KB", how, result))
    print(f"{'canvas':<11} {'type':<5} {'file':>9}  {'':<6} {'peak MB':>8} {'s':>6}  outcome")
    for canvas, fmt, size, how, result in rows:
        print(
            f"{canvas:<11} {fmt:<5} {size:>9}  {how:<6} {result['peak_mb']:>8.1f} {result['seconds']:>6.2f}  "
            f"{result['outcome']}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        _one(sys.argv[2], sys.argv[3])
    else:
        main()
