"""Pages for people (the API lives in web.urls): the citizen's map, tracking, the staff inbox."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from assets.models import AssetKind
from boundaries.models import Kecamatan, TaskForce
from complaints import access
from complaints.models import CLOSED_STATUSES, Category, Complaint, PhotoKind, Role, StaffRole, Status
from complaints.photos import MAX_MB
from complaints.tracking import normalize_tracking_code
from complaints.workflow import (
    WorkflowInvalid,
    complaint_add_information,
    complaint_rate,
    complaint_reopen,
)
from disclosure.public import public_description, public_photos, public_timeline
from disclosure.reporter import is_reporter, key_opens, remember_reporter
from geo.errors import Conflict, Invalid, form_text
from geo.signin import SignInForm
from web.public import views
from web.public.selectors import public_totals


def category_colors(categories=None) -> dict:
    return {c.code: c.color for c in categories or Category.objects.all()}


class Home(TemplateView):
    """/: the map of open complaints and the reporting flow."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        categories = list(Category.objects.prefetch_related("questions"))
        totals = public_totals()
        return super().get_context_data(
            categories=categories,
            complaint_count=totals["total"],
            open_count=totals["open"],
            labels={
                "colors": category_colors(categories),
                "pin": _("Complaint location (drag to move)"),
                "checking": _("Checking the location…"),
                "located": _("Kecamatan %(kecamatan)s, Kelurahan %(kelurahan)s"),
                "no_gps": _("Your location is not available. Tap the map instead."),
                "support": _("Support"),
                "supporters": _("%(n)s supporters"),
                "supported": _("Thank you: your support is counted (%(n)s supporters)."),
                "today": _("today"),
                "days_ago": _("%(days)s days ago"),
                "photo_of": _("Photo of complaint %(code)s"),
                "describe": _("Describe the problem."),
                "failed": _("The server did not answer. Try again."),
                "track_url": reverse("track", args=["CODE"]),
                # Categories with assets on the map (street-light poles, TPS), from this zoom.
                "asset_categories": sorted(set(AssetKind.objects.values_list("category__code", flat=True))),
                "asset_min_zoom": settings.PEKA_ASSET_MIN_ZOOM,
                "asset_zoom_in": _("Zoom in to pick the pole or TPS itself."),
                "asset_pick": _("Tap the pole or TPS on the map, if it is there."),
                "asset_chosen": _("Chosen: %(kind)s %(ref)s. The report is placed at it."),
                "asset_reported": _("%(kind)s %(ref)s (already reported)"),
                "asset_label": _("%(kind)s %(ref)s"),
                "asset_already": _("This one has already been reported: support it instead of reporting it again."),
            },
            tiles_url=reverse("complaint-tile", args=[0, 0, 0, "geojson"]).replace("/0/0/0.", "/{z}/{x}/{y}."),
            photo_max_mb=MAX_MB,
            **kwargs,
        )


def track_lookup(request):
    """The tracking-code box: off to that complaint's page."""
    code = normalize_tracking_code(request.GET.get("kode", ""))
    return redirect("track", code=code) if code else redirect("home")


class Track(TemplateView):
    """/lacak/<code>/: a complaint's public timeline and photos; with the reporter key (disclosure.reporter),
    the reporter's own page: rating, reopening, adding information.

    A private complaint's page opens only with the key: without it, it answers exactly as a code that
    does not exist (404, with the box for a reporter key).
    """

    template_name = "track.html"

    def found(self) -> Complaint | None:
        return (
            Complaint.objects.select_related(
                "category", "kecamatan", "kelurahan", "agency", "external_body", "asset__kind"
            )
            .prefetch_related("photos")
            .filter(tracking_code=normalize_tracking_code(self.kwargs["code"]))
            .first()
        )

    def missing(self, request):
        return render(request, "track_missing.html", {"code": normalize_tracking_code(self.kwargs["code"])}, status=404)

    def get(self, request, *args, **kwargs):
        complaint = self.found()
        reporter = complaint is not None and is_reporter(request, complaint)
        if complaint is None or (complaint.private and not reporter):
            return self.missing(request)
        response = self.render_to_response(self.get_context_data(complaint=complaint, reporter=reporter))
        if reporter:
            add_never_cache_headers(response)
        return response

    def get_context_data(self, *, complaint, reporter, **kwargs):
        # A private complaint's photos are its agency's (photo_file serves them to staff only), and
        # moderation may hide a photo or hold them all (disclosure.public).
        shown = public_photos(complaint)
        return super().get_context_data(
            complaint=complaint,
            description=public_description(complaint),
            reporter=reporter,
            events=public_timeline(complaint, as_reporter=reporter),
            report_photos=[p for p in shown if p.kind == PhotoKind.REPORT],
            after_photos=[p for p in shown if p.kind == PhotoKind.AFTER],
            resolved=complaint.status == Status.SELESAI,
            closed=complaint.status in CLOSED_STATUSES,
            forwarding=getattr(complaint, "forwarding", None) if complaint.external_body_id else None,
            reopen_days=settings.PEKA_REOPEN_DAYS,
            **kwargs,
        )

    def post(self, request, code):
        complaint = self.found()
        action = request.POST.get("action")
        if action == "key":
            if complaint is not None and key_opens(complaint, request.POST.get("key", "")):
                remember_reporter(request, complaint)
                return redirect(complaint)
            if complaint is None or complaint.private:
                return self.missing(request)
            messages.error(request, _("This reporter key does not open this complaint."))
            return redirect(complaint)
        if complaint is None or not is_reporter(request, complaint):
            if complaint is None or complaint.private:
                return self.missing(request)
            raise PermissionDenied(_("Only the reporter, with the reporter key, can do this."))
        try:
            if action == "rate":
                rating = request.POST.get("rating", "")
                if rating not in {"1", "2", "3", "4", "5"}:
                    raise WorkflowInvalid("rating", _("Choose a rating from 1 to 5."))
                complaint_rate(complaint=complaint, rating=int(rating), comment=form_text(request, "comment", 1000))
                messages.success(request, _("Thank you for your rating."))
            elif action == "reopen":
                complaint_reopen(complaint=complaint, reason=form_text(request, "reason", 2000))
                messages.success(request, _("Your complaint is open again; the task force sees it as new."))
            elif action == "add":
                complaint_add_information(complaint=complaint, text=form_text(request, "text", 2000))
                messages.success(request, _("Added. The task force sees it with your complaint."))
        except (Conflict, Invalid) as exc:
            messages.error(request, str(exc))
        return redirect(complaint)


class TaskForceInbox(LoginRequiredMixin, TemplateView):
    """/satgas/: the open complaints a staff member works, on a map and in a list, overdue first."""

    template_name = "satgas.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.is_staff_member(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        task_forces = inbox_task_forces(user)
        return super().get_context_data(
            role=access.staff_role(user),
            categories=Category.objects.all(),
            statuses=Status.choices,
            kecamatan=Kecamatan.objects.only("code", "name"),
            task_forces=task_forces,
            labels=inbox_labels(task_forces, can_reassign=inbox_can_reassign(user)),
            assign_labels=inbox_assign_labels(user, task_forces),
            poll_seconds=settings.PEKA_INBOX_POLL_SECONDS,
            field_labels=field_labels(),
            theme_color=INBOX_THEME_COLOR,
            **kwargs,
        )


def inbox_manifest(request):
    """/satgas/manifest.webmanifest: the inbox as an app a phone can install (it opens full screen at
    /satgas/; the service worker at /sw.js keeps it working offline). Public: browsers fetch a manifest
    without the session cookie, and it says nothing but names and icons."""
    manifest = {
        "name": _("PEKA task-force inbox"),
        "short_name": _("PEKA Satgas"),
        "description": _("The complaints your task force works, also without a signal."),
        "lang": get_language(),
        "id": reverse("satgas"),
        "start_url": reverse("satgas"),
        "scope": reverse("satgas"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": INBOX_THEME_COLOR,
        "icons": [
            {"src": static(f"icons/peka-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
            for size in INBOX_ICON_SIZES
        ]
        + [
            {
                "src": static("icons/peka-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


INBOX_THEME_COLOR = "#0b6e4f"
INBOX_ICON_SIZES = (192, 512)


def field_labels() -> dict:
    """The words of the inbox's field-work scripts (offline outbox, live updates, distances, replies,
    filing for a caller), in the active language."""
    return {
        "offline": _("Offline"),
        "waiting": _("%(n)s changes waiting to be sent"),
        "waiting_one": _("1 change waiting to be sent"),
        "queued": _("Saved on this device: it is sent when the connection returns."),
        "retry": _("No answer from the server yet: it is sent again later."),
        "conflict": _("%(code)s changed while you were offline"),
        "refused": _("%(code)s: the server did not take your change"),
        "yours": _("Your change (made on version %(version)s)"),
        "theirs": _("Now on the server (version %(version)s)"),
        "with_photo": _("With a photo"),
        "pending": _("waiting to be sent"),
        "send_again": _("Apply mine to version %(version)s"),
        "discard": _("Drop mine"),
        "dismiss": _("Dismiss"),
        "actions": {**action_labels(), "reassign": _("Reassign"), "notes": _("Note")},
        "new_count": _("%(n)s new"),
        "new_tag": _("new"),
        "locating": _("Finding your position…"),
        "sorted": _("Nearest first."),
        "no_position": _("Your position is not available."),
        "reply": _("Reply template"),
        "reply_choose": _("Choose a template…"),
        "caller_point": _("The problem's location"),
        "caller_point_at": _("Location: %(lat)s, %(lon)s"),
        "caller_filed": _("Filed as %(code)s, routed to %(task_force)s."),
        "caller_key": _("Reporter key for the caller: %(key)s"),
    }


def inbox_task_forces(user) -> list[TaskForce]:
    """The task forces whose complaints ``user`` sees: their own, their agency's (a supervisor), or all."""
    role = access.staff_role(user)
    if access.is_city_admin(user):
        task_forces = TaskForce.objects.all()
    elif role.role == Role.SUPERVISOR:
        task_forces = TaskForce.objects.filter(agency=role.agency)
    else:
        task_forces = role.task_forces.all()
    return list(task_forces.select_related("agency"))


def inbox_can_reassign(user) -> bool:
    """Whether the inbox offers reassignment (the API still checks each complaint's agency)."""
    role = access.staff_role(user)
    return access.is_city_admin(user) or (role is not None and role.role == Role.SUPERVISOR)


def action_labels() -> dict:
    """The workflow's buttons, by the status they move to."""
    return {
        Status.DIVERIFIKASI: _("Acknowledge"),
        Status.DIKERJAKAN: _("Start work"),
        Status.SELESAI: _("Resolve"),
        Status.DITOLAK: _("Reject"),
        Status.DUPLIKAT: _("Mark as duplicate"),
    }


def inbox_labels(task_forces=(), *, can_reassign=False) -> dict:
    """The words the inbox script shows, in the active language, and the task forces it may offer."""
    return {
        "actions": action_labels(),
        "task_forces": [{"code": t.code, "name": t.name, "agency": t.agency.code} for t in task_forces],
        "can_reassign": can_reassign,
        "reassign": _("Give to another task force"),
        "reassign_button": _("Reassign"),
        "after": _("Photo after the work (with “Resolve”)"),
        "after_photo": _("Photo after the work"),
        "report_photo": _("Photo sent with the report"),
        "navigate": _("Navigate"),
        "web_map": _("Open in a web map"),
        "call": _("Call %(phone)s"),
        "count": _("%(n)s complaints"),
        "overdue": _("overdue"),
        "due": _("due"),
        "reporter": _("Reporter (private)"),
        "show_contact": _("Show contact"),
        "contact_logged": _("Each viewing is recorded."),
        "anonymous": _("The reporter asked to keep their identity secret: their contact is not shown."),
        "contact_views": _("Who viewed the reporter's contact"),
        "contact_views_none": _("Nobody has viewed it yet."),
        "history": _("History"),
        "asset": _("Asset %(ref)s (%(kind)s)"),
        "asset_history": _("Other complaints on this asset"),
        "asset_none": _("No other complaint on this asset."),
        "forwarded": _("Forwarded to %(body)s"),
        "note": _("Note (required to reject)"),
        "note_public": _("Show this note on the public tracking page"),
        "duplicate_of": _("Tracking code of the original (for a duplicate)"),
        "close": _("Close"),
        "none": _("No complaints match."),
        "failed": _("The server did not answer. Try again."),
        "colors": category_colors(),
    }


def inbox_assign_labels(user, task_forces) -> dict:
    """What static/js/satgas_assign.js needs: who the user is, whom they may assign (the members of
    the task forces they see, for a supervisor or city admin), which agencies' complaints they may
    moderate, and its words. The API decides again for each complaint."""
    role = access.staff_role(user)
    supervises = inbox_can_reassign(user)
    members = StaffRole.objects.filter(task_forces__in=task_forces, user__is_active=True)
    officers = {}
    for member in (members if supervises else members.none()).select_related("user").prefetch_related("task_forces"):
        officers[member.user.username] = {
            "username": member.user.username,
            "name": member.user.get_full_name() or member.user.username,
            "task_forces": [t.code for t in member.task_forces.all()],
        }
    return {
        "me": user.get_username(),
        "supervises": supervises,
        "officers": sorted(officers.values(), key=lambda o: o["name"]),
        "moderates": "*" if access.is_city_admin(user) else (role.agency.code if role and role.agency else ""),
        "assigned_to": _("Assigned to %(name)s"),
        "nobody": _("Not assigned to an officer"),
        "take": _("Take it (Ambil)"),
        "give_back": _("Give it back to the task force"),
        "assign": _("Assign to an officer"),
        "assign_button": _("Assign"),
        "nobody_option": _("nobody (the whole task force)"),
        "select": _("Select %(code)s"),
        "selected": _("%(n)s selected"),
        "assign_selected": _("Assign the selected"),
        "on_site": _("Closing verified on site (%(m)s m from the complaint)"),
        "not_on_site": _("Closing not verified on site"),
        "moderation": _("Moderation"),
        "public_text": _("What the public reads"),
        "held": _("Held: the public sees the text and photos after your first action."),
        "redact_text": _("Words to hide from the public (a name, a phone number, an insult)"),
        "reason": _("Reason (required)"),
        "redact_button": _("Hide these words"),
        "hide_photo": _("Hide this photo from the public"),
        "show_photo": _("Show this photo again"),
        "photo_hidden": _("hidden from the public"),
        "locating": _("Reading this device's position for the on-site check…"),
    }


urlpatterns = [
    path("", Home.as_view(), name="home"),
    path("lacak/", track_lookup, name="track-lookup"),
    path("lacak/<str:code>/", Track.as_view(), name="track"),
    path("satgas/", TaskForceInbox.as_view(), name="satgas"),
    path("satgas/manifest.webmanifest", inbox_manifest, name="inbox-manifest"),
    path("masuk/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("foto/<str:name>", views.photo_file, name="photo-file"),
]
