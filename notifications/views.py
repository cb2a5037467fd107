"""The citizen's answers from a message: one-click unsubscribe (RFC 8058) and "sudah beres?".

Links carry a signed token (django.core.signing) and nothing in clear. A GET only shows a page; the
change is a POST (a mail client's link preview must not unsubscribe or reopen anyone).
"""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from complaints import access
from complaints.models import Complaint, Status
from complaints.workflow import WorkflowInvalid, complaint_rate, complaint_reopen
from geo.errors import Conflict, Invalid, form_text
from notifications import question, supporters
from notifications.forms import PreferenceForm
from notifications.messages import ANSWER_SALT, UNSUBSCRIBE_SALT
from notifications.models import Channel, Delivery, Kind, OptOut, StaffPreference, Supporter

# A link stays good for a year; an unsubscribe link for as long as the secret key does.
ANSWER_MAX_AGE = 365 * 24 * 3600


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no cookie; the token is the proof
def unsubscribe(request, token):
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return HttpResponseBadRequest(_("This unsubscribe link is not valid."), content_type="text/plain; charset=utf-8")
    kind = data.get("k", "")
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") == "One-Click":
            OptOut.objects.get_or_create(contact_hash=data["h"], kind="" if data.get("all") else kind)
            return HttpResponse(_("Unsubscribed."), content_type="text/plain; charset=utf-8")
        OptOut.objects.get_or_create(contact_hash=data["h"], kind=kind if request.POST.get("scope") == "kind" else "")
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"done": False, "kind": Kind(kind).label if kind else ""})


@csrf_exempt  # the token in the link is the proof, as for unsubscribing
def supporter_confirm(request, token):
    """The supporter's confirmation link (double opt-in, notifications.supporters): a GET shows the
    question, the POST of its button confirms, once (a link preview must not say yes for anyone)."""
    supporter = Supporter.objects.select_related("complaint").filter(confirm_token=token).first()
    done = False
    if request.method == "POST" and supporter is not None:
        supporter, done = supporters.supporter_confirm(token), True
    response = render(
        request,
        "notifications/supporter_confirm.html",
        {"supporter": supporter, "done": done, "unconfirmed_days": settings.PEKA_SUPPORTERS_UNCONFIRMED_DAYS},
        status=200 if supporter else 404,
    )
    add_never_cache_headers(response)
    return response


def answer(request, token):
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_MAX_AGE)
    except signing.BadSignature:
        return HttpResponseBadRequest(_("This link is not valid or has expired."), content_type="text/plain; charset=utf-8")
    complaint = get_object_or_404(Complaint.objects.select_related("category"), pk=data["c"])
    asked = (
        Delivery.objects.filter(complaint=complaint, kind=Kind.QUESTION, cause=question.cause(complaint))
        .order_by("created_at")
        .first()
    )
    current = complaint.status == Status.SELESAI and complaint.resolved_at == parse_datetime(data["r"])
    if request.method == "POST" and current:
        try:
            if data["a"] == "yes":
                rating = request.POST.get("rating", "")
                if rating not in {"1", "2", "3", "4", "5"}:
                    raise WorkflowInvalid("rating", _("Choose a rating from 1 to 5."))
                with transaction.atomic():
                    question.record(complaint, fixed=True)
                    complaint_rate(complaint=complaint, rating=int(rating), comment=form_text(request, "comment", 1000))
                flash.success(request, _("Thank you for your rating."))
            else:
                with transaction.atomic():
                    question.record(complaint, fixed=False)
                    complaint_reopen(
                        complaint=complaint,
                        reason=form_text(request, "reason", 2000) or _("Not fixed yet (answer to “is it fixed?”)."),
                        window_from=asked.created_at if asked else None,
                    )
                flash.success(request, _("Your complaint is open again; the task force sees it as new."))
        except (Conflict, Invalid) as exc:
            flash.error(request, str(exc))
        return redirect(complaint)
    return render(request, "notifications/answer.html", {"complaint": complaint, "fixed": data["a"] == "yes", "current": current})


@login_required
def staff_preferences(request):
    """/satgas/notifikasi/: a staff member chooses their channels, WhatsApp number and what to switch off."""
    if not access.is_staff_member(request.user):
        raise PermissionDenied
    preference = StaffPreference.objects.filter(user=request.user).first() or StaffPreference(
        user=request.user, channels=[Channel.EMAIL]
    )
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        flash.success(request, _("Your notification choices are saved."))
        return redirect("notifications:staff-preferences")
    return render(request, "notifications/preferences.html", {"form": form, "has_email": bool(request.user.email)})
