"""Area alerts and feeds over HTTP. Views only translate; alerts.services decides.

* POST   /api/v1/subscriptions/            follow a place (202; the confirmation is sent)
* GET    /api/v1/subscriptions/<token>/    the subscription, for the holder of its token
* DELETE /api/v1/subscriptions/<token>/    stop following
* GET    /ikuti/konfirmasi/<token>/        the confirmation link (single use)
* GET/POST /ikuti/berhenti/<token>/        every alert's unsubscribe link (and RFC 8058 one-click POST)
* POST   /lacak/<code>/ikuti/              "Ikuti laporan ini": hear of a public complaint's status changes
* GET    /feeds/complaints.atom | .rss     new public complaints, with the public list's filters
"""

import json

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts import feeds, services
from alerts.limits import SubscribeLimit
from alerts.models import Subscription
from alerts.places import PlaceInvalid
from alerts.serializers import AreaSubscriptionSerializer, SubscriptionCreateSerializer
from complaints.tracking import normalize_tracking_code
from disclosure.public import public_complaints
from geo.ratelimits import retry_after_seconds, too_many_message
from notifications.supporters import supporter_add, supporter_contact


class SubscriptionCreate(APIView):
    """Follow a place: new public complaints there, by e-mail, WhatsApp or Web Push, after confirming."""

    throttle_classes = [SubscribeLimit]

    @extend_schema(
        request=SubscriptionCreateSerializer,
        responses={
            202: inline_serializer("SubscriptionAccepted", {"detail": serializers.CharField()}),
            400: OpenApiResponse(description="Field errors: the contact, the place, a category, the cap of 20."),
            429: OpenApiResponse(description="Too many subscriptions from this address; Retry-After says when."),
        },
    )
    def post(self, request):
        incoming = SubscriptionCreateSerializer(data=request.data if isinstance(request.data, dict) else {})
        incoming.is_valid(raise_exception=True)
        try:
            services.subscription_create(incoming.validated_data)
        except (PlaceInvalid, services.SubscriptionRefused) as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        answer = Response(
            {"detail": _("Almost done: open the link we sent to confirm. Nothing is sent before that.")},
            status=status.HTTP_202_ACCEPTED,
        )
        add_never_cache_headers(answer)
        return answer


class SubscriptionDetail(APIView):
    """One subscription, for whoever holds its token (the link in its messages)."""

    def _get(self, token) -> Subscription:
        subscription = Subscription.objects.filter(token=token).first()
        if subscription is None:
            raise NotFound(
                _("No subscription has this link: it was removed, or never confirmed within %(days)s days.")
                % {"days": settings.PEKA_ALERTS_UNCONFIRMED_DAYS}
            )
        return subscription

    @extend_schema(responses=AreaSubscriptionSerializer)
    def get(self, request, token):
        answer = Response(AreaSubscriptionSerializer(self._get(token)).data)
        add_never_cache_headers(answer)
        return answer

    @extend_schema(responses={204: None})
    def delete(self, request, token):
        services.subscription_remove(self._get(token))
        return Response(status=status.HTTP_204_NO_CONTENT)


def confirm(request, token):
    """The confirmation link: a GET confirms (the double opt-in's second step), once."""
    subscription = services.subscription_confirm(token)
    response = render(
        request,
        "alerts/confirmed.html",
        {"subscription": subscription, "unconfirmed_days": settings.PEKA_ALERTS_UNCONFIRMED_DAYS},
        status=200 if subscription else 404,
    )
    add_never_cache_headers(response)
    return response


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no cookie; the token is the proof
def unsubscribe(request, token):
    """A GET shows what stops (a link preview must not unsubscribe anyone); a POST removes it."""
    subscription = Subscription.objects.filter(token=token).first()
    if request.method == "POST" and subscription is not None:
        services.subscription_remove(subscription)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("Unsubscribed."), content_type="text/plain; charset=utf-8")
        return render(request, "alerts/unsubscribe.html", {"done": True})
    response = render(
        request,
        "alerts/unsubscribe.html",
        {"done": False, "subscription": subscription},
        status=200 if subscription else 404,
    )
    add_never_cache_headers(response)
    return response


@require_POST
def follow_complaint(request, code):
    """ "Ikuti laporan ini" on a public complaint's tracking page: the supporter opt-in
    (notifications.supporters) without a support, since following a report is not saying "me too";
    once its owner confirms, the contact hears of its status changes. Limited like subscribing (PEKA_RATE_LIMIT_SUBSCRIBE)."""
    complaint = public_complaints().filter(tracking_code=normalize_tracking_code(code)).first()
    if complaint is None:
        raise Http404
    limit = SubscribeLimit()
    if not limit.allow_request(request, None):
        messages.error(request, too_many_message(retry_after_seconds(limit.wait())))
        return redirect(complaint)
    try:
        contact = supporter_contact({k: request.POST.get(k, "") for k in ("email", "phone")})
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for field in exc.detail.values() for m in field))
        return redirect(complaint)
    if not contact:
        messages.error(request, _("Give an e-mail address or a WhatsApp number."))
    else:
        supporter_add(complaint, contact)
        messages.success(
            request, _("Almost done: open the link we sent to confirm. Nothing is sent before that.")
        )
    return redirect(complaint)


def feed(request, kind):
    try:
        return feeds.build(request, kind)
    except feeds.FilterInvalid as exc:
        return HttpResponse(json.dumps(exc.errors), status=400, content_type="application/json")
