"""Pages for people (the API lives in complaints.urls)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from boundaries.models import Kecamatan
from complaints import access
from complaints.models import OPEN_STATUSES, Category, Complaint, Status


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


class TaskForceInbox(LoginRequiredMixin, TemplateView):
    """/satgas/: the open complaints a staff member works, on a map and in a list, overdue first."""

    template_name = "satgas.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            access.is_city_admin(request.user) or access.staff_role(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            role=access.staff_role(self.request.user),
            categories=Category.objects.all(),
            statuses=Status.choices,
            kecamatan=Kecamatan.objects.only("code", "name"),
            tile_url=settings.PEKA_TILE_URL,
            labels=inbox_labels(),
            **kwargs,
        )


def inbox_labels() -> dict:
    """The words the inbox script shows, in the active language."""
    return {
        "actions": {
            Status.DIVERIFIKASI: _("Acknowledge"),
            Status.DIKERJAKAN: _("Start work"),
            Status.SELESAI: _("Resolve"),
            Status.DITOLAK: _("Reject"),
            Status.DUPLIKAT: _("Mark as duplicate"),
        },
        "count": _("%(n)s complaints"),
        "overdue": _("overdue"),
        "due": _("due"),
        "reporter": _("Reporter (private)"),
        "history": _("History"),
        "note": _("Note (required to reject)"),
        "duplicate_of": _("Tracking code of the original (for a duplicate)"),
        "close": _("Close"),
        "none": _("No complaints match."),
        "failed": _("The server did not answer. Try again."),
        "colors": {c.code: c.color for c in Category.objects.all()},
    }


urlpatterns = [
    path("", Home.as_view(), name="home"),
    path("satgas/", TaskForceInbox.as_view(), name="satgas"),
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]
