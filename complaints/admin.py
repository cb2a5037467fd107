from django.contrib import admin

from boundaries import admin as boundaries_admin
from boundaries.admin import MapAdmin
from boundaries.models import Jurisdiction, TaskForce
from complaints.admin_forms import CategoryForm, JurisdictionForm, TaskForceForm
from complaints.models import Category, CategoryQuestion, Complaint, ComplaintEvent, StaffRole


class QuestionInline(admin.StackedInline):
    model = CategoryQuestion
    extra = 0
    fields = ["order", "code", "kind", "prompt_id", "prompt_en", "required", "options"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    inlines = [QuestionInline]
    list_display = ["code", "name_id", "name_en", "agency", "sla_working_days", "sensitive"]
    list_editable = ["sla_working_days", "sensitive"]


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
    readonly_fields = ["at", "kind", "actor", "from_status", "to_status", "note", "public"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(MapAdmin):
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
    ]
    inlines = [EventInline]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "agency"]
    list_filter = ["role", "agency"]
    filter_horizontal = ["task_forces"]
