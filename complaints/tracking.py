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
    """Upper-case and re-dash what a person typed ("pku 7k3m9qx2" → "PKU-7K3M-9QX2")."""
    compact = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    return f"{PREFIX}-{compact[:4]}-{compact[4:]}" if len(compact) == 8 else text.strip().upper()
