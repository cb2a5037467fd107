"""Load demo complaints (the same ones on every run; a second run adds nothing).

    ./manage.py seed_demo [--count 3000] [--seed 1471]
"""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from complaints.demo import demo_complaints
from complaints.services import complaints_bulk_create


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
        created, refused = complaints_bulk_create(rows)
        self.stdout.write(
            f"Demo complaints: {len(created)} created, {len(rows) - len(created) - refused} already there, "
            f"{refused} drawn outside the city and refused."
        )
