from django.urls import path

from web.assets import views

urlpatterns = [
    path("assets/", views.AssetList.as_view(), name="asset-list"),
    path("assets/chronic/", views.ChronicAssets.as_view(), name="asset-chronic"),
    path("assets/chronic.<str:fmt>", views.ChronicAssetsExport.as_view(), name="asset-chronic-export"),
    path("staff/assets/<int:asset_id>/", views.StaffAssetHistory.as_view(), name="staff-asset-history"),
]
