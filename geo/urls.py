from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("api/v1/", include("boundaries.urls")),
    path("api/v1/", include("complaints.urls")),
    path("api/v1/", include("hotspots.urls")),
    path("open311/v2/", include("open311.urls")),
    path("tiles/", include("complaints.tile_views")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("complaints.pages")),
    path("", include("hotspots.pages")),
]
