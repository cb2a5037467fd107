"""Tracking codes citizens read aloud and type on a phone (PKU-7K3M-9QX2), and reporter keys.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V): 29^8 ≈ 5 × 10^11
codes, drawn with ``secrets`` so that a code cannot be guessed from another. The code is public;
the reporter key is the reporter's alone (disclosure.reporter says what it opens). A key is the HMAC,
under the site's secret key, of a random salt kept with the complaint: the database holds the salt
and the key's SHA-256, never the key, and a database without the site's secret yields no key; the
site itself can put the key into every message it sends the reporter.
"""

import base64
import hashlib
import re
import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
PREFIX = "PKU"
PATTERN = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def new_tracking_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def normalize_tracking_code(text: str) -> str:
    """Upper-case and re-dash what a person typed ("pku 7k3m9qx2" → "PKU-7K3M-9QX2").

    Tracking codes are the key of public URLs, the API and Open311, so this runs on any text.
    """
    compact = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    if len(compact) == 8:
        return f"{PREFIX}-{compact[:4]}-{compact[4:]}"
    # Not a code: keep only what a code can hold, so nothing else (a NUL, which PostgreSQL text
    # cannot take) reaches a query. It matches nothing, as it would have.
    return re.sub(r"[^0-9A-Za-z-]", "", text).upper()


def new_key_salt() -> str:
    return secrets.token_hex(16)


def reporter_key(salt: str) -> str:
    """The reporter key of a complaint whose salt is ``salt``: 32 URL-safe characters (192 bits)."""
    digest = salted_hmac("peka.reporter-key", salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def key_hash(key: str) -> str:
    """What is stored of a reporter key. The key has 192 bits, so a plain hash is enough: there is no
    dictionary to try."""
    return hashlib.sha256(key.encode()).hexdigest()
