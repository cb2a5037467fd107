"""Subscribing, confirming, removing, and turning a new public complaint into alerts.

Alerts ride on the notifications outbox: each is a Delivery (audience "subscriber", recipient
"subscription:<id>") sent by the same worker task, so retries, opt-outs, blocked contacts and the
one-copy rule hold for them too. Jobs carry ids only.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alerts import places
from alerts.models import Frequency, Subscription
from alerts.selectors import followers, place_arms, wanted_sql
from boundaries.models import Kecamatan, Kelurahan
from complaints.models import Category
from disclosure.public import public_complaints
from notifications import outbox
from notifications.contacts import contact_hash
from notifications.models import Audience, Channel, Delivery, DeliveryStatus, Kind, PushSubscription
from notifications.rules import Recipient

MAX_PER_CONTACT = 20
# Alerts wait behind every personal message (the reporter's, the staff's, a supporter's).
ALERT_PRIORITY = -20


class SubscriptionRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def channel_of(subscription: Subscription) -> str:
    """The one channel a subscription is reached on (alerts.services._DIGEST_SQL mirrors it)."""
    if subscription.email:
        return Channel.EMAIL
    if subscription.phone:
        return Channel.WHATSAPP
    return Channel.WEBPUSH


def place_of(data: dict) -> places.Place:
    if "kelurahan" in data:
        return places.kelurahan(data["kelurahan"])
    if "kecamatan" in data:
        return places.kecamatan(data["kecamatan"])
    if "point" in data:
        return places.circle(data["point"], data["radius_m"])
    return places.drawn(data["area"])


def subscription_create(data: dict) -> Subscription:
    """A new, unconfirmed subscription from a validated request, and its confirmation queued in the same
    transaction. Raises PlaceInvalid or SubscriptionRefused (400s) before anything is stored."""
    place = place_of(data)
    push = data.get("push")
    address = data.get("email", "") or data.get("phone", "") or push["endpoint"]
    hashed = contact_hash(address)
    with transaction.atomic():
        # Locked per contact, so two requests at once cannot both take the 20th place.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"alerts:{hashed}"])
        if Subscription.objects.of_contact(hashed).count() >= MAX_PER_CONTACT:
            raise SubscriptionRefused(
                "email" if "email" in data else "phone" if "phone" in data else "push",
                _(
                    "This contact already follows %(max)d places: stop one (the link in its messages) before adding another."
                )
                % {"max": MAX_PER_CONTACT},
            )
        subscription = Subscription.objects.create(
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            contact_hash=hashed,
            language=(get_language() or "id")[:2],
            place_kind=place.kind,
            place_code=place.code,
            radius_m=place.radius_m,
            area=place.area,
            categories=data.get("categories", []),
            frequency=data.get("frequency", Frequency.INSTANT),
        )
        if push:
            PushSubscription.objects.update_or_create(
                endpoint=push["endpoint"],
                defaults={"owner": subscription.owner, "p256dh": push["keys"]["p256dh"], "auth": push["keys"]["auth"]},
            )
        outbox.enqueue(f"alert-confirm:{subscription.id}", [_recipient(subscription, Kind.ALERT_CONFIRM, priority=0)])
    return subscription


def subscription_confirm(confirm_token: str) -> Subscription | None:
    """Confirm the subscription whose confirmation link this is; the link works once. None if unknown or used."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(confirm_token=confirm_token).first()
        if subscription is None:
            return None
        subscription.confirm_token = None
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirm_token", "confirmed_at"])
    return subscription


def subscription_remove(subscription: Subscription) -> None:
    """Stop following: the subscription and its browsers go; its queued messages find no contact and are skipped."""
    with transaction.atomic():
        PushSubscription.objects.filter(owner=subscription.owner).delete()
        subscription.delete()


def subscriptions_purge(moment: datetime) -> int:
    """Delete subscriptions left unconfirmed for PEKA_ALERTS_UNCONFIRMED_DAYS."""
    stale = Subscription.objects.unconfirmed_before(moment - timedelta(days=settings.PEKA_ALERTS_UNCONFIRMED_DAYS))
    owners = [f"subscription:{id_}" for id_ in stale.values_list("id", flat=True)]
    with transaction.atomic():
        PushSubscription.objects.filter(owner__in=owners).delete()
        deleted, _detail = stale.delete()
    return len(owners)


def alerts_for(complaint_id: int) -> int:
    """One alert for each instant follower of a new public complaint's place and category; none for a
    private one (disclosure.public). Idempotent: a retried job queues nothing twice."""
    complaint = public_complaints().select_related("category", "kelurahan", "kecamatan").filter(pk=complaint_id).first()
    if complaint is None:
        return 0
    ids = followers(
        complaint.location,
        complaint.category.code,
        kelurahan=complaint.kelurahan.code if complaint.kelurahan_id else "",
        kecamatan=complaint.kecamatan.code,
    )
    subscriptions = Subscription.objects.filter(id__in=ids).only("id", "email", "phone", "language")
    with transaction.atomic():
        created = outbox.enqueue(
            f"alert:{complaint.id}", [_recipient(s, Kind.ALERT) for s in subscriptions], complaint=complaint
        )
    return len(created)


def _recipient(subscription: Subscription, kind: str, *, priority: int = ALERT_PRIORITY) -> Recipient:
    return Recipient(
        Audience.SUBSCRIBER,
        subscription.owner,
        channel_of(subscription),
        kind,
        subscription.language,
        priority=priority,
    )


def digest_window(moment: datetime) -> tuple[datetime, datetime, str]:
    """The 24 hours before ``moment``, and the day's name for the digest's cause (its local date)."""
    return moment - timedelta(days=1), moment, timezone.localtime(moment).strftime("%Y%m%d")


# Every daily follower with at least one new public complaint in the window gets one digest
# Delivery, written by the database in one statement: the complaints come from disclosure.public's
# queryset (its SQL is spliced in below), the place and wishes from alerts.selectors (the same
# conditions as an instant alert; one join per way of following, so that codes are hash-joined and
# polygons probed through the GiST index), the channel mirrors channel_of(), and the unique (cause,
# recipient, channel) makes a second run of the same day add nothing.
_DIGEST_SQL = """
    WITH day AS (
        SELECT c.id, c.created_at, c.location, k.code AS category, kc.code AS kecamatan, kl.code AS kelurahan,
               %s::timestamptz AS until
        FROM ({complaints}) c
        JOIN {category} k ON k.id = c.category_id
        JOIN {kecamatan} kc ON kc.id = c.kecamatan_id
        LEFT JOIN {kelurahan} kl ON kl.id = c.kelurahan_id
    ), pairs AS ({pairs})
    INSERT INTO {delivery} (cause, kind, audience, recipient, channel, language, complaint_ids, status,
                            attempts, last_error, created_at)
    SELECT %s, %s, %s, 'subscription:' || p.subscription_id,
           CASE WHEN p.email <> '' THEN 'email' WHEN p.phone <> '' THEN 'whatsapp' ELSE 'webpush' END,
           p.language, array_agg(p.id ORDER BY p.created_at, p.id), %s, 0, '', %s
    FROM pairs p
    GROUP BY p.subscription_id, p.email, p.phone, p.language
    ON CONFLICT (cause, recipient, channel) DO NOTHING
    RETURNING id
"""
DEFER_CHUNK = 5000


def digest_send(moment: datetime) -> int:
    """The daily digests for the day ending at ``moment`` (07:00 WIB, the periodic task), assembled
    and their jobs queued in one transaction; returns how many."""
    with transaction.atomic():
        ids = digest_assemble(moment)
        digest_enqueue(ids)
    return len(ids)


def digest_assemble(moment: datetime) -> list[int]:
    """The day's digest deliveries (their ids), written by _DIGEST_SQL."""
    statement, params = digest_statement(moment)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [row[0] for row in cursor.fetchall()]


def digest_statement(moment: datetime) -> tuple[str, list]:
    since, until, day = digest_window(moment)
    complaints = (
        public_complaints()
        .filter(created_at__gte=since, created_at__lt=until)
        .values("id", "location", "category_id", "kecamatan_id", "kelurahan_id", "created_at")
    )
    sql, params = complaints.query.sql_with_params()
    table = Subscription._meta.db_table
    arms = place_arms("s", kelurahan="d.kelurahan", kecamatan="d.kecamatan", location="d.location")
    wanted = wanted_sql("s", frequency="'daily'", category="d.category")
    pairs = " UNION ALL ".join(
        f"""SELECT s.id AS subscription_id, s.email, s.phone, s.language, d.id, d.created_at
            FROM day d JOIN {table} s ON {arm} WHERE {wanted} AND s.confirmed_at < d.until"""
        for arm in arms
    )
    statement = _DIGEST_SQL.format(
        delivery=Delivery._meta.db_table,
        complaints=sql,
        category=Category._meta.db_table,
        kecamatan=Kecamatan._meta.db_table,
        kelurahan=Kelurahan._meta.db_table,
        subscription=table,
        pairs=pairs,
    )
    cause = f"alert-digest:{day}"
    return statement, [
        until,
        *params,
        cause,
        Kind.ALERT_DIGEST,
        Audience.SUBSCRIBER,
        DeliveryStatus.PENDING,
        timezone.now(),
    ]


def digest_enqueue(ids: list[int]) -> None:
    """One job per digest delivery, deferred in batches of DEFER_CHUNK (each carries the delivery's id)."""
    for start in range(0, len(ids), DEFER_CHUNK):
        outbox.schedule(*(Delivery(id=i) for i in ids[start : start + DEFER_CHUNK]), priority=ALERT_PRIORITY)
