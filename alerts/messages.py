"""What a follower of an area is told, in the language they subscribed in.

Only a complaint's public face goes out (disclosure.public: category, kelurahan, public description,
where on the map, its public tracking page); never who reported it.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from alerts.contacts import subscription_of
from disclosure.public import public_complaints, public_description
from geo.links import site_url
from notifications.messages import Message, tracking_url
from notifications.models import Delivery, Kind


def unsubscribe_url(token: str) -> str:
    return site_url(reverse("alerts:unsubscribe", args=[token]))


def confirm_url(token: str) -> str:
    return site_url(reverse("alerts:confirm", args=[token]))


def map_url(complaint) -> str:
    """The citizen map centred on the complaint (static/js/peta.js reads lat, lon)."""
    return site_url(reverse("home")) + f"?lat={complaint.location.y:.6f}&lon={complaint.location.x:.6f}"


def complaint_line(complaint) -> str:
    kelurahan = complaint.kelurahan.name if complaint.kelurahan_id else complaint.kecamatan.name
    return _("%(category)s in %(kelurahan)s: %(description)s") % {
        "category": complaint.category.name,
        "kelurahan": kelurahan,
        "description": public_description(complaint),
    }


def compose(delivery: Delivery) -> Message:
    subscription = subscription_of(delivery)
    with translation.override(delivery.language):
        stop = unsubscribe_url(subscription.token)
        if delivery.kind == Kind.ALERT_CONFIRM:
            return _confirmation(delivery, subscription, stop)
        if delivery.kind == Kind.ALERT_DIGEST:
            return _digest(delivery, stop)
        complaint = (
            public_complaints().select_related("category", "kelurahan", "kecamatan").get(pk=delivery.complaint_id)
        )
        return Message(
            subject=_("[PEKA] New in the area you follow: %(category)s") % {"category": complaint.category.name},
            lines=[complaint_line(complaint), _("On the map: %(url)s") % {"url": map_url(complaint)}],
            link=tracking_url(complaint),
            unsubscribe_url=stop,
            template="peka_area_baru",
            parameters=[complaint.tracking_code],
            language=delivery.language,
        )


def _confirmation(delivery, subscription, stop) -> Message:
    return Message(
        subject=_("[PEKA] Confirm: follow new complaints in an area"),
        lines=[
            _("Someone asked PEKA to send this address the new public complaints of an area of Pekanbaru."),
            _(
                "Nothing is sent until you confirm. If it was not you, ignore this message: the request is deleted "
                "in %(days)s days."
            )
            % {"days": settings.PEKA_ALERTS_UNCONFIRMED_DAYS},
        ],
        link=confirm_url(subscription.confirm_token or ""),
        unsubscribe_url=stop,
        template="peka_area_konfirmasi",
        parameters=[subscription.confirm_token or ""],
        language=delivery.language,
        answers=[(_("Yes, send me alerts"), confirm_url(subscription.confirm_token or ""))],
    )


def _digest(delivery, stop) -> Message:
    complaints = list(
        public_complaints()
        .select_related("category", "kelurahan", "kecamatan")
        .filter(id__in=delivery.complaint_ids)
        .order_by("created_at", "id")
    )
    lines = [_("New public complaints in the area you follow, in the last day:")]
    lines += [f"{complaint_line(c)} {tracking_url(c)}" for c in complaints]
    return Message(
        subject=_("[PEKA] %(count)d new complaints in the area you follow") % {"count": len(complaints)},
        lines=lines,
        link=site_url(reverse("home")),
        unsubscribe_url=stop,
        template="peka_area_ringkasan",
        parameters=[str(len(complaints))],
        language=delivery.language,
    )
