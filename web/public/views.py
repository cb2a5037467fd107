"""The complaints API. Views only translate between HTTP and the services and selectors."""

import json
import re

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from boundaries.selectors import route
from complaints import access, idempotency
from complaints.intake import complaint_create_validated
from complaints.models import Complaint, Photo
from complaints.photos import PhotoRefused, photo_location
from complaints.routing import route_complaint
from complaints.tracking import normalize_tracking_code
from complaints.workflow import complaint_add_information, complaint_rate, complaint_reopen, complaint_support
from disclosure.public import public_complaints, public_photo_q
from disclosure.reporter import action_complaint, is_reporter, private_url, require_reporter, supporter_of
from geo.spatial import WGS84
from notifications.supporters import SupporterContactSerializer, supporter_add
from web.limits import CitizenActionLimit, IntakeLimit, PhotoLocationLimit, SupportDailyLimit, SupportLimit
from web.public.filters import ComplaintFilter
from web.public.geojson import feature_collection_json, features_json
from web.public.selectors import nearby_open
from web.public.serializers import (
    AddInformationSerializer,
    AreaSerializer,
    CitizenAnswerSerializer,
    ComplaintCreateSerializer,
    ComplaintSerializer,
    LocateQuerySerializer,
    NearbyComplaintSerializer,
    NearbyQuerySerializer,
    PhotoLocationSerializer,
    RatingSerializer,
    ReopenSerializer,
    feature_properties,
)


class ComplaintPagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_paginated_response_schema(self, schema):
        # GeoJsonPagination documents a "results" list it never sends; the answer is the
        # FeatureCollection itself with count, next and previous beside "features".
        return {
            "allOf": [
                schema,
                {
                    "type": "object",
                    "required": ["count"],
                    "properties": {
                        "count": {"type": "integer", "example": 123},
                        "next": {"type": "string", "nullable": True, "format": "uri"},
                        "previous": {"type": "string", "nullable": True, "format": "uri"},
                    },
                },
            ]
        }


@extend_schema_view(
    get=extend_schema(
        description="Public complaints as a GeoJSON FeatureCollection, newest first. Each Feature's `id` is its "
        "tracking code; its properties are the lean ones (category, status, created_at, support_count) unless "
        "`fields` names others. The detail endpoint always has them all.",
        parameters=[
            OpenApiParameter(
                "fields",
                str,
                description="`all` for every property of ComplaintSerializer, or a comma-separated list of their "
                "names (e.g. `category,status,description`); an unknown name is a 400 listing the allowed ones.",
            )
        ],
    )
)
class ComplaintListCreate(generics.ListAPIView):
    """Public complaints as a GeoJSON FeatureCollection; POST files a new one."""

    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    pagination_class = ComplaintPagination

    def get_queryset(self):
        return public_complaints()

    def list(self, request, *args, **kwargs):
        """The page's Features are written by the database (web.public.geojson): the serializer's JSON
        without a Python object per field, with the properties ``fields`` asks for (lean by default)."""
        properties = feature_properties(request.query_params.get("fields"))
        queryset = self.filter_queryset(self.get_queryset())
        ids = self.paginate_queryset(queryset.values_list("id", flat=True))
        body = feature_collection_json(
            features_json(ids, properties),
            count=self.paginator.page.paginator.count,
            next=self.paginator.get_next_link(),
            previous=self.paginator.get_previous_link(),
        )
        return HttpResponse(body, content_type="application/json")

    def get_throttles(self):
        # Reading is free; filing is limited per client address.
        return [IntakeLimit()] if self.request.method == "POST" else []

    @extend_schema(
        request={"application/json": ComplaintCreateSerializer, "multipart/form-data": ComplaintCreateSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Any unique string (at most 64 characters): a retry with the same key and the same content returns the first answer; the same key with other content is a 422.",
            )
        ],
        responses={
            201: ComplaintSerializer,
            400: OpenApiResponse(description="Field errors, or a point outside the city."),
            422: OpenApiResponse(description="The Idempotency-Key was already used for a different complaint."),
            429: OpenApiResponse(description="Too many complaints from this address; Retry-After says when to retry."),
        },
    )
    def post(self, request):
        key = idempotency.key_from(request)
        incoming = ComplaintCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        complaint, created = complaint_create_validated(incoming.validated_data, idempotency_key=key)
        if not created:
            # The key is given once: a replay says so, and the reporter asks staff for a new private link.
            # Only the tracking code, unless the request speaks for the reporter (disclosure.reporter):
            # an Idempotency-Key and a body are no proof of having filed them, and a private complaint's
            # state (status, place) is for its reporter and staff alone (privacy rule 2).
            replayed = {"Idempotent-Replayed": "true"}
            if is_reporter(request, complaint):
                return _feature_response(complaint, status=status.HTTP_201_CREATED, headers=replayed, reporter_key=None)
            response = Response(
                {
                    "id": complaint.tracking_code,
                    "reporter_key": None,
                    "detail": _(
                        "This complaint was already filed with this Idempotency-Key: here is its tracking code. "
                        "The reporter key was given only in the first answer."
                    ),
                },
                status=status.HTTP_201_CREATED,
                headers=replayed,
            )
            add_never_cache_headers(response)
            return response
        return _feature_response(
            complaint,
            status=status.HTTP_201_CREATED,
            reporter_key=complaint.reporter_key,
            private_url=request.build_absolute_uri(private_url(complaint, complaint.reporter_key)),
        )


class ComplaintDetail(generics.RetrieveAPIView):
    """One public complaint by its tracking code."""

    serializer_class = ComplaintSerializer
    lookup_field = "tracking_code"
    filter_backends = []

    def get_queryset(self):
        return public_complaints()

    def get_object(self):
        self.kwargs[self.lookup_field] = normalize_tracking_code(self.kwargs[self.lookup_field])
        return super().get_object()

    def retrieve(self, request, *args, **kwargs):
        return _feature_response(self.get_object())


def _feature_response(complaint: Complaint, *, status: int = 200, headers=None, **members) -> HttpResponse:
    """A complaint as its public GeoJSON Feature (ComplaintSerializer's shape), written by the database
    in one query; ``members`` (the reporter key, for the reporter alone) are added beside its properties."""
    body = features_json([complaint.id])[1:-1]
    if members:
        body = body[:-1] + ", " + json.dumps(members)[1:]
    response = HttpResponse(body, content_type="application/json", status=status, headers=headers)
    if members.get("reporter_key"):
        add_never_cache_headers(response)
    return response


class Locate(APIView):
    """What routing would decide for a point (and a category), without storing anything."""

    @extend_schema(
        parameters=[LocateQuerySerializer],
        responses={
            200: inline_serializer(
                "LocateDecision",
                {
                    "accepted": serializers.BooleanField(),
                    "rule": serializers.CharField(),
                    "assignment_rule": serializers.CharField(allow_null=True),
                    "reason": serializers.CharField(),
                    "distance_m": serializers.FloatField(),
                    "kecamatan": AreaSerializer(),
                    "kelurahan": AreaSerializer(allow_null=True),
                    "agency": AreaSerializer(allow_null=True),
                    "task_force": AreaSerializer(allow_null=True),
                },
            ),
            400: OpenApiResponse(description="Bad coordinates or category, or a point outside the city."),
        },
    )
    def get(self, request):
        query = LocateQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        point = Point(query.validated_data["lon"], query.validated_data["lat"], srid=WGS84)
        category = query.validated_data.get("category")
        if category:
            decision = route_complaint(point, category)
            area = decision.area
        else:
            decision, area = None, route(point)
        if not area.accepted:
            raise ValidationError({"location": [area.reason()]})

        def named(ref):
            return ref.as_dict() if ref else None

        return Response(
            {
                "accepted": True,
                "rule": area.rule.value,
                "assignment_rule": decision.rule.value if decision else None,
                "reason": decision.reason() if decision else area.reason(),
                "distance_m": round(area.distance_m, 1),
                "kecamatan": named(area.kecamatan),
                "kelurahan": named(area.kelurahan),
                "agency": named(decision.agency) if decision else None,
                "task_force": named(decision.task_force) if decision else None,
            }
        )


class CitizenAction(APIView):
    """An action only the reporter may take: it needs the complaint's reporter key. Without it a
    private complaint answers as if it did not exist (404, whatever the body), a public one 403;
    nothing changes. Limited per client address (PEKA_RATE_LIMIT_CITIZEN_ACTIONS)."""

    input_serializer: type[serializers.Serializer]
    throttle_classes = [CitizenActionLimit]

    def post(self, request, tracking_code):
        complaint = action_complaint(request, tracking_code)  # before the body: a private code reads as unknown
        require_reporter(request, complaint, request.data.get("reporter_key") if hasattr(request.data, "get") else None)
        incoming = self.input_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.pop("reporter_key")
        self.act(complaint, **data)
        complaint.refresh_from_db()
        response = Response(CitizenAnswerSerializer(complaint).data)
        add_never_cache_headers(response)
        return response


class SupportSerializer(SupporterContactSerializer):
    """A "Dukung": optionally the supporter's own reporter key (counted once per key) and a contact to
    hear of status changes."""

    reporter_key = serializers.CharField(
        max_length=64, required=False, help_text="Your own reporter key, if you have one: counted once per key."
    )


@extend_schema(request=SupportSerializer, responses=CitizenAnswerSerializer)
class ComplaintSupport(APIView):
    """ "Dukung": say "me too" to an open public complaint instead of filing a duplicate.

    Counted once per supporter: per reporter key when one is sent (a key of the supporter's own
    complaint), else per browser session. Limited per client address per minute and per day, since a
    new session costs nothing.
    """

    throttle_classes = [SupportLimit, SupportDailyLimit]

    def post(self, request, tracking_code):
        complaint = public_complaints().filter(tracking_code=normalize_tracking_code(tracking_code)).first()
        if complaint is None:
            raise NotFound()
        incoming = SupportSerializer(data=request.data if isinstance(request.data, dict) else {})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        complaint, counted = complaint_support(
            complaint=complaint, supporter=supporter_of(request, data.get("reporter_key"))
        )
        if counted:  # optional: a contact to hear of status changes
            supporter_add(complaint, {k: v for k in ("email", "phone") if (v := data.get(k))})
        return Response({**CitizenAnswerSerializer(complaint).data, "already_supported": not counted})


class NearbyComplaints(APIView):
    """Open public complaints of a category near a point: the duplicate check before filing."""

    @extend_schema(parameters=[NearbyQuerySerializer], responses=NearbyComplaintSerializer(many=True))
    def get(self, request):
        query = NearbyQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        asset = data.get("asset")
        point = Point(data["lon"], data["lat"], srid=WGS84)
        nearby = nearby_open(point, data["category"], data["radius_m"], asset=asset)
        return Response(NearbyComplaintSerializer(nearby[:20], many=True).data)


class PhotoLocation(APIView):
    """The GPS position a photo carries, to offer it as the pin; the photo is not stored."""

    throttle_classes = [PhotoLocationLimit]

    @extend_schema(
        request={"multipart/form-data": PhotoLocationSerializer},
        responses=inline_serializer("PhotoLocationAnswer", {"location": serializers.JSONField(allow_null=True)}),
    )
    def post(self, request):
        incoming = PhotoLocationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            point = photo_location(incoming.validated_data["photo"])
        except PhotoRefused as exc:
            raise ValidationError({"photo": [str(exc)]}) from exc
        return Response({"location": {"type": "Point", "coordinates": [point.x, point.y]} if point else None})


# Stored photo names: random, from complaints.photos (hex digits, an extension).
PHOTO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}\.(jpg|jpeg|png|webp)$")


def photo_file(request, name):
    """A stored photo or thumbnail, if its complaint is public or the user works it."""
    if not PHOTO_NAME.match(name):
        raise Http404
    path = f"photos/{name}"
    photo = Photo.objects.select_related("complaint").filter(Q(image=path) | Q(thumbnail=path)).first()
    if photo is None:
        raise Http404
    complaint = photo.complaint
    # Public unless private, held or hidden by moderation (disclosure.public); otherwise its staff's.
    public = Photo.objects.filter(public_photo_q(), pk=photo.pk).exists()
    if not public and not access.staff_complaints(request.user).filter(pk=complaint.pk).exists():
        raise Http404
    response = FileResponse(default_storage.open(path), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    if not public:
        add_never_cache_headers(response)
    else:
        response["Cache-Control"] = "public, max-age=86400"
    return response


@extend_schema(
    request=ReopenSerializer,
    responses=CitizenAnswerSerializer,
    description=f"Reopen a resolved complaint within {settings.PEKA_REOPEN_DAYS} days, saying why (409 outside the window).",
)
class ComplaintReopen(CitizenAction):
    """Reopen a resolved complaint within PEKA_REOPEN_DAYS days, saying why (409 outside the window)."""

    input_serializer = ReopenSerializer

    def act(self, complaint, *, reason):
        return complaint_reopen(complaint=complaint, reason=reason)


@extend_schema(request=RatingSerializer, responses=CitizenAnswerSerializer)
class ComplaintRating(CitizenAction):
    """Rate a closed complaint 1–5, once."""

    input_serializer = RatingSerializer

    def act(self, complaint, **data):
        return complaint_rate(complaint=complaint, **data)


@extend_schema(request=AddInformationSerializer, responses=CitizenAnswerSerializer)
class ComplaintAddInformation(CitizenAction):
    """Add information to an open complaint: the task force sees it, the public does not."""

    input_serializer = AddInformationSerializer

    def act(self, complaint, *, text):
        return complaint_add_information(complaint=complaint, text=text)
