"""Count every rollup again from the complaint table (docs/operations.md, Rollups)."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from rollups.calendar import refresh_holidays
from rollups.sql import rebuild, settle


class Command(BaseCommand):
    help = "Refresh the holiday calendar and count every rollup again from the complaints (drops zero rows)."

    def handle(self, *args, **options):
        with transaction.atomic(), connection.cursor() as cursor:
            holidays = refresh_holidays(cursor)
            rebuild(cursor)
        with connection.cursor() as cursor:
            settle(cursor)
        self.stdout.write(f"{holidays} holidays stored; rollups counted again and vacuumed.")
