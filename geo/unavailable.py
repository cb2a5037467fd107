"""When the database cannot be reached: a clean 503 with Retry-After instead of a 500 or a dropped connection.

A stopped, restarting or overloaded PostgreSQL surfaces in Django as ``OperationalError`` (cannot
connect, the server is shutting down, the connection was terminated) or ``InterfaceError`` (the
connection is already closed). Every write the site makes runs in a transaction, so nothing is left
half-written; a complaint can be sent again with the same Idempotency-Key without being stored twice
(the database may have gone away after the commit but before the answer was sent). The persistent connection is checked at the start of each request (CONN_HEALTH_CHECKS),
so the site recovers by itself once the database is back.
"""

import json
import logging
import sys
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


def unavailable_response(request) -> HttpResponse:
    """503 for ``request``: JSON under /api/, the Open311 error list under /open311/, else an HTML page."""
    message = _("PEKA cannot reach its database just now. Please try again shortly.")
    path = request.path
    if path.startswith("/open311/") and path.endswith(".xml"):
        body = f'<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>503</code><description>{escape(message)}</description></error></errors>'
        response = HttpResponse(body, status=503, content_type="text/xml; charset=utf-8")
    elif path.startswith("/open311/"):
        body = json.dumps([{"code": 503, "description": message}], ensure_ascii=False)
        response = HttpResponse(body, status=503, content_type="application/json; charset=utf-8")
    elif path.startswith("/api/"):
        body = json.dumps({"detail": message}, ensure_ascii=False)
        response = HttpResponse(body, status=503, content_type="application/json; charset=utf-8")
    else:
        # render_to_string without the request: no context processor may touch the database.
        body = render_to_string("503.html", {"message": message, "retry_after_s": settings.PEKA_RETRY_AFTER_S})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(settings.PEKA_RETRY_AFTER_S)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailable:
    """Middleware: a view (API, page or Open311) that fails because the database is unreachable answers 503.

    DRF hands exceptions that are not its own back to Django, so API views land here too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            log.warning("database unavailable (%s %s): %s", request.method, request.path, exception)
            return unavailable_response(request)
        return None


def server_error(request):
    """handler500: a database failure outside a view (a middleware saving the session) is a 503 too.
    Otherwise templates/500.html in the site's layout, in the visitor's language; should that page fail
    to render as well, Django's plain one."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable_response(request)
    try:
        return HttpResponseServerError(render_to_string("500.html", request=request))
    except Exception:  # noqa: BLE001 - whatever broke the page may break its layout too
        log.exception("the 500 page could not be rendered")
        return defaults.server_error(request)
