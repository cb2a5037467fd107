"""The worker processes of the tests, forked from one process that has done the slow part once
(tests.standins.WorkerZygote).

`manage.py procrastinate worker` spends seconds before it connects: setting Django up and importing the
project, the URLconf with every view and what they import (numpy, scipy, esda). A test stops its worker
before the flush, so every test that needs one would pay that again. This process does it once, with the
environment it was started with (the test database, the stand-ins), and never connects to the database.
For each line on stdin, {"args": [...], "log": path}, it forks a child that runs the command as manage.py
would (`execute_from_command_line(["manage.py", *args])`), its output into the log, and answers the
child's process id on stdout. The children are the workers; the kernel reaps them (SIGCHLD ignored here).
An empty stdin (closed at the end of the session) ends it.
"""

import json
import os
import signal
import sys
import traceback


def run_child(args: list[str], log: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    code = 1
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", *args])
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
    import django

    django.setup()
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views, as the worker's system checks would)
    connections.close_all()  # none is open; a fork must never share one
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        if not line.strip():
            continue
        order = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_child(order["args"], order["log"])
        print(pid, flush=True)


if __name__ == "__main__":
    main()
