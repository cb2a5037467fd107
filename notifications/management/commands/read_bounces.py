"""Read the delivery reports (bounces) in the bounce Maildir and block the addresses that failed for good.

./manage.py read_bounces                 # the Maildir in PEKA_BOUNCE_MAILDIR
./manage.py read_bounces /path/Maildir   # another one

The worker does the same every PEKA_BOUNCE_CRON when PEKA_BOUNCE_MAILDIR is set.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications import bounces


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("maildir", nargs="?", help="a Maildir (default: PEKA_BOUNCE_MAILDIR)")

    def handle(self, *args, **options):
        folder = options["maildir"] or settings.PEKA_BOUNCE_MAILDIR
        if not folder:
            raise CommandError("Name a Maildir, or set PEKA_BOUNCE_MAILDIR.")
        if not (Path(folder) / "new").is_dir():
            raise CommandError(f"{folder} is no Maildir (it has no new/ folder).")
        self.stdout.write("\n".join(bounces.read(Path(folder)).lines()))
