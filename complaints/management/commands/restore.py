"""Restore a `manage.py backup` file into an empty database (pg_restore, in one transaction).

./manage.py restore peka.dump                                     # into this site's database
./manage.py restore peka.dump --database-url postgis://postgres@127.0.0.1:5432/peka_copy
./manage.py restore peka.dump --force                             # replace a database that has complaints

The target database must exist (createdb). One that already holds complaints is refused unless --force.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from complaints.backups import BackupError, Database, database_restore


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a file written by manage.py backup")
        parser.add_argument("--database-url", help="restore into this database (default: the site's own)")
        parser.add_argument("--force", action="store_true", help="replace a database that already has complaints")

    def handle(self, *args, file, database_url=None, force=False, **options):
        if database_url:
            target = Database.from_url(database_url)
        else:
            target = Database.from_settings(settings.DATABASES["default"])
            # Our own open connection would hold locks the restore has to take.
            connections.close_all()
        self.stdout.write(f"Restoring {file} into {target} …")
        try:
            done = database_restore(target, file, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {done.size_bytes / 1e6:.1f} MB in {done.seconds:.1f} s: {done.complaints} complaints."
            )
        )
