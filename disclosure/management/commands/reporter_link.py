"""Issue a new reporter key for a complaint and print its private link, for staff to send to the
contact the reporter gave (the key is never stored in clear, so a lost one cannot be looked up):

    ./manage.py reporter_link PKU-7K3M-9QX2 [--base-url https://peka.pekanbaru.go.id]

The old key stops working. The complaint's history records that a key was issued (not the key).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from complaints.events import event_record
from complaints.models import Complaint, EventKind
from complaints.tracking import key_hash, new_key_salt, normalize_tracking_code, reporter_key
from disclosure.reporter import private_url
from geo.links import site_url


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("code", help="tracking code")
        parser.add_argument("--base-url", default=None, help="the site's address (default: PEKA_SITE_URL)")

    def handle(self, *args, code, base_url, **options):
        complaint = Complaint.objects.filter(tracking_code=normalize_tracking_code(code)).first()
        if complaint is None:
            raise CommandError(f"No complaint has the tracking code {code}.")
        if not (complaint.reporter_email or complaint.reporter_phone):
            self.stderr.write("The complaint has no reporter contact: check who you send this link to.")
        salt = new_key_salt()
        key = reporter_key(salt)
        with transaction.atomic():
            Complaint.objects.filter(pk=complaint.pk).update(reporter_key_salt=salt, reporter_key_hash=key_hash(key))
            event_record(
                complaint,
                EventKind.NOTE,
                note="A new reporter key was issued; the previous one no longer works.",
                public=False,
            )
        link = private_url(complaint, key)
        self.stdout.write(base_url.rstrip("/") + link if base_url else site_url(link))
