"""The complaints API. Views only translate between HTTP and the services and selectors."""

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from boundaries.selectors import route
from complaints.filters import ComplaintFilter
from complaints.intake import Reporter, complaint_create
from complaints.models import Complaint
from complaints.routing import route_complaint
from complaints.serializers import (
    AreaSerializer,
    CitizenAnswerSerializer,
    ComplaintCreateSerializer,
    ComplaintSerializer,
    LocateQuerySerializer,
    RatingSerializer,
    ReopenSerializer,
)
from complaints.tracking import normalize_tracking_code
from complaints.workflow import complaint_rate, complaint_reopen
from geo.spatial import WGS84

IDEMPOTENCY_KEY_MAX = 64


class ComplaintPagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def public_complaints():
    return Complaint.objects.public().select_related("category", "kecamatan", "kelurahan", "agency", "task_force")


class ComplaintListCreate(generics.ListAPIView):
    """Public complaints as a GeoJSON FeatureCollection; POST files a new one."""

    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    pagination_class = ComplaintPagination

    def get_queryset(self):
        return public_complaints()

    @extend_schema(
        request=ComplaintCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Any unique string (at most 64 characters): a retry with the same key returns the first answer.",
            )
        ],
        responses={
            201: ComplaintSerializer,
            400: OpenApiResponse(description="Field errors, or a point outside the city."),
        },
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key and (len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable()):
            raise ValidationError(
                {"Idempotency-Key": [_("At most %(max)d printable characters.") % {"max": IDEMPOTENCY_KEY_MAX}]}
            )
        incoming = ComplaintCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        complaint, created = complaint_create(
            category=data["category"],
            description=data["description"],
            location=data["location"],
            reporter=Reporter(**data.get("reporter", {})),
            idempotency_key=key,
        )
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED, headers=headers)


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
    """An action the citizen takes with their tracking code (any category: the code is the key)."""

    input_serializer: type[serializers.Serializer]

    def post(self, request, tracking_code):
        complaint = Complaint.objects.filter(tracking_code=normalize_tracking_code(tracking_code)).first()
        if complaint is None:
            raise NotFound()
        incoming = self.input_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        complaint = self.act(complaint, **incoming.validated_data)
        return Response(CitizenAnswerSerializer(complaint).data)


@extend_schema(request=ReopenSerializer, responses=CitizenAnswerSerializer)
class ComplaintReopen(CitizenAction):
    """Reopen a resolved complaint within 14 days, saying why (409 outside the window)."""

    input_serializer = ReopenSerializer

    def act(self, complaint, *, reason):
        return complaint_reopen(complaint=complaint, reason=reason)


@extend_schema(request=RatingSerializer, responses=CitizenAnswerSerializer)
class ComplaintRating(CitizenAction):
    """Rate a closed complaint 1–5, once."""

    input_serializer = RatingSerializer

    def act(self, complaint, **data):
        return complaint_rate(complaint=complaint, **data)
