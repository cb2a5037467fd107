"""Issue an Open311 API key and print it (shown only this once):

./manage.py open311_key --name "LAPOR!"
"""

from django.core.management.base import BaseCommand

from open311.models import ApiKey


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="who uses the key")

    def handle(self, *args, **options):
        _key, plain = ApiKey.issue(options["name"])
        self.stdout.write(plain)
