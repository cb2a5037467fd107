from django.contrib import admin

from boundaries import admin as boundaries_admin
from boundaries.admin import MapAdmin
from boundaries.models import Jurisdiction, TaskForce
from complaints.admin_forms import CategoryForm, ComplaintForm, JurisdictionForm, TaskForceForm
from complaints.models import (
    Category,
    CategoryQuestion,
    Complaint,
    ComplaintEvent,
    ContactView,
    ResponseTemplate,
    StaffRole,
)

# The reporter's contact: left out of an anonymous reporter's complaint (complaints.reporter_contact).
REPORTER_CONTACT_FIELDS = ["reporter_name", "reporter_phone", "reporter_email"]


class QuestionInline(admin.StackedInline):
    model = CategoryQuestion
    extra = 0
    fields = ["order", "code", "kind", "prompt_id", "prompt_en", "required", "options"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    inlines = [QuestionInline]
    list_display = ["code", "name_id", "name_en", "agency", "sla_working_days", "sensitive", "moderated_first"]
    list_editable = ["sla_working_days", "sensitive", "moderated_first"]


# Task forces and jurisdictions are checked against the categories, which boundaries/ does not know
# (imports go one way): their admins are registered again here with the forms that check them.
for model, model_admin, model_form in (
    (TaskForce, boundaries_admin.TaskForceAdmin, TaskForceForm),
    (Jurisdiction, boundaries_admin.JurisdictionAdmin, JurisdictionForm),
):
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (model_admin,), {"form": model_form}))


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "at",
        "kind",
        "actor",
        "from_status",
        "to_status",
        "note",
        "public",
        "assignee",
        "verified_on_site",
        "site_distance_m",
        "site_evidence",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log: read, never written or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ContactViewInline(admin.TabularInline):
    """Who read the reporter's contact ("tampilkan kontak"), newest first."""

    model = ContactView
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "actor"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ContactView)
class ContactViewAdmin(ReadOnlyAdmin):
    list_display = ["at", "complaint", "actor"]
    list_filter = ["complaint__agency"]
    search_fields = ["complaint__tracking_code", "actor__username"]
    list_select_related = ["complaint", "actor"]
    date_hierarchy = "at"


@admin.register(Complaint)
class ComplaintAdmin(MapAdmin):
    form = ComplaintForm
    list_display = ["tracking_code", "category", "status", "kecamatan", "agency", "task_force", "created_at", "due_at"]
    list_filter = ["status", "category", "private", "agency", "assignment_rule", "kecamatan"]
    search_fields = ["tracking_code", "description"]
    # Place and category decide routing and privacy: they change through the services (re-routing,
    # category_privacy), each with an event, never by a bare edit here.
    readonly_fields = [
        "tracking_code",
        "category",
        "location",
        "asset",
        "reported_location",
        "external_body",
        "private",
        "kecamatan",
        "kelurahan",
        "agency",
        "task_force",
        "jurisdiction",
        "area_rule",
        "assignment_rule",
        "routing_reason",
        "created_at",
        "updated_at",
        "due_at",
        "resolved_at",
        "closed_at",
        "status",
        "version",
        "reopen_count",
        "rating",
        # Assignment and moderation change through the staff API's services, each with an event.
        "assigned_to",
        "public_description",
        "held",
        "reporter_anonymous",
    ]
    inlines = [EventInline, ContactViewInline]

    def get_exclude(self, request, obj=None):
        """An anonymous reporter's contact is shown to nobody on the staff, here neither."""
        excluded = list(super().get_exclude(request, obj) or [])
        return excluded + REPORTER_CONTACT_FIELDS if obj is not None and obj.reporter_anonymous else excluded


@admin.register(StaffRole)
class StaffRoleAdmin(MapAdmin):
    """A staff member's role; an officer's patrol area is drawn on the map (automatic assignment by
    area, complaints.assignment)."""

    list_display = ["user", "role", "agency", "on_duty"]
    list_filter = ["role", "agency", "on_duty"]
    list_editable = ["on_duty"]
    filter_horizontal = ["task_forces"]
    fields = ["user", "role", "agency", "task_forces", "on_duty", "area"]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "agency", "sort_order"]
    list_filter = ["agency", "category"]
    search_fields = ["title", "text_id", "text_en"]
