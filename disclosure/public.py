"""What leaves the city about complaints (docs/rules.md, privacy rules 1–3 and 8).

Every public surface (the API, tiles, hotspots, exports, the report card, Open311, the pages) starts
from ``public_complaints()`` and names complaints' fields only from ``PUBLIC_FIELDS``; counts reach
the public through ``public_count``.
"""

from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Coalesce

from complaints.models import Category, Complaint, ComplaintEvent, EventKind, Photo

# The fields of a complaint anyone may read. No reporter field may ever be added here. A complaint's
# public Feature (ComplaintSerializer, and the same JSON written by PostgreSQL in web.public.geojson)
# has FEATURE_FIELDS; tiles and exports use names from PUBLIC_FIELDS only
# (tests/disclosure/test_surfaces.py holds every shape to it).
FEATURE_FIELDS = (
    "tracking_code",
    "category",
    "category_name",
    "description",
    "status",
    "status_label",
    "kecamatan",
    "kelurahan",
    "agency",
    "task_force",
    "routing_reason",
    "created_at",
    "updated_at",
    "due_at",
    "is_overdue",
    "resolved_at",
    "support_count",
    "photos",
)
# A Feature's ``id`` is its tracking code; the other FEATURE_FIELDS are its properties.
FEATURE_PROPERTIES = tuple(name for name in FEATURE_FIELDS if name != "tracking_code")
# The public list's default Feature: what a map needs to draw a pin and link it (the id is the
# tracking code, the detail endpoint has the rest). The list gives any other FEATURE_PROPERTIES
# only when asked for by name (``?fields=``), so a page of 10,000 stays small (docs/api.md).
LEAN_FEATURE_PROPERTIES = ("category", "status", "created_at", "support_count")
PUBLIC_FIELDS = (
    *FEATURE_FIELDS,
    "location",
    "lon",
    "lat",
    "category_name_en",
    "kecamatan_name",
    "kelurahan_name",
    "agency_name",
    "task_force_name",
    "closed_at",
    "count",
    "answers",  # exports: a column "answers.<question code>" each
    "channel",  # exports and the report card: how it arrived (web, open311, whatsapp, staff), never who sent it
)


def only_public(complaints: QuerySet) -> QuerySet:
    """``complaints`` without any that is private, ever (privacy rule 2); also a rollup's rows
    (rollups.models), which carry the complaints' ``private`` flag."""
    return complaints.filter(private=False)


def public_rollup(alias: str) -> str:
    """The SQL condition that keeps a rollup row (rollups.models) to public complaints: rollups that
    count private complaints carry them in a ``private`` column, and a public read leaves them out.
    (The cell rollup holds no private complaint at all.)"""
    return f"NOT {alias}.private"


def public_complaints() -> QuerySet[Complaint]:
    """The complaints anyone may see."""
    return only_public(Complaint.objects.all())


# Moderation (docs/rules.md, moderation rule): the public reads a complaint's description as staff
# redacted it (``public_description``, else as filed), and nothing of a citizen's text or photos while
# the complaint is held for a first staff action; hidden photos never. One definition, in the three
# forms its readers need: Python for one complaint, an ORM expression for querysets (exports), and SQL
# text for statements written by hand (web.public.geojson); tests/disclosure/test_moderation.py holds
# them equal.
def public_description(complaint: Complaint) -> str:
    """The description of ``complaint`` as the public may read it."""
    if complaint.held:
        return ""
    return complaint.description if complaint.public_description is None else complaint.public_description


def public_description_expression():
    """public_description() as an expression over Complaint rows."""
    return Case(
        When(held=True, then=Value("")),
        default=Coalesce(F("public_description"), F("description")),
        output_field=TextField(),
    )


def public_description_sql(complaint: str) -> str:
    """public_description() as SQL over the complaint table's alias ``complaint``."""
    return f"(CASE WHEN {complaint}.held THEN '' ELSE COALESCE({complaint}.public_description, {complaint}.description) END)"


def public_photos(complaint: Complaint) -> list[Photo]:
    """The photos of ``complaint`` the public may see (of the prefetched ``photos`` if any)."""
    if complaint.private or complaint.held:
        return []
    return [p for p in complaint.photos.all() if not p.hidden]


def public_photo_q(prefix: str = "") -> Q:
    """public_photos() as a filter over Photo rows (``prefix``: the path to them, e.g. "photos__")."""
    return Q(**{f"{prefix}hidden": False, f"{prefix}complaint__private": False, f"{prefix}complaint__held": False})


def public_photo_sql(photo: str, complaint: str) -> str:
    """public_photos() as an SQL condition on the photo and complaint tables' aliases."""
    return f"(NOT {photo}.hidden AND NOT {complaint}.private AND NOT {complaint}.held)"


def public_categories() -> QuerySet[Category]:
    """The categories a public filter may name: a sensitive one cannot even be asked about."""
    return Category.objects.filter(sensitive=False)


def suppress_below(*, sensitive: bool = False) -> int:
    """The smallest count a public figure may show (privacy rule 3): 3, or 5 where a sensitive
    category contributes."""
    return settings.PEKA_SUPPRESS_BELOW_SENSITIVE if sensitive else settings.PEKA_SUPPRESS_BELOW


def suppressed_label(*, sensitive: bool = False) -> str:
    return f"<{suppress_below(sensitive=sensitive)}"


def public_count(n: int, *, sensitive: bool = False) -> int | str:
    """A count as the public may see it: a small non-zero count is shown as "<3" (or "<5")."""
    return suppressed_label(sensitive=sensitive) if 0 < n < suppress_below(sensitive=sensitive) else n


# The steps of a complaint's life anyone following it sees; notes only where ``public`` says so.
_TIMELINE_KINDS = (EventKind.CREATED, EventKind.STATUS, EventKind.REOPENED, EventKind.RATED, EventKind.NOTE)
_REPORTER_KINDS = (EventKind.REOPENED, EventKind.RATED, EventKind.ADDED)


def public_timeline(complaint: Complaint, *, as_reporter: bool = False) -> list[ComplaintEvent]:
    """The complaint's events for its tracking page (privacy rule 7): status steps for anyone, a note
    only when it was made public; the reporter, with the key, also sees their own words."""
    kinds = [*_TIMELINE_KINDS, *([EventKind.ADDED] if as_reporter else [])]
    shown = []
    for event in complaint.events.filter(kind__in=kinds).order_by("at", "id"):
        own = as_reporter and event.actor_id is None and event.kind in _REPORTER_KINDS
        if event.public or own:
            shown.append(event)
        elif event.kind != EventKind.NOTE:
            event.note = ""
            shown.append(event)
    return shown
