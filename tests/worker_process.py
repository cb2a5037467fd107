"""The worker process of the tests (tests.standins.Worker), started ahead of the test that needs it.

It does what `manage.py procrastinate worker` does in two steps. First it sets Django up and imports the
project: the URLconf, hence every view and what they import (numpy, scipy, esda: most of the seconds a
worker takes to start), with the environment it was started with (the test database, the stand-ins).
Nothing of this touches the database. Then it waits for one line on stdin, the command's arguments as
JSON (["procrastinate", "worker", "--concurrency=1"]), and runs the command as manage.py would; only
now does it connect. An empty stdin (closed: the spare was not needed) ends it.

So a test's worker can be started during the previous test, and still never be connected while the
previous test's tables are flushed.
"""

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
    import django

    django.setup()
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views, as the system checks would)

    line = sys.stdin.readline()
    if not line.strip():
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *json.loads(line)])


if __name__ == "__main__":
    main()
