"""Dump the whole database to a file (pg_dump, custom format), for `manage.py restore`.

./manage.py backup                          # peka-<date>-<time>.dump in the current folder
./manage.py backup --output /srv/backup/peka.dump
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints.backups import BackupError, Database, database_backup


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="the file to write (default: peka-<date>-<time>.dump)")

    def handle(self, *args, output=None, **options):
        source = Database.from_settings(settings.DATABASES["default"])
        output = output or Path(f"peka-{timezone.localtime():%Y%m%d-%H%M%S}.dump")
        self.stdout.write(f"Dumping {source} into {output} …")
        try:
            done = database_backup(source, output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {done.file}: {done.size_bytes / 1e6:.1f} MB, {done.complaints or 0} complaints, "
                f"in {done.seconds:.1f} s. Photo files (PEKA_MEDIA_ROOT) are not in it: copy them as well."
            )
        )
