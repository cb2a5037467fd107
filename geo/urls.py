from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from geo.signin import AdminSignInForm

admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("api/v1/", include("boundaries.urls")),
    path("api/v1/", include("web.urls")),
    path("api/v1/", include("hotspots.urls")),
    path("api/v1/", include("web.assets.urls")),
    path("open311/v2/", include("open311.urls")),
    path("tiles/", include("web.public.tile_views")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's set-up script as a file, so the page needs no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("notifications.urls")),
    path("", include("whatsapp.urls")),
    path("", include("alerts.urls")),
    path("", include("web.pages")),
    path("", include("hotspots.pages")),
]

# A database failure outside any view (in a middleware) is a 503 with Retry-After, not a 500.
handler500 = "geo.unavailable.server_error"
