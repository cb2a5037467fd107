"""The holiday calendar the rollups' working days skip, kept in the database so the triggers can
read it: Indonesia's national holidays from the ``holidays`` package, as the report card used."""

import holidays
from django.db import connection

YEARS = range(2015, 2041)


def refresh_holidays(cursor=None) -> int:
    """Replace the stored holidays with the package's for YEARS; returns how many there are.
    Counted resolution times change with them: run ``rollups_rebuild`` after (the command does both)."""
    days = holidays.country_holidays("ID", years=YEARS)
    rows = sorted((day, str(name)[:200]) for day, name in days.items())
    own = cursor is None
    cursor = cursor or connection.cursor()
    try:
        cursor.execute("DELETE FROM rollups_holiday")
        cursor.executemany("INSERT INTO rollups_holiday (day, name) VALUES (%s, %s)", rows)
    finally:
        if own:
            cursor.close()
    return len(rows)
