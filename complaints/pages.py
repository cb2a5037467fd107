"""Pages for people (the API lives in complaints.urls)."""
from django.db.models import Count, Q
from django.urls import path
from django.views.generic import TemplateView

from boundaries.models import Kecamatan
from complaints.models import OPEN_STATUSES, Category, Complaint


class Home(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        public = Complaint.objects.public()
        return super().get_context_data(
            categories=Category.objects.filter(sensitive=False).annotate(
                open_count=Count("complaints", filter=Q(complaints__status__in=OPEN_STATUSES))
            ),
            kecamatan_count=Kecamatan.objects.count(),
            complaint_count=public.count(),
            open_count=public.open().count(),
            **kwargs,
        )


urlpatterns = [
    path("", Home.as_view(), name="home"),
]
