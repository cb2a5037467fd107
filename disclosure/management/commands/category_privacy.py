"""Bring complaints' stored privacy in line with their categories' "sensitive" flag, explicitly.

Whether a complaint is private is stored when it is filed (docs/rules.md, privacy rule 2): unticking
a category's flag in the admin changes new complaints only. This command moves the history, each
changed complaint with an event saying so. A dry run unless --commit:

    ./manage.py category_privacy [--category kdrt] [--commit]
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, F

from complaints.events import event_of, events_record
from complaints.models import Category, Complaint, EventKind


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--category", help="only this category (code)")
        parser.add_argument("--commit", action="store_true", help="write the changes (default: dry run)")

    def handle(self, *args, category=None, commit=False, **options):
        differing = Complaint.objects.exclude(private=F("category__sensitive"))
        if category:
            if not Category.objects.filter(code=category).exists():
                raise CommandError(f"Unknown category {category}.")
            differing = differing.filter(category__code=category)
        summary = differing.values("category__code", "category__sensitive").annotate(n=Count("id")).order_by("category__code")
        if not summary:
            self.stdout.write("Every complaint's privacy matches its category.")
            return
        for row in summary:
            to = "private" if row["category__sensitive"] else "public"
            self.stdout.write(f"  {row['category__code']}: {row['n']} complaints would become {to}")
        if not commit:
            self.stdout.write("Dry run: nothing written. Add --commit to apply.")
            return
        with transaction.atomic():
            changed = list(differing.select_for_update().select_related("category"))
            # Bookkeeping nobody is told of: recorded, not announced (complaints.events).
            events_record(
                event_of(
                    c,
                    EventKind.PRIVACY,
                    note=("public → private" if c.category.sensitive else "private → public")
                    + f" (category {c.category.code})",
                    public=False,
                )
                for c in changed
            )
            for c in changed:
                c.private = c.category.sensitive
            Complaint.objects.bulk_update(changed, ["private"], batch_size=1000)
        self.stdout.write(f"{len(changed)} complaints changed, each with an event.")
