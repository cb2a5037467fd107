"""Tracking codes citizens read aloud and type on a phone (PKU-7K3M-9QX2), and reporter keys.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V): 29^8 ≈ 5 × 10^11
codes, drawn with ``secrets`` so that a code cannot be guessed from another. The code is public;
the reporter key (192 random bits, kept only as its SHA-256) is the reporter's alone
(disclosure.reporter says what it opens).
"""

import hashlib
import re
import secrets

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


def new_reporter_key() -> str:
    return secrets.token_urlsafe(24)


def key_hash(key: str) -> str:
    """What is stored of a reporter key. The key has 192 random bits, so a plain hash is enough:
    there is no dictionary to try."""
    return hashlib.sha256(key.encode()).hexdigest()
