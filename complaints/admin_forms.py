"""The admin's forms for the configuration that routing reads: what they refuse to save, and their
labels in the visitor's language (fields the models leave unnamed)."""

from pathlib import Path

from django import forms
from django.contrib.staticfiles import finders
from django.utils.translation import gettext_lazy as _

from boundaries.models import Jurisdiction, TaskForce
from complaints.models import Category, Complaint
from geo.phones import clean_phone

# The admin shows a label as written (a model field's verbose name it capitalises itself).
LABELS = {"agency": _("Agency"), "task_force": _("Task force"), "sort_order": _("Sort order")}


def icon_choices() -> list[tuple[str, str]]:
    """The icons there are (static/icons/<name>.svg): a category's icon is one of them, never free text
    that turns into a broken image on the citizen's form."""
    folder = finders.find("icons")
    return [(p.stem, p.stem) for p in sorted(Path(folder).glob("*.svg"))] if folder else []


class CategoryForm(forms.ModelForm):
    icon = forms.ChoiceField(label=_("Icon"), choices=icon_choices)

    class Meta:
        model = Category
        fields = "__all__"
        labels = LABELS


class ComplaintForm(forms.ModelForm):
    """A reporter's number edited by hand is stored as intake stores it: E.164 (geo.phones)."""

    class Meta:
        model = Complaint
        fields = "__all__"

    def clean_reporter_phone(self):
        return clean_phone(self.cleaned_data["reporter_phone"])


class TaskForceForm(forms.ModelForm):
    class Meta:
        model = TaskForce
        fields = "__all__"
        labels = LABELS


class JurisdictionForm(forms.ModelForm):
    class Meta:
        model = Jurisdiction
        fields = "__all__"
        labels = LABELS

    def clean_categories(self):
        codes = self.cleaned_data["categories"]
        unknown = sorted(set(codes) - set(Category.objects.filter(code__in=codes).values_list("code", flat=True)))
        if unknown:
            raise forms.ValidationError(
                _("No category has the code %(codes)s. Use the codes of the categories list."),
                params={"codes": ", ".join(unknown)},
            )
        return codes

    def clean(self):
        data = super().clean()
        agency, task_force = data.get("agency"), data.get("task_force")
        if agency and task_force and task_force.agency_id != agency.pk:
            self.add_error(
                "task_force",
                _("Task force %(task_force)s belongs to %(other)s, not to %(agency)s.")
                % {"task_force": task_force.code, "other": task_force.agency.code, "agency": agency.code},
            )
        return data
