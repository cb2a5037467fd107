"""Route open complaints again after a boundary import or a jurisdiction change; dry run unless --commit.

./manage.py reroute            # report what would move
./manage.py reroute --commit   # move them, with an event on each
"""

from django.core.management.base import BaseCommand

from complaints.rerouting import complaints_reroute


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--commit", action="store_true", help="write the changes (default: dry run)")

    def handle(self, *args, **options):
        report = complaints_reroute(commit=options["commit"])
        self.stdout.write("\n".join(report.lines()))
