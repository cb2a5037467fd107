"""Refuse request bodies larger than the site takes, before anything reads them."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


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
            return HttpResponse(json.dumps({"detail": message}), status=413, content_type="application/json")
        return self.get_response(request)
