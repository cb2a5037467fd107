"""How domain errors reach API clients: refused changes are 409, missing pieces 400 with the field,
too many requests 429 with Retry-After."""

from rest_framework import status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from complaints.assignment import AssignmentRefused
from complaints.intake import AssetInvalid, IdempotencyKeyReused, OutsideCity
from complaints.limits import retry_after_seconds, too_many_message
from complaints.workflow import WorkflowConflict, WorkflowInvalid


def exception_handler(exc, context):
    if isinstance(exc, WorkflowConflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, AssignmentRefused):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, WorkflowInvalid):
        return Response({exc.field: [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OutsideCity):
        return Response({"location": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, AssetInvalid):
        return Response({"asset": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IdempotencyKeyReused):
        return Response({"Idempotency-Key": [str(exc)]}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, Throttled):
        seconds = retry_after_seconds(exc.wait)
        return Response(
            {"detail": too_many_message(seconds)},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(seconds)},
        )
    return drf_exception_handler(exc, context)
