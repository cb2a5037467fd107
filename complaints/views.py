"""The complaints API. Views only translate between HTTP and the services and selectors."""
from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from boundaries.selectors import route
from complaints.filters import ComplaintFilter
from complaints.models import Complaint
from complaints.serializers import ComplaintCreateSerializer, ComplaintSerializer, LocateQuerySerializer
from complaints.services import OutsideCity, Reporter, complaint_create
from complaints.tracking import normalize_tracking_code
from geo.spatial import WGS84

IDEMPOTENCY_KEY_MAX = 64


class ComplaintPagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


def public_complaints():
    return Complaint.objects.public().select_related("category", "kecamatan", "kelurahan")


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
        responses={201: ComplaintSerializer, 400: OpenApiResponse(description="Field errors, or a point outside the city.")},
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip() or None
        if key and (len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable()):
            raise ValidationError({"Idempotency-Key": [_("At most %(max)d printable characters.") % {"max": IDEMPOTENCY_KEY_MAX}]})
        incoming = ComplaintCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            complaint, created = complaint_create(
                category=data["category"],
                description=data["description"],
                location=data["location"],
                reporter=Reporter(**data.get("reporter", {})),
                idempotency_key=key,
            )
        except OutsideCity as exc:
            raise ValidationError({"location": [str(exc)]}) from exc
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
    """What routing would decide for a point, without storing anything."""

    @extend_schema(
        parameters=[LocateQuerySerializer],
        responses={
            200: inline_serializer(
                "LocateDecision",
                {
                    "accepted": serializers.BooleanField(),
                    "rule": serializers.CharField(),
                    "reason": serializers.CharField(),
                    "distance_m": serializers.FloatField(),
                    "kecamatan": inline_serializer("LocateArea", {"code": serializers.CharField(), "name": serializers.CharField()}),
                    "kelurahan": inline_serializer("LocateKelurahan", {"code": serializers.CharField(), "name": serializers.CharField()}, allow_null=True),
                },
            ),
            400: OpenApiResponse(description="Bad coordinates, or a point outside the city."),
        },
    )
    def get(self, request):
        query = LocateQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        decision = route(Point(query.validated_data["lon"], query.validated_data["lat"], srid=WGS84))
        if not decision.accepted:
            raise ValidationError({"location": [decision.reason()]})
        return Response(
            {
                "accepted": True,
                "rule": decision.rule.value,
                "reason": decision.reason(),
                "distance_m": round(decision.distance_m, 1),
                "kecamatan": decision.kecamatan.as_dict(),
                "kelurahan": decision.kelurahan.as_dict() if decision.kelurahan else None,
            }
        )
