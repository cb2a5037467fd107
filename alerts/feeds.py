"""Atom 1.0 and RSS 2.0 feeds of new public complaints (feedgen), with the public list's filters.

The complaints come from disclosure.public and are filtered by the public list's own filterset
(web.public.filters.ComplaintFilter), so a feed can show nothing the list could not; each entry
links to the complaint's public tracking page and carries its place as ``georss:point`` ("lat lon").
"""

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from feedgen.feed import FeedGenerator

from alerts.messages import complaint_line
from disclosure.public import public_complaints
from web.public.filters import ComplaintFilter

NEWEST = 50
# As long as a browser or proxy may keep a feed (a feed reader polls every few minutes at most).
FEED_MAX_AGE_SECONDS = 300
FORMATS = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8"}


class FilterInvalid(ValueError):
    def __init__(self, errors: dict):
        super().__init__(str(errors))
        self.errors = errors


def newest(query) -> list:
    """The newest NEWEST public complaints that pass the public list's filters in ``query``."""
    filtered = ComplaintFilter(query, queryset=public_complaints())
    if not filtered.is_valid():
        raise FilterInvalid({field: [str(m) for m in messages] for field, messages in filtered.errors.items()})
    return list(
        filtered.qs.select_related("category", "kecamatan", "kelurahan").order_by("-created_at", "-id")[:NEWEST]
    )


def build(request, kind: str) -> HttpResponse:
    complaints = newest(request.GET)
    updated = max((c.updated_at for c in complaints), default=None)
    if updated is not None:
        not_modified = get_conditional_response(request, last_modified=int(updated.timestamp()))
        if not_modified is not None:
            return not_modified
    self_url = request.build_absolute_uri()
    feed = FeedGenerator()
    feed.load_extension("geo")
    feed.id(self_url)
    feed.title(_("PEKA: new public complaints"))
    feed.author({"name": "PEKA"})
    feed.subtitle(_("New public complaints on the complaint map of Kota Pekanbaru."))
    feed.link(href=request.build_absolute_uri(reverse("home")), rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language((request.LANGUAGE_CODE or "id")[:2])
    feed.updated(updated or timezone.now())
    for complaint in reversed(complaints):  # feedgen puts each new entry first
        url = request.build_absolute_uri(complaint.get_absolute_url())
        entry = feed.add_entry()
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(f"{complaint.tracking_code}: {complaint.category.name} · {complaint.get_status_display()}")
        entry.link(href=url, rel="alternate")
        entry.description(complaint_line(complaint))
        entry.content(complaint_line(complaint), type="text")
        entry.published(complaint.created_at)
        entry.updated(complaint.updated_at)
        entry.category(term=complaint.category.code, label=complaint.category.name)
        entry.geo.point(f"{complaint.location.y:.6f} {complaint.location.x:.6f}")
    body = feed.atom_str(pretty=False) if kind == "atom" else feed.rss_str(pretty=False)
    response = HttpResponse(body, content_type=FORMATS[kind])
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE_SECONDS)
    if updated is not None:
        response["Last-Modified"] = http_date(updated.timestamp())
    return response
