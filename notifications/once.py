"""Sending a row once: a delivery (notifications.sending), a forwarding to a body outside the city
(notifications.forwarding) or an answer in a WhatsApp chat (whatsapp.replies). One engine for the three.

The job carries the row's id only. The row is locked (SELECT … FOR UPDATE) for the whole attempt and
only a pending one is sent, so two jobs for one row (a retry after a crash, the admin's "send again")
cannot both send; its outcome is written in the same transaction, so if the worker dies mid-send the
row is still pending and the job is run again (notifications.tasks.retry_stalled). The remaining
window for a duplicate is between the server accepting a message and the commit that follows it.

A row is any model with ``status`` (``pending``, ``sent`` and ``failed`` among its values),
``attempts``, ``last_error`` and ``sent_at``.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from procrastinate import RetryStrategy

from notifications.models import DeliveryStatus

PENDING, SENT, FAILED = DeliveryStatus.PENDING, DeliveryStatus.SENT, DeliveryStatus.FAILED


class Undeliverable(Exception):
    """Refused for good (a bounce, a number not on WhatsApp, a body's 4xx): failed, never retried."""


class TryLater(Exception):
    """A passing failure (server down, timeout, rate limit): pending again, retried with backoff."""


class SendLater(Exception):
    """The attempt failed for now: raised out of the job, so procrastinate runs it again (RETRY)."""


# The one retry of every job that sends once: exponential backoff (base, base², …; 5, 25, 125… s by
# default), as many attempts as a row is given before it is failed.
RETRY = RetryStrategy(
    max_attempts=settings.PEKA_NOTIFY_MAX_ATTEMPTS,
    exponential_wait=settings.PEKA_NOTIFY_RETRY_BASE_SECONDS,
    retry_exceptions={SendLater},
)


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: ``sent``, ``failed`` (for good), ``pending`` (try later), or a status of
    the row's own (a delivery's ``skipped``); ``error`` is what the row keeps as its last error."""

    status: str
    error: str = ""


def call(send: Callable[[], object], *, scrub: Callable[[Exception], str] = str) -> Outcome:
    """Call the channel: sent; Undeliverable: failed for good; TryLater: pending again. ``scrub`` turns
    the exception into the error kept (without a contact in it)."""
    try:
        send()
    except Undeliverable as exc:
        return Outcome(FAILED, scrub(exc))
    except TryLater as exc:
        return Outcome(PENDING, scrub(exc))
    return Outcome(SENT)


def send_once(
    rows: models.QuerySet,
    pk: int,
    attempt: Callable[[models.Model], Outcome],
    *,
    log: logging.Logger,
    label: Callable[[models.Model], str],
    fields: Sequence[str] = (),
    forget: Sequence[str] = (),
) -> str:
    """Claim the row ``pk`` of ``rows`` and, if it is still pending, make one ``attempt`` and record it:
    the attempt counted, the outcome's status and error, ``sent_at`` when sent, and ``fields`` (what the
    attempt set on the row, e.g. the message id the service gave). A row still pending after
    PEKA_NOTIFY_MAX_ATTEMPTS attempts is failed. Once the row is no longer pending, ``forget`` (fields
    only the sending needed, e.g. a phone number) is emptied.

    Returns the row's status ("gone" if it no longer exists); raises SendLater while it is pending.
    Ids only reach the log: ``label`` names the row without its contact."""
    with transaction.atomic():
        row = rows.select_for_update(of=("self",)).filter(pk=pk).first()
        if row is None or row.status != PENDING:
            return row.status if row else "gone"
        row.attempts += 1
        outcome = attempt(row)
        status = outcome.status
        if status == PENDING and row.attempts >= settings.PEKA_NOTIFY_MAX_ATTEMPTS:
            status = FAILED
        row.status, row.last_error = status, outcome.error[:500]
        if status == SENT:
            row.sent_at = timezone.now()
        if status != PENDING:
            for name in forget:
                setattr(row, name, "")
        row.save(update_fields=["status", "attempts", "last_error", "sent_at", *fields, *forget])
    log.info("%s: %s after %d attempt(s)", label(row), row.status, row.attempts)
    if row.status == PENDING:
        raise SendLater(row.last_error)
    return row.status
