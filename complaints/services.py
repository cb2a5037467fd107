"""Writing complaints: intake. Views, commands and Open311 all come through here."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import translation

from boundaries.selectors import RouteDecision, outside_city_message, route, route_many
from complaints.models import Category, Complaint, ComplaintEvent, Status
from complaints.tracking import new_tracking_code


class OutsideCity(Exception):
    """The point lies farther outside the city than the tolerance allows."""

    def __init__(self, decision: RouteDecision):
        super().__init__(outside_city_message())
        self.decision = decision


@dataclass(frozen=True)
class Reporter:
    """Private contact details; optional, never public."""

    name: str = ""
    phone: str = ""
    email: str = ""


def complaint_create(
    *,
    category: Category,
    description: str,
    location: Point,
    reporter: Reporter | None = None,
    idempotency_key: str | None = None,
) -> tuple[Complaint, bool]:
    """Route and store a new complaint with its creation event. Returns (complaint, created).

    A repeated ``idempotency_key`` returns the complaint stored the first time and creates nothing.
    Raises OutsideCity when the point cannot be routed.
    """
    if idempotency_key and (earlier := Complaint.objects.filter(idempotency_key=idempotency_key).first()):
        return earlier, False
    decision = route(location)
    if not decision.accepted:
        raise OutsideCity(decision)
    for _attempt in range(3):
        complaint = _routed_complaint(
            decision,
            category=category,
            description=description,
            location=location,
            reporter=reporter or Reporter(),
            idempotency_key=idempotency_key or None,
        )
        try:
            with transaction.atomic():
                complaint.save()
                ComplaintEvent.objects.create(complaint=complaint, to_status=Status.BARU, note=complaint.routing_reason)
                return complaint, True
        except IntegrityError:
            # Either a concurrent request with the same Idempotency-Key won (return its complaint),
            # or the random tracking code collided (draw another).
            if idempotency_key and (earlier := Complaint.objects.filter(idempotency_key=idempotency_key).first()):
                return earlier, False
    raise RuntimeError("Could not draw an unused tracking code in 3 attempts.")


@dataclass(frozen=True)
class NewComplaint:
    """One row for ``complaints_bulk_create``."""

    tracking_code: str
    category: Category
    description: str
    location: Point
    created_at: datetime
    reporter: Reporter = Reporter()


def complaints_bulk_create(rows: Sequence[NewComplaint]) -> tuple[list[Complaint], int]:
    """Route all rows in one statement and store the routable ones with their creation events.

    Rows whose tracking code already exists are skipped, so a repeated load adds nothing. Returns
    (the complaints created, how many rows lay outside the city and were refused).
    """
    existing = set(Complaint.objects.filter(tracking_code__in=[r.tracking_code for r in rows]).values_list("tracking_code", flat=True))
    rows = [r for r in rows if r.tracking_code not in existing]
    decisions = route_many([(r.location.x, r.location.y) for r in rows])
    complaints = [
        _routed_complaint(
            decision,
            tracking_code=row.tracking_code,
            category=row.category,
            description=row.description,
            location=row.location,
            reporter=row.reporter,
            created_at=row.created_at,
        )
        for row, decision in zip(rows, decisions, strict=True)
        if decision.accepted
    ]
    with transaction.atomic():
        Complaint.objects.bulk_create(complaints, batch_size=1000)
        ComplaintEvent.objects.bulk_create(
            [ComplaintEvent(complaint=c, at=c.created_at, to_status=Status.BARU, note=c.routing_reason) for c in complaints],
            batch_size=1000,
        )
    return complaints, len(rows) - len(complaints)


def _routed_complaint(decision: RouteDecision, *, reporter: Reporter, **fields) -> Complaint:
    """An unsaved complaint placed where ``decision`` says, with the reason in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = decision.reason()
    fields.setdefault("tracking_code", new_tracking_code())
    return Complaint(
        kecamatan_id=decision.kecamatan.id,
        kelurahan_id=decision.kelurahan.id if decision.kelurahan else None,
        reporter_name=reporter.name,
        reporter_phone=reporter.phone,
        reporter_email=reporter.email,
        routing_rule=decision.rule.value,
        routing_reason=reason,
        **fields,
    )
