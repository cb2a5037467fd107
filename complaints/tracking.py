"""Tracking codes citizens read aloud and type on a phone: PKU-7K3M-9QX2.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V): 29^8 ≈ 5 × 10^11
codes, drawn with ``secrets`` so that a code cannot be guessed from another (demo data passes
a seeded ``random.Random`` to get the same codes on every run).
"""

import random
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
PREFIX = "PKU"
PATTERN = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def new_tracking_code(rng: random.Random | None = None) -> str:
    choice = (rng or secrets).choice
    body = "".join(choice(ALPHABET) for _ in range(8))
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
