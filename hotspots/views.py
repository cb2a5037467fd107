"""The hotspot API: read-only layers and exports; every one filtered the same way (hotspots.query)."""

import json

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.models import Category, Channel
from disclosure.public import public_count, suppress_below
from geo.rest import QueryDateTimeField, StrictSerializer
from hotspots.exports import complaint_rows, export_response
from hotspots.gistar import gi_star
from hotspots.hexbins import heat_points, hex_counts, kecamatan_counts
from hotspots.query import HotspotQuerySerializer, hotspot_query
from hotspots.report_card import DEFAULT_DAYS, FIGURES, period_of, report_card
from hotspots.trends import trends


def feature_collection(features) -> HttpResponse:
    """GeoJSON from (geometry as GeoJSON text from PostGIS, properties) pairs, without re-parsing geometry."""
    body = ",".join(
        f'{{"type":"Feature","geometry":{geometry},"properties":{json.dumps(props, ensure_ascii=False)}}}'
        for geometry, props in features
    )
    return HttpResponse('{"type":"FeatureCollection","features":[' + body + "]}", content_type="application/geo+json")


class HotspotView(APIView):
    """Parses the common query; subclasses answer it."""

    own_parameters: tuple[str, ...] = ()

    @extend_schema(parameters=[HotspotQuerySerializer], responses={(200, "application/geo+json"): OpenApiTypes.OBJECT})
    def get(self, request, **kwargs):
        return self.answer(hotspot_query(request.query_params, also=self.own_parameters), **kwargs)


class Hexbins(HotspotView):
    """Complaints per hexagon (ST_HexagonGrid, UTM 47N); a count below the suppression threshold reads
    "<n" (disclosure.public.public_count)."""

    def answer(self, query):
        return feature_collection(
            (h.geojson, {"i": h.i, "j": h.j, "count": public_count(h.count)}) for h in hex_counts(query)
        )


class Heatmap(APIView):
    """Weighted points for Leaflet.heat, one per ~100 m cell; a cell below the suppression threshold
    (disclosure.public.suppress_below()) is left out."""

    @extend_schema(
        parameters=[HotspotQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
        description="Weighted points for Leaflet.heat, one per ~100 m cell with at least "
        f"{suppress_below()} complaints.",
    )
    def get(self, request):
        points = heat_points(hotspot_query(request.query_params))
        body = {"points": points, "max": max((w for _lat, _lon, w in points), default=0)}
        return HttpResponse(json.dumps(body), content_type="application/json")


def _gistar_properties(spot) -> dict:
    return {
        "i": spot.hexagon.i,
        "j": spot.hexagon.j,
        "kind": spot.kind,
        "confidence": spot.confidence,
        "z": round(spot.z, 3),
        "p": round(spot.p, 5),
        "count": public_count(spot.hexagon.count),
    }


class GiStar(HotspotView):
    """Getis-Ord Gi* hot and cold spots per hexagon, at 99/95/90% after a false-discovery-rate correction."""

    def answer(self, query):
        return feature_collection((s.hexagon.geojson, _gistar_properties(s)) for s in gi_star(query))


class Trends(HotspotView):
    """Each hexagon now against the period of the same length before: new, growing, stable, shrinking, gone."""

    def answer(self, query):
        return feature_collection(
            (
                t.hexagon.geojson,
                {
                    "i": t.hexagon.i,
                    "j": t.hexagon.j,
                    "kind": t.kind,
                    "before": public_count(t.before),
                    "now": public_count(t.now),
                },
            )
            for t in trends(query)
        )


def _kecamatan_properties(row) -> dict:
    suppressed = public_count(row.count) != row.count
    return {
        "code": row.code,
        "name": row.name,
        "category": row.category,
        "count": public_count(row.count),
        "per_km2": None if suppressed else round(row.per_km2, 2),
        "area_km2": round(row.area_km2, 3),
    }


class KecamatanSummary(HotspotView):
    """Complaints and complaints per km² per kecamatan (``by_category=true``: per kecamatan and category)."""

    own_parameters = ("by_category",)

    def answer(self, query):
        by_category = self.request.query_params.get("by_category") == "true"
        rows = kecamatan_counts(query, by_category=by_category)
        return feature_collection((r.geojson, _kecamatan_properties(r)) for r in rows)


EXPORTS = {"complaints", "hexbins", "gistar"}


def _export_count(n: int) -> dict:
    """In files a column keeps one type: a suppressed count is empty, and says so."""
    suppressed = public_count(n) != n
    return {"count": None if suppressed else n, "suppressed": suppressed}


class Export(HotspotView):
    """Download complaints, hexagon counts or Gi* results as .geojson, .csv or .gpkg, for the current filters."""

    def answer(self, query, dataset, fmt):
        if dataset not in EXPORTS or fmt not in ("geojson", "csv", "gpkg"):
            raise Http404
        if dataset == "complaints":
            rows = complaint_rows(query)
        elif dataset == "hexbins":
            rows = (
                {"i": h.i, "j": h.j, **_export_count(h.count), "geometry": json.loads(h.geojson)}
                for h in hex_counts(query)
            )
        else:
            rows = (
                {**_gistar_properties(s), **_export_count(s.hexagon.count), "geometry": json.loads(s.hexagon.geojson)}
                for s in gi_star(query)
            )
        return export_response(rows, fmt, f"peka-{dataset}", layer=dataset)


class ReportCardQuerySerializer(StrictSerializer):
    month = serializers.RegexField(
        r"^(20\d\d|2100)-(0[1-9]|1[0-2])$",
        required=False,
        help_text="A month, e.g. 2026-10.",
        error_messages={"invalid": gettext_lazy("Give a month as YYYY-MM between 2000 and 2100, e.g. 2026-10.")},
    )
    since = QueryDateTimeField(required=False)
    until = QueryDateTimeField(required=False)

    def validate(self, attrs):
        if attrs.get("month") and (attrs.get("since") or attrs.get("until")):
            raise serializers.ValidationError(_("Give either a month or since/until, not both."))
        if attrs.get("since") and attrs.get("until") and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"since": [_("since must be before until.")]})
        return attrs


def report_card_answer(params) -> dict:
    """The report card for the period the parameters name, each row with the previous period's figures."""
    incoming = ReportCardQuerySerializer(data={k: v for k, v in params.items() if v != ""})
    incoming.is_valid(raise_exception=True)
    data = incoming.validated_data
    period = period_of(data.get("since"), data.get("until"), data.get("month"), now=timezone.now())
    now, before = report_card(period), report_card(period.previous)
    names = {
        "category": {c.code: c.name for c in Category.objects.all()},
        "channel": {code: capfirst(str(label)) for code, label in Channel.choices},
    }
    for group, rows in now.items():
        earlier = {row["code"]: row for row in before[group]}
        for row in rows:
            if group in names:
                row["name"] = names[group].get(row["code"], row["name"])
            row["previous"] = {f: earlier.get(row["code"], {}).get(f) for f in FIGURES}
    return {
        "period": {"since": period.since.isoformat(), "until": period.until.isoformat()},
        "previous_period": {"since": period.previous.since.isoformat(), "until": period.previous.until.isoformat()},
        **now,
    }


class ReportCard(APIView):
    """Every agency's, task force's, kecamatan's, category's and channel's figures for a period (default:
    the last DEFAULT_DAYS days), with the period before for comparison. The methodology is on /rapor/."""

    @extend_schema(
        parameters=[ReportCardQuerySerializer],
        responses={200: OpenApiTypes.OBJECT},
        description="Every agency's, task force's, kecamatan's, category's and channel's figures for a period "
        f"(default: the last {DEFAULT_DAYS} days), with the period before for comparison. The methodology is on /rapor/.",
    )
    def get(self, request):
        return Response(report_card_answer(request.query_params))
