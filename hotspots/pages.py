"""/peta-panas/: the hotspot page for the public and for planners."""

from django.conf import settings
from django.http import QueryDict
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from rest_framework.exceptions import ValidationError

from boundaries.models import Kecamatan
from complaints.onsite import MAX_RADIUS_M, RADIUS_M
from disclosure.public import public_categories, public_count, suppress_below
from hotspots.hexbins import kecamatan_counts
from hotspots.maps import GI_COLOURS, hotspot_map, render_parts
from hotspots.query import HEX_SIZES_M, STATUS_CHOICES, hotspot_query
from hotspots.report_card import DEFAULT_DAYS
from hotspots.views import report_card_answer


class HotspotPage(TemplateView):
    template_name = "peta_panas.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        errors = None
        try:
            query = hotspot_query(params)
        except ValidationError as exc:
            errors, query = exc.detail, hotspot_query({})
        categories = list(public_categories())
        rows = kecamatan_counts(query, by_category=True)
        table = {}
        for row in rows:
            entry = table.setdefault(
                row.code, {"code": row.code, "name": row.name, "area": row.area_km2, "total": 0, "cells": {}}
            )
            if row.category:
                entry["cells"][row.category] = row.count
                entry["total"] += row.count
        for entry in table.values():
            entry["cells"] = [public_count(entry["cells"].get(c.code, 0)) for c in categories]
            entry["per_km2"] = round(entry["total"] / entry["area"], 1) if entry["total"] >= suppress_below() else None
            entry["total"] = public_count(entry["total"])
        export_query = QueryDict(mutable=True)
        export_query.update(
            {k: v for k, v in params.items() if k in {"category", "status", "kecamatan", "since", "until", "size_m"}}
        )
        folium_map = hotspot_map(query)
        return super().get_context_data(
            query=query,
            errors=errors,
            categories=categories,
            statuses=STATUS_CHOICES,
            kecamatan=Kecamatan.objects.only("code", "name"),
            sizes=HEX_SIZES_M,
            table=list(table.values()),
            gi_colours=GI_COLOURS,
            exports=[
                (
                    dataset,
                    fmt,
                    reverse("hotspot-export", args=[dataset, fmt])
                    + ("?" + export_query.urlencode() if export_query else ""),
                )
                for dataset in ("complaints", "hexbins", "gistar")
                for fmt in ("geojson", "csv", "gpkg")
            ]
            + [("chronic-assets", fmt, reverse("asset-chronic-export", args=[fmt])) for fmt in ("geojson", "csv")],
            count_legend=folium_map.count_legend,
            suppress_below=suppress_below(),
            **render_parts(folium_map, nonce=str(self.request.csp_nonce)),
            **kwargs,
        )


urlpatterns = [path("peta-panas/", HotspotPage.as_view(), name="hotspots")]


# Fewer resolved complaints than this and a share (0% of 3) would rank or paint a place unfairly.
MIN_RESOLVED_TO_RANK = 5


def ranking(rows: list[dict]) -> list[dict]:
    """Rows with enough resolved complaints, best share within the SLA first, as whole percentages."""
    judged = [r for r in rows if r.get("within_sla") is not None and (r.get("resolved") or 0) >= MIN_RESOLVED_TO_RANK]
    judged.sort(key=lambda r: (-r["within_sla"], r["name"]))
    return [{"name": r["name"], "share": round(r["within_sla"] * 100), "resolved": r["resolved"]} for r in judged]


class ReportCardPage(TemplateView):
    """/rapor/: every agency judged in public, with the method behind each figure."""

    template_name = "rapor.html"

    def get_context_data(self, **kwargs):
        errors = None
        try:
            answer = report_card_answer(self.request.GET)
        except ValidationError as exc:
            errors, answer = exc.detail, report_card_answer({})
        return super().get_context_data(
            card=answer,
            errors=errors,
            month=self.request.GET.get("month", ""),
            sections=[
                (group, title, answer[group])
                for group, title in (
                    ("agency", _("Agencies")),
                    ("task_force", _("Task forces")),
                    ("kecamatan", _("Kecamatan")),
                    ("category", _("Categories")),
                    ("channel", _("Channels")),
                )
            ],
            kecamatan_figures={row["code"]: row for row in answer["kecamatan"]},
            min_resolved=MIN_RESOLVED_TO_RANK,
            # The figures the method's texts name, from where they are decided.
            default_days=DEFAULT_DAYS,
            question_days=settings.PEKA_NOTIFY_QUESTION_DAYS,
            onsite_radius_m=round(RADIUS_M),
            onsite_max_radius_m=round(MAX_RADIUS_M),
            suppress_below=suppress_below(),
            suppress_below_sensitive=suppress_below(sensitive=True),
            ranking=[
                (title, ranked)
                for title, ranked in (
                    (_("Agencies, best first"), ranking(answer["agency"])),
                    (_("Task forces, best first"), ranking(answer["task_force"])),
                )
                if ranked
            ],
            **kwargs,
        )


urlpatterns.append(path("rapor/", ReportCardPage.as_view(), name="rapor"))
