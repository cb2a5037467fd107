"""The assets API: the assets near a place (the citizen's map), the chronic ones (planners), and an
asset's history (staff). Views translate between HTTP and hotspots.assets."""

import json

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from assets.models import Asset, AssetKind
from complaints import access
from hotspots.assets import assets_in_bbox, chronic_assets
from hotspots.exports import export_response
from web.assets.serializers import AssetQuerySerializer, ChronicQuerySerializer, asset_properties
from web.staff.api import IsStaff, StaffComplaintSerializer


def _geojson(features: list[dict]) -> HttpResponse:
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return HttpResponse(body, content_type="application/geo+json")


def _feature(asset: Asset, **properties) -> dict:
    return {
        "type": "Feature",
        "id": asset.id,
        "geometry": {"type": "Point", "coordinates": [round(asset.location.x, 7), round(asset.location.y, 7)]},
        "properties": {**asset_properties(asset), **properties},
    }


class AssetList(APIView):
    """Assets of a kind (or of a category's kinds) inside a small box, as GeoJSON; ``reported``: an
    open public complaint is already on it."""

    @extend_schema(parameters=[AssetQuerySerializer], responses={(200, "application/geo+json"): OpenApiTypes.OBJECT})
    def get(self, request):
        query = AssetQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        kinds = [data["kind"]] if data.get("kind") else list(AssetKind.objects.filter(category__code=data["category"]))
        features = [
            _feature(asset, reported=asset.reported) for kind in kinds for asset in assets_in_bbox(kind, data["bbox"])
        ]
        response = _geojson(features)
        response["Cache-Control"] = "public, max-age=60"
        return response


def _chronic_rows(request):
    query = ChronicQuerySerializer(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return chronic_assets(data.get("kind"), days=data["days"], minimum=data["min"])


def _chronic_properties(row) -> dict:
    return {
        **asset_properties(row.asset),
        "reports": row.reports,
        "last_reported_at": timezone.localtime(row.last_reported_at).isoformat(),
    }


class ChronicAssets(APIView):
    """Assets reported at least ``min`` times in the last ``days`` days (public complaints only),
    most reported first, as GeoJSON."""

    @extend_schema(parameters=[ChronicQuerySerializer], responses={(200, "application/geo+json"): OpenApiTypes.OBJECT})
    def get(self, request):
        return _geojson([_feature(row.asset, **_chronic_properties(row)) for row in _chronic_rows(request)])


class ChronicAssetsExport(APIView):
    """The chronic assets as a download: .csv (lon, lat and WKT columns) or .geojson."""

    @extend_schema(parameters=[ChronicQuerySerializer], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, fmt):
        if fmt not in ("csv", "geojson"):
            raise NotFound()
        rows = (
            {**_chronic_properties(r), "lon": round(r.asset.location.x, 7), "lat": round(r.asset.location.y, 7)}
            for r in _chronic_rows(request)
        )
        return export_response(rows, fmt, "peka-chronic-assets", layer="chronic_assets")


class StaffAssetHistory(APIView):
    """Staff: an asset and every complaint filed on it that the staff member may see, newest first."""

    permission_classes = [IsStaff]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, asset_id: int):
        asset = Asset.objects.select_related("kind").filter(pk=asset_id).first()
        if asset is None:
            raise NotFound()
        complaints = access.staff_complaints(request.user).filter(asset=asset).order_by("-created_at")
        return Response(
            {
                **_feature(asset),
                "complaints": StaffComplaintSerializer(complaints.select_related("category"), many=True).data[
                    "features"
                ],
            }
        )
