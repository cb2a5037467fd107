"""The VAPID key pair (RFC 8292) that signs our Web Push requests: PEKA_VAPID_PRIVATE_KEY (the raw
P-256 private key, base64url) in production; otherwise generated once into PEKA_VAPID_FILE
(.vapid-private-key, git-ignored) and kept."""

import base64
import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _generated(path: Path) -> str:
    """The key in ``path``, written there first if there is none (atomically: two processes agree)."""
    if not path.exists():
        number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(b64url(number.to_bytes(32, "big")))
    return path.read_text().strip()


@cache
def vapid() -> Vapid:
    raw = settings.PEKA_VAPID_PRIVATE_KEY or _generated(Path(settings.PEKA_VAPID_FILE))
    return Vapid.from_raw(raw.encode())


def public_key() -> str:
    """The applicationServerKey a browser subscribes with: the uncompressed public point, base64url."""
    point = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(point)
