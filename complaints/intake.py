"""Writing new complaints. The API, commands, demo data and Open311 all come through here."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assets.models import Asset
from complaints.assignment import assign_automatically
from complaints.events import event_record
from complaints.models import Category, Channel, Complaint, EventKind, PhotoKind, Status
from complaints.photos import CleanPhoto, photo_attach
from complaints.routing import ComplaintRoute, route_complaint
from complaints.sla import due_at
from complaints.tracking import key_hash, new_key_salt, new_tracking_code, reporter_key
from complaints.workflow import complaint_forward
from forwarding.models import ExternalBody
from geo.errors import Invalid, KeyReused
from geo.spatial import distance_m


class OutsideCity(Invalid):
    """The point lies farther outside the city than the tolerance allows (HTTP 400, on ``location``)."""

    def __init__(self, route: ComplaintRoute):
        super().__init__("location", route.reason())
        self.route = route


class AssetInvalid(Invalid):
    """The asset named does not fit the complaint (HTTP 400, on the field ``asset``)."""

    def __init__(self, message: str):
        super().__init__("asset", message)


class IdempotencyKeyReused(KeyReused):
    """The Idempotency-Key names a complaint stored earlier with other content."""

    def __init__(self):
        super().__init__(
            _(
                "This Idempotency-Key was already used for a different complaint. Send a new key for a new "
                "complaint; repeat the key only with exactly the same request."
            )
        )


@dataclass(frozen=True)
class Reporter:
    """Private contact details; optional, never public."""

    name: str = ""
    phone: str = ""
    email: str = ""
    # "Kabari saya": updates after the receipt (the receipt goes to any contact given).
    notify: bool = False
    # "Rahasiakan identitas saya": no staff member sees the contact; PEKA's messages still use it.
    anonymous: bool = False


def complaint_create(
    *,
    category: Category,
    description: str,
    location: Point,
    reporter: Reporter | None = None,
    photo: CleanPhoto | None = None,
    idempotency_key: str | None = None,
    answers: dict | None = None,
    channel: Channel = Channel.WEB,
    filed_by=None,
    asset: Asset | None = None,
) -> tuple[Complaint, bool]:
    """Route and store a new complaint with its creation event (and photo). Returns (complaint, created).

    A new complaint carries its reporter key in ``complaint.reporter_key``, the one time it exists in
    clear (disclosure.reporter); only its hash is stored.

    A repeated ``idempotency_key`` returns the complaint stored the first time and creates nothing;
    the same key with other content raises IdempotencyKeyReused. Raises OutsideCity when the point
    cannot be routed. ``filed_by``: the staff member who filed it for a caller (the creation event's actor).

    On an ``asset`` (of the category, near the pin: AssetInvalid otherwise) the complaint is placed at
    the asset and the citizen's pin is kept as ``reported_location``; the asset's owner routes it
    first. A complaint routed to a body outside the city is forwarded in the filing's transaction.
    """
    reporter = reporter or Reporter()
    answers = answers or {}
    reported_location = None
    if asset is not None:
        asset_check(asset, category, location)
        reported_location, location = location, asset.location
    content = {
        "category": category,
        "description": description,
        "location": location,
        "reporter": reporter,
        "answers": answers,
    }
    # A repeated Idempotency-Key is found by the unique key refusing the INSERT (below), not looked up
    # first: a new complaint, the common case, pays no statement for it.
    route = route_complaint(location, category, owner=asset.owner if asset else "")
    if not route.accepted:
        if idempotency_key and (earlier := _stored_with(idempotency_key)):
            return _replayed(earlier, **content), False
        raise OutsideCity(route)
    for _attempt in range(3):
        salt = new_key_salt()
        key = reporter_key(salt)
        complaint = _routed_complaint(
            route,
            category=category,
            description=description,
            location=location,
            reporter=reporter,
            answers=answers,
            channel=channel,
            asset=asset,
            reported_location=reported_location,
            created_at=timezone.now(),
            idempotency_key=idempotency_key or None,
            reporter_key_salt=salt,
            reporter_key_hash=key_hash(key),
        )
        try:
            with transaction.atomic():
                complaint.save()
                # The creation event, announced with the reporter's "kabari saya" (complaints.events).
                event_record(
                    complaint,
                    EventKind.CREATED,
                    at=complaint.created_at,
                    actor=filed_by,
                    from_status="",
                    to_status=Status.BARU,
                    note=complaint.routing_reason,
                    reporter_notify=reporter.notify,
                )
                if photo:
                    photo_attach(complaint, photo, PhotoKind.REPORT)
                if route.external_body:
                    complaint = complaint_forward(
                        complaint=complaint, body=ExternalBody.objects.get(pk=route.external_body.id)
                    )
                else:
                    complaint = assign_automatically(complaint, routed_rule=route.auto_assign) or complaint
            complaint.reporter_key = key
            return complaint, True
        except IntegrityError:
            # Either the Idempotency-Key was used before, or by a concurrent request that won (return
            # its complaint), or the random tracking code collided (draw another).
            if idempotency_key and (earlier := _stored_with(idempotency_key)):
                return _replayed(earlier, **content), False
    raise RuntimeError("Could not draw an unused tracking code in 3 attempts.")


def _stored_with(idempotency_key: str) -> Complaint | None:
    return Complaint.objects.filter(idempotency_key=idempotency_key).first()


def _replayed(earlier: Complaint, *, category, description, location, reporter, answers) -> Complaint:
    """The complaint an Idempotency-Key stored, if the retry carries the same content (a photo is not
    compared: it is stored re-encoded)."""
    same = (
        earlier.category_id == category.id
        and earlier.description == description
        and earlier.answers == answers
        and (earlier.reported_location or earlier.location).equals_exact(location, tolerance=1e-9)
        and (earlier.reporter_name, earlier.reporter_phone, earlier.reporter_email, earlier.reporter_anonymous)
        == (reporter.name, reporter.phone, reporter.email, reporter.anonymous)
    )
    if not same:
        raise IdempotencyKeyReused()
    return earlier


def asset_check(asset: Asset, category: Category, pin: Point) -> None:
    """An asset a complaint may be filed against: of the category's kinds, within
    PEKA_ASSET_SNAP_MAX_M of the citizen's pin."""
    if asset.kind.category_id != category.id:
        raise AssetInvalid(
            _("This asset (%(kind)s) is not for the category “%(category)s”.")
            % {"kind": asset.kind.name, "category": category.name}
        )
    metres = distance_m(pin, asset.location)
    if metres > settings.PEKA_ASSET_SNAP_MAX_M:
        raise AssetInvalid(
            _("The asset is %(distance).0f m from the pin; choose one within %(max)d m or move the pin.")
            % {"distance": metres, "max": settings.PEKA_ASSET_SNAP_MAX_M}
        )


def complaint_create_validated(
    data: dict, *, idempotency_key: str | None = None, channel: Channel = Channel.WEB, filed_by=None
) -> tuple[Complaint, bool]:
    """``complaint_create`` from a ComplaintCreateSerializer's validated data (the API and Open311)."""
    return complaint_create(
        category=data["category"],
        description=data["description"],
        location=data["location"],
        reporter=Reporter(**data.get("reporter", {}), anonymous=data.get("anonymous", False)),
        photo=data.get("photo"),
        idempotency_key=idempotency_key,
        answers=data.get("answers"),
        channel=channel,
        filed_by=filed_by,
        asset=data.get("asset"),
    )


def _routed_complaint(
    route: ComplaintRoute, *, reporter: Reporter, category: Category, created_at: datetime, **fields
) -> Complaint:
    """An unsaved complaint placed and assigned as ``route`` says, due by the category's SLA."""
    fields.setdefault("tracking_code", new_tracking_code())
    return Complaint(
        category=category,
        kecamatan_id=route.area.kecamatan.id,
        kelurahan_id=route.area.kelurahan.id if route.area.kelurahan else None,
        agency_id=route.agency.id if route.agency else None,
        task_force_id=route.task_force.id if route.task_force else None,
        jurisdiction_id=route.jurisdiction_id,
        area_rule=route.area.rule.value,
        assignment_rule=route.rule.value,
        routing_reason=route.stored_reason(),
        private=category.sensitive,
        held=category.moderated_first,
        reporter_name=reporter.name,
        reporter_phone=reporter.phone,
        reporter_email=reporter.email,
        reporter_anonymous=reporter.anonymous,
        created_at=created_at,
        updated_at=created_at,
        due_at=due_at(created_at, category.sla_working_days),
        **fields,
    )
