"""Requests refused before any view reads them: bodies larger than the site takes, control characters
in an address, and writes a browser made on another site's behalf."""

import json
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
JSON_TYPES = ("application/json", "application/geo+json")


def _json(status: int, message: str) -> HttpResponse:
    return HttpResponse(json.dumps({"detail": message}), status=status, content_type="application/json")


class RequestSizeLimit:
    """413 with a message a person can act on when Content-Length exceeds PEKA_MAX_REQUEST_BYTES.

    Django would otherwise spool a huge upload to disk before our photo check saw its size.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.PEKA_MAX_REQUEST_BYTES
        if length > limit:
            message = _("The request is too large: at most %(mb)d MB. Send a smaller photo.") % {
                "mb": limit // (1024 * 1024)
            }
            return _json(413, message)
        is_json = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower() in JSON_TYPES
        if is_json and length > settings.PEKA_MAX_JSON_BYTES:
            message = _("The JSON body is too large: at most %(kb)d KB. Photos go in a multipart form.") % {
                "kb": settings.PEKA_MAX_JSON_BYTES // 1024
            }
            return _json(413, message)
        return self.get_response(request)


# C0 and C1 control characters and DEL. NUL is the one that matters most: PostgreSQL cannot hold it in
# text, and the driver raises when a query carries one (a 500); no path or query of PEKA needs any.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ControlCharacterGuard:
    """400 with a message when the path or the query string holds a control character (NUL, a line
    break, ESC ...), once for every view, before any of them runs a query with it. The query string
    is checked as decoded (``%00``), names and values alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = unquote(request.META.get("QUERY_STRING", ""), errors="replace")
        if CONTROL_CHARACTERS.search(request.path) or CONTROL_CHARACTERS.search(query):
            return _json(400, _("The address holds a control character (such as NUL): remove it and try again."))
        return self.get_response(request)


class CrossSiteWriteGuard:
    """403 for a write that a browser sends from another site: a form or script elsewhere must not
    file, support, rate or reopen in a visitor's name (their session and cookies would go along).

    The browser says where a request comes from: ``Sec-Fetch-Site: cross-site``, or an ``Origin`` that
    is neither this site nor one of DJANGO_CSRF_TRUSTED_ORIGINS. Clients that are not browsers (apps,
    Open311 servers) send neither and are not affected. Staff forms are also protected by Django's CSRF
    token; this covers the anonymous API, which has none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS and self.cross_site(request):
            return _json(403, _("Refused: this request was sent from another website. Use PEKA's own pages."))
        return self.get_response(request)

    @staticmethod
    def cross_site(request) -> bool:
        if request.META.get("HTTP_SEC_FETCH_SITE") == "cross-site":
            return True
        origin = request.META.get("HTTP_ORIGIN")
        if origin is None:
            return False
        own = f"{request.scheme}://{request.get_host()}"
        parts = urlsplit(origin)
        return f"{parts.scheme}://{parts.netloc}" not in (own, *settings.CSRF_TRUSTED_ORIGINS)
