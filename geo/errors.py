"""The kinds of refusal a service can raise, and the one place that turns them into HTTP answers.

Services raise a subclass (``complaints.workflow.WorkflowConflict`` is a ``Conflict``, ``OutsideCity`` an
``Invalid`` on ``location``); views, pages and the API's error handler know only these kinds, so the
status code of each refusal is decided here and nowhere else.
"""

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from geo.ratelimits import retry_after_seconds, too_many_message


class Conflict(Exception):
    """The change does not fit the record as it is now (HTTP 409)."""


class Forbidden(Exception):
    """The actor may not make this change (HTTP 403); the message says who may."""


class Invalid(Exception):
    """The request lacks something it needs or names something that does not fit (HTTP 400); ``field``
    names what."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class KeyReused(Exception):
    """An idempotency key names an earlier request with other content (HTTP 422)."""

    header = "Idempotency-Key"


def exception_handler(exc, context):
    """DRF's handler, with PEKA's refusals: 409, 403, 400 on the field, 422, and 429 with Retry-After."""
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Forbidden):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, Invalid):
        return Response({exc.field: [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, KeyReused):
        return Response({exc.header: [str(exc)]}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, Throttled):
        seconds = retry_after_seconds(exc.wait)
        return Response(
            {"detail": too_many_message(seconds)},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(seconds)},
        )
    return drf_exception_handler(exc, context)


def form_text(request, name: str, limit: int) -> str:
    """Free text from a page form, cut to ``limit``; NUL characters (which PostgreSQL text cannot
    hold) are refused as Django's form fields refuse them."""
    value = request.POST.get(name, "")[:limit]
    try:
        ProhibitNullCharactersValidator()(value)
    except ValidationError as exc:
        raise Invalid(name, exc.messages[0]) from None
    return value
