from django.urls import path

from hotspots import views

urlpatterns = [
    path("hotspots/hexbins/", views.Hexbins.as_view(), name="hotspot-hexbins"),
    path("hotspots/heatmap/", views.Heatmap.as_view(), name="hotspot-heatmap"),
    path("hotspots/gistar/", views.GiStar.as_view(), name="hotspot-gistar"),
    path("hotspots/trends/", views.Trends.as_view(), name="hotspot-trends"),
    path("hotspots/kecamatan/", views.KecamatanSummary.as_view(), name="hotspot-kecamatan"),
    path("report-card/", views.ReportCard.as_view(), name="report-card"),
    path("hotspots/exports/<str:dataset>.<str:fmt>", views.Export.as_view(), name="hotspot-export"),
]
