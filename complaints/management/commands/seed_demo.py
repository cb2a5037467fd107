"""Load demo complaints with a plausible history, demo assets (street-light poles and TPS, when no
asset file was imported), and (in debug mode) one account per staff role.

The same complaints on every run; a second run adds nothing. Account passwords are printed once,
when the accounts are created.

    ./manage.py seed_demo [--count 3000] [--seed 1471]
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assets.demo import demo_assets
from complaints.bulk import complaints_load
from complaints.demo import demo_accounts, demo_complaints, demo_history


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=settings.PEKA_DEMO_COMPLAINTS)
        parser.add_argument("--seed", type=int, default=1471)

    def handle(self, *args, **options):
        try:
            rows = demo_complaints(options["count"], seed=options["seed"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        with transaction.atomic():
            assets = demo_assets()
            report = complaints_load(rows)
            events = demo_history(report.complaints(), seed=options["seed"])
        self.stdout.write(
            f"Demo complaints: {len(report.created_ids)} created ({events} history events), "
            f"{report.existing} already there, {report.refused} drawn outside the city and refused. "
            f"Demo assets created: {', '.join(f'{n} {kind}' for kind, n in assets.items()) or 'none'}."
        )
        if not settings.DEBUG:
            return
        for username, password in demo_accounts():
            self.stdout.write(f"Demo account created: {username} / {password}  (shown only now)")
