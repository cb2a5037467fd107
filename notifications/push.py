"""Web Push subscriptions: the browser's side of "kabari saya di perangkat ini" and the staff inbox.

* GET  /sw.js                                  the service worker, from our own origin
* GET  /api/v1/push/key/                       the VAPID public key to subscribe with
* POST /api/v1/complaints/<code>/push/         a reporter's browser, with the reporter key (disclosure.reporter)
* POST /api/v1/staff/push/                     a signed-in staff member's browser (adds Web Push to their channels)
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from disclosure.reporter import action_complaint, require_reporter
from geo.ratelimits import RateLimit
from geo.rest import StrictSerializer
from notifications.models import Channel, PushSubscription, StaffPreference
from notifications.vapid import public_key


class KeysSerializer(StrictSerializer):
    p256dh = serializers.RegexField(r"^[A-Za-z0-9_-]{80,100}=*$", max_length=200)
    auth = serializers.RegexField(r"^[A-Za-z0-9_-]{16,40}=*$", max_length=100)


class SubscriptionSerializer(StrictSerializer):
    """A PushSubscription as the browser's toJSON() gives it."""

    endpoint = serializers.URLField(max_length=1000)
    expirationTime = serializers.IntegerField(required=False, allow_null=True)  # noqa: N815 (the Push API's name)
    keys = KeysSerializer()

    def validate_endpoint(self, value: str) -> str:
        allowed = {"https", "http"} if settings.PEKA_PUSH_ALLOW_HTTP else {"https"}
        if urlsplit(value).scheme not in allowed:
            raise serializers.ValidationError(_("A push endpoint must be an https address."))
        return value


def _store(owner: str, data: dict) -> PushSubscription:
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=data["endpoint"],
        defaults={"owner": owner, "p256dh": data["keys"]["p256dh"], "auth": data["keys"]["auth"]},
    )
    return subscription


STORED = inline_serializer("PushStored", {"subscribed": serializers.BooleanField()})


class PushKey(APIView):
    """The VAPID public key (applicationServerKey) for PushManager.subscribe()."""

    @extend_schema(responses=inline_serializer("PushKey", {"public_key": serializers.CharField()}))
    def get(self, request):
        return Response({"public_key": public_key()})


class ComplaintPushLimit(RateLimit):
    """The reporter's actions' limit, PEKA_RATE_LIMIT_CITIZEN_ACTIONS per client address, counted in the
    same scope as web.limits.CitizenActionLimit (which this app, below web, cannot import)."""

    scope = "citizen-actions"
    setting = "PEKA_RATE_LIMIT_CITIZEN_ACTIONS"


class ComplaintPush(APIView):
    """ "Kabari saya di perangkat ini": this browser hears of the complaint's updates."""

    throttle_classes = [ComplaintPushLimit]

    @extend_schema(request=SubscriptionSerializer, responses={201: STORED})
    def post(self, request, tracking_code):
        complaint = action_complaint(request, tracking_code)  # before the body: a private code reads as unknown
        if not isinstance(request.data, dict):
            raise ValidationError(_("Send the subscription as a JSON object."))
        data = dict(request.data)
        key = data.pop("reporter_key", None)
        require_reporter(request, complaint, key)  # a message to this browser carries the private link
        incoming = SubscriptionSerializer(data=data)
        incoming.is_valid(raise_exception=True)
        _store(f"complaint:{complaint.id}", incoming.validated_data)
        return Response({"subscribed": True}, status=201)


class StaffPush(APIView):
    """This browser gets pushes for the signed-in staff member's inbox."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=SubscriptionSerializer, responses={201: STORED})
    def post(self, request):
        if not hasattr(request.user, "staff_role"):
            raise PermissionDenied(_("Only staff can receive inbox notifications."))
        incoming = SubscriptionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():
            _store(f"user:{request.user.id}", incoming.validated_data)
            preference, _created = StaffPreference.objects.select_for_update().get_or_create(
                user=request.user, defaults={"channels": [Channel.EMAIL]}
            )
            if Channel.WEBPUSH not in preference.channels:
                preference.channels = [*(preference.channels or [Channel.EMAIL]), Channel.WEBPUSH]
                preference.save(update_fields=["channels"])
        return Response({"subscribed": True}, status=201)


def service_worker(request):
    """Served from the site's root so that it may control every page."""
    response = render(request, "notifications/sw.js", content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
