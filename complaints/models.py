"""Complaints and their life. Locations are WGS84 points (EPSG:4326)."""

import re

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models.functions import Transform
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.db.models import Func, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from boundaries.models import Agency, Jurisdiction, Kecamatan, Kelurahan, TaskForce
from geo.language import english
from geo.spatial import UTM47N


class Category(models.Model):
    """What is wrong. ``code`` is also the Open311 service_code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="categories",
        null=True,
        blank=True,
        help_text=_("Takes the category where no jurisdiction does; without one, the triage agency does."),
    )
    sla_working_days = models.PositiveSmallIntegerField(_("SLA (working days)"))
    sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Never shown on public maps, lists or exports.")
    )
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    color = models.CharField(_("colour"), max_length=7, default="#546e7a")
    sort_order = models.PositiveSmallIntegerField(default=0)
    # An emergency notice shown before the form (e.g. the violence hotline): the citizen may still file.
    notice_id = models.TextField(_("emergency notice (Indonesian)"), blank=True)
    notice_en = models.TextField(_("emergency notice (English)"), blank=True)
    # Moderated first (docs/rules.md, moderation rule): a citizen's text and photos reach the public
    # only after a staff member has acted on the complaint.
    moderated_first = models.BooleanField(
        _("moderated first"),
        default=False,
        db_default=False,
        help_text=_("A citizen's text and photos are public only after the first staff action."),
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if english() else self.name_id

    @property
    def notice(self) -> str:
        return (self.notice_en or self.notice_id) if english() else self.notice_id


# The kinds of question a category may ask (complaints.questions checks the answers).
KIND_CHOICES = [
    ("text", _("text")),
    ("number", _("number")),
    ("choice", _("one choice")),
    ("multiple", _("several choices")),
    ("yesno", _("yes / no")),
    ("date", _("date")),
]


class CategoryQuestion(models.Model):
    """A question a category asks when it is chosen (complaints.questions checks the answers)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40, help_text=_("The answer's key, e.g. jumlah (Open311: attribute[jumlah])."))
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    prompt_id = models.CharField(_("question (Indonesian)"), max_length=200)
    prompt_en = models.CharField(_("question (English)"), max_length=200)
    required = models.BooleanField(_("required"), default=False)
    options = models.TextField(
        _("choices"), blank=True, help_text=_("For a choice: one per line, key | Indonesian | English.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("category question")
        verbose_name_plural = _("category questions")
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="question_code_per_category")]

    def __str__(self):
        return self.prompt

    @property
    def prompt(self) -> str:
        return self.prompt_en if english() else self.prompt_id

    @property
    def choices(self) -> list[tuple[str, str]]:
        """(key, label) of a choice or yes/no question, in the active language; yes/no has its own two."""
        if self.kind == "yesno":
            return [("true", gettext("yes")), ("false", gettext("no"))]
        found = []
        for line in self.options.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if parts[0]:
                key, name_id, name_en = (parts + [parts[0]] * 2)[:3]  # a missing label is the key
                found.append((key, name_en if english() else name_id))
        return found


class Status(models.TextChoices):
    BARU = "baru", _("new")
    DIVERIFIKASI = "diverifikasi", _("acknowledged")
    DIKERJAKAN = "dikerjakan", _("in progress")
    SELESAI = "selesai", _("resolved")
    DITOLAK = "ditolak", _("rejected")
    DUPLIKAT = "duplikat", _("duplicate")
    # Sent to a body outside the city (forwarding): neither open nor resolved, never overdue.
    DITERUSKAN = "diteruskan", _("forwarded")


# Status classes: the one definition every reader derives from (the querysets below, the overdue rule,
# the indexes, Open311's open/closed, the public filters, the rollups' grouping, re-routing). A new status
# is one line here. "open" and "closed" are what the public filters and totals name; a status of a class
# of its own is counted apart from both.
OPEN, CLOSED, FORWARDED = "open", "closed", "forwarded"
STATUS_CLASS = {
    Status.BARU: OPEN,
    Status.DIVERIFIKASI: OPEN,
    Status.DIKERJAKAN: OPEN,
    Status.SELESAI: CLOSED,
    Status.DITOLAK: CLOSED,
    Status.DUPLIKAT: CLOSED,
    Status.DITERUSKAN: FORWARDED,  # handed to a body outside the city: neither open nor resolved
}


def statuses_in(status_class: str) -> tuple[Status, ...]:
    """The statuses of a class, in the order of ``Status``."""
    return tuple(s for s in Status if STATUS_CLASS.get(s) == status_class)


OPEN_STATUSES = statuses_in(OPEN)
CLOSED_STATUSES = statuses_in(CLOSED)
# Open and not yet started on: what the escalation ladder climbs for (notifications.ladder).
UNWORKED_STATUSES = (Status.BARU, Status.DIVERIFIKASI)


def statuses_of(selection: str | None) -> list[str] | None:
    """The statuses a filter names: a class ("open", "closed"), one status, or None for all."""
    if not selection:
        return None
    members = [str(s) for s, cls in STATUS_CLASS.items() if cls == selection]
    return members or [selection]


def statuses_sql(statuses) -> str:
    """SQL text of a list of statuses, for an ``IN (…)`` written by hand: 'baru', 'diverifikasi', …"""
    return ", ".join(f"'{Status(s).value}'" for s in statuses)


# Overdue (docs/rules.md, SLA rule): open and past the due time. The one definition, in the three
# forms its readers need: a filter, SQL text for statements written by hand, and the instance property.
def overdue_q(now=None) -> Q:
    return Q(status__in=OPEN_STATUSES, due_at__lt=now or Now())


def overdue_sql(table: str) -> str:
    return f"({table}.status IN ({statuses_sql(OPEN_STATUSES)}) AND {table}.due_at < now())"


class ComplaintQuerySet(models.QuerySet):
    """Staff and service reads. What the public may see starts from disclosure.public_complaints()."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def closed(self):
        return self.filter(status__in=CLOSED_STATUSES)

    def overdue(self, now=None):
        return self.filter(overdue_q(now))


class AreaRule(models.TextChoices):
    INSIDE = "inside", _("inside a kecamatan")
    BORDER = "border", _("on a shared border")
    NEAR_CITY_LIMIT = "near_city_limit", _("just outside the city limit")


class AssignmentRule(models.TextChoices):
    JURISDICTION = "jurisdiction", _("a jurisdiction covers the point")
    CATEGORY_AGENCY = "category_agency", _("no jurisdiction: the category's agency")
    TRIAGE = "triage", _("no agency: the triage queue")
    ASSET_OWNER = "asset_owner", _("the asset's owner")
    EXTERNAL = "external", _("a body outside the city")


class Channel(models.TextChoices):
    """How a complaint reached PEKA (the report card and exports count each)."""

    WEB = "web", _("web")
    OPEN311 = "open311", _("Open311")
    WHATSAPP = "whatsapp", _("WhatsApp")
    STAFF = "staff", _("staff, for a caller")


class Complaint(models.Model):
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="complaints")
    description = models.TextField(_("description"), max_length=4000)
    # Answers to the category's questions, {question code: value} (complaints.questions).
    answers = models.JSONField(
        _("answers"), default=dict, db_default=models.Value({}, output_field=models.JSONField()), blank=True
    )
    location = models.PointField(_("location"), srid=4326)
    # The asset the citizen tapped: the location is then the asset's, and the citizen's own pin is kept.
    asset = models.ForeignKey(
        "assets.Asset", on_delete=models.PROTECT, related_name="complaints", null=True, blank=True
    )
    reported_location = models.PointField(_("location as reported"), srid=4326, null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB, db_default=Channel.WEB
    )
    # The location in metres (UTM 47N), stored when the row is written: hexagon counts over a million
    # complaints then do plain arithmetic instead of one ST_Transform per point per query.
    utm_x = models.GeneratedField(
        expression=Func(Transform("location", UTM47N), function="ST_X"),
        output_field=models.FloatField(),
        db_persist=True,
    )
    utm_y = models.GeneratedField(
        expression=Func(Transform("location", UTM47N), function="ST_Y"),
        output_field=models.FloatField(),
        db_persist=True,
    )
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="complaints")
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, related_name="complaints", null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="complaints", null=True, blank=True)
    task_force = models.ForeignKey(
        TaskForce, on_delete=models.PROTECT, related_name="complaints", null=True, blank=True
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.SET_NULL, related_name="complaints", null=True, blank=True
    )
    # A body outside the city that takes it (forwarding); then no agency works it.
    external_body = models.ForeignKey(
        "forwarding.ExternalBody", on_delete=models.PROTECT, related_name="complaints", null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.BARU)
    # The officer of the task force who works it (complaints.assignment); none: the whole task force.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assigned_complaints",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("assigned to"),
    )
    # Moderation (complaints.moderation): the description as the public reads it once staff have
    # redacted part of it (NULL: as filed), and whether the text and photos wait for a first staff
    # action (a "moderated first" category). disclosure.public decides from these what is served.
    public_description = models.TextField(_("public description"), null=True, blank=True, editable=False)
    held = models.BooleanField(_("held for moderation"), default=False, db_default=False, editable=False)
    # Private complaints (of a sensitive category when filed) are in no public answer (docs/rules.md,
    # privacy rule 2). Stored, not read from the category: unticking a category's flag later does not
    # republish its history (disclosure's category_privacy command moves history, with an event each).
    private = models.BooleanField(_("private"), default=False, editable=False)
    # The reporter key's salt and SHA-256 (complaints.tracking); the key itself is never stored.
    reporter_key_salt = models.CharField(max_length=32, blank=True, editable=False)
    reporter_key_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    # Reporter contact: private. Never serialised by a public endpoint (tests guard this); staff read it
    # only through complaints.reporter_contact, which logs each reading (privacy rule 11).
    reporter_name = models.CharField(_("reporter name"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=32, blank=True)
    reporter_email = models.EmailField(_("reporter e-mail"), blank=True)
    # "Rahasiakan identitas saya": no staff member sees the contact (complaints.contacts refuses it,
    # the admin leaves it out); PEKA's own messages still reach the reporter through it.
    reporter_anonymous = models.BooleanField(_("reporter anonymous"), default=False, db_default=False, editable=False)
    area_rule = models.CharField(max_length=24, choices=AreaRule.choices)
    assignment_rule = models.CharField(max_length=24, choices=AssignmentRule.choices)
    routing_reason = models.TextField(_("routing reason"))
    duplicate_of = models.ForeignKey("self", on_delete=models.PROTECT, related_name="duplicates", null=True, blank=True)
    # A client's Idempotency-Key: a retried POST with the same key returns the same complaint.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The current resolution's on-site verdict (complaints.onsite), copied from its closing event so
    # the report card's rollup counts it with the resolution; None while not resolved.
    resolved_on_site = models.BooleanField(_("resolved on site"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Citizens who said "me too" (Dukung) instead of filing a duplicate.
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    rating = models.PositiveSmallIntegerField(_("citizen rating"), null=True, blank=True)
    rating_comment = models.TextField(blank=True, max_length=1000)
    # Optimistic concurrency: every change increments it; a change made against an old version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["created_at"]),
            # The task-force inbox: open complaints of one task force, newest first.
            models.Index(
                fields=["task_force", "-created_at"],
                name="complaint_open_inbox",
                condition=Q(status__in=OPEN_STATUSES),
            ),
            # The duplicate check before filing looks only at open complaints near a point.
            GistIndex(fields=["location"], name="complaint_open_location", condition=Q(status__in=OPEN_STATUSES)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__range=(1, 5)), name="complaint_rating_1_5"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DUPLIKAT) | Q(duplicate_of__isnull=False),
                name="complaint_duplicate_names_original",
            ),
        ]

    def __str__(self):
        return self.tracking_code

    def get_absolute_url(self) -> str:
        """The public tracking page, /lacak/<code>/: the one builder of it (the reporter's private link
        is this page with the key in the fragment, disclosure.reporter.private_url; an absolute link
        in a message is geo.links.site_url of it)."""
        return reverse("track", args=[self.tracking_code])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_reporter_contact(self) -> bool:
        """Whether the reporter left a name, phone or e-mail (staff read them only through
        complaints.contacts, which logs each reading)."""
        return bool(self.reporter_name or self.reporter_phone or self.reporter_email)

    @property
    def is_overdue(self) -> bool:
        """overdue_q for one complaint in memory."""
        return self.is_open and self.due_at < timezone.now()


class PhotoKind(models.TextChoices):
    REPORT = "report", _("reported")
    AFTER = "after", _("after the work")


class Photo(models.Model):
    """A photo of a complaint, stored re-encoded and without metadata (complaints.photos)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="photos")
    kind = models.CharField(max_length=8, choices=PhotoKind.choices)
    image = models.ImageField(upload_to="photos/", width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to="photos/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # Hidden by moderation: kept for the agency's staff and the audit trail, never served publicly.
    hidden = models.BooleanField(_("hidden from the public"), default=False, db_default=False)

    class Meta:
        ordering = ["created_at", "id"]


class EventKind(models.TextChoices):
    CREATED = "created", _("filed")
    STATUS = "status", _("status changed")
    NOTE = "note", _("note")
    ASSIGNED = "assigned", _("assigned")
    REROUTED = "rerouted", _("re-routed")
    REOPENED = "reopened", _("reopened by the citizen")
    RATED = "rated", _("rated by the citizen")
    ADDED = "added", _("information added by the reporter")
    PRIVACY = "privacy", _("privacy changed")
    MODERATED = "moderated", _("moderated")


class SiteEvidence(models.TextChoices):
    """What placed the officer at a closing (complaints.onsite)."""

    PHOTO = "photo", _("the after photo's GPS")
    DEVICE = "device", _("the device's position")


class ComplaintEvent(models.Model):
    """One change in a complaint's life. Append-only: the database refuses UPDATE and DELETE."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(blank=True)
    # Public events and notes show on the citizen's tracking page; staff notes are private unless the
    # officer marks them public (docs/rules.md, privacy rule 7); the reporter's additions show only
    # with the reporter key.
    public = models.BooleanField(default=True)
    # An assignment to an officer (kind "assigned"): who has it now and who had it before; both empty
    # for a hand-over to another task force.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee_before = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A move to selesai: whether the after photo's GPS or the device's one position placed the officer
    # at the complaint (complaints.onsite), how far from it, and by which. The position itself is not
    # kept (docs/rules.md, privacy rule 9). NULL on every other event.
    verified_on_site = models.BooleanField(_("verified on site"), null=True, blank=True)
    site_distance_m = models.FloatField(_("distance from the complaint (m)"), null=True, blank=True)
    site_evidence = models.CharField(max_length=8, choices=SiteEvidence.choices, blank=True, default="", db_default="")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")


class ContactView(models.Model):
    """One reading of a reporter's contact by a staff member ("tampilkan kontak", complaints.contacts):
    who, when, which complaint. Contacts are read on a need-to-know basis, and the agency's supervisors
    and the city admins see who read them."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="contact_views")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("staff member")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("reporter contact view")
        verbose_name_plural = _("reporter contact views")
        indexes = [models.Index(fields=["complaint", "-at"], name="contactview_complaint_at")]

    def __str__(self):
        return f"{self.complaint} · {self.actor} · {self.at:%Y-%m-%d %H:%M}"


class Support(models.Model):
    """One "Dukung" for a complaint, by one supporter: the hash of the reporter key they showed, else of
    their browser session (disclosure.reporter.supporter_of). Counted once each."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="supports")
    supporter = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "supporter"], name="support_once")]


class Role(models.TextChoices):
    SATGAS = "satgas", _("task-force member")
    SUPERVISOR = "supervisor", _("agency supervisor")
    CITY_ADMIN = "admin_kota", _("city admin")


class StaffRole(models.Model):
    """What a staff user may see and do: a task-force member works their task forces' complaints,
    a supervisor their whole agency's, a city admin everything."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_role")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="staff")
    task_forces = models.ManyToManyField(TaskForce, blank=True, related_name="members")
    # Automatic assignment (complaints.assignment): only officers on duty take new work; the patrol
    # area, drawn in the admin, gives them what falls inside it; the last time they were given one
    # decides the round-robin's turn.
    on_duty = models.BooleanField(_("on duty"), default=True, db_default=True)
    area = models.MultiPolygonField(_("patrol area"), srid=4326, null=True, blank=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="admin_kota") | Q(agency__isnull=False), name="staffrole_agency_unless_city_admin"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


# What a response template may say in braces (complaints.replies fills them).
PLACEHOLDERS = ("code", "kelurahan", "due")
BRACED = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The {names} in ``text`` that are not placeholders, in order, once each."""
    found = [name for name in BRACED.findall(text or "") if name not in PLACEHOLDERS]
    return list(dict.fromkeys("{" + name + "}" for name in found))



class ResponseTemplate(models.Model):
    """A reply staff pick in the inbox's note box instead of typing the same sentences every day, in
    both languages; {code}, {kelurahan} and {due} are filled from the complaint (complaints.replies).
    Empty category or agency: it fits every one."""

    title = models.CharField(_("title"), max_length=80)
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        related_name="response_templates",
        null=True,
        blank=True,
        help_text=_("Empty: every category."),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="response_templates",
        null=True,
        blank=True,
        help_text=_("Empty: every agency."),
    )
    text_id = models.TextField(
        _("text (Indonesian)"), max_length=2000, help_text=_("Placeholders: {code}, {kelurahan}, {due}.")
    )
    text_en = models.TextField(_("text (English)"), max_length=2000, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "title", "id"]
        verbose_name = _("response template")
        verbose_name_plural = _("response templates")

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        for field in ("text_id", "text_en"):
            unknown = unknown_placeholders(getattr(self, field))
            if unknown:
                errors[field] = _("Unknown placeholders: %(names)s. Use {code}, {kelurahan} or {due}.") % {
                    "names": ", ".join(unknown)
                }
        if errors:
            raise ValidationError(errors)


class StaffActionReceipt(models.Model):
    """A staff action sent with an Idempotency-Key (complaints.idempotency): the inbox replays its
    offline queue after a lost answer, and the retry must find the action done instead of doing it
    again. Written in the action's own transaction, so it exists exactly when the action does."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    action = models.CharField(max_length=40)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    # SHA-256 of what was sent: the same key with other content is refused, not replayed.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="staff_action_key_once")]
