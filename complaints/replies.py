"""Response templates filled for one complaint (the inbox's note box; docs/api.md, staff replies).

A template says {code}, {kelurahan} and {due}; nothing else in braces is a placeholder the admin
accepts (ResponseTemplate.clean). Filling replaces exactly those three names, never Python formatting,
so a template cannot reach into the complaint's attributes.
"""


from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import date_format

from complaints.models import BRACED, ResponseTemplate


def values(complaint, language: str) -> dict[str, str]:
    """What the placeholders say for ``complaint`` in ``language`` ("id" or "en")."""
    place = complaint.kelurahan or complaint.kecamatan
    with translation.override(language):
        due = date_format(timezone.localtime(complaint.due_at), "j F Y")
    return {"code": complaint.tracking_code, "kelurahan": place.name, "due": due}


def fill(text: str, complaint, language: str) -> str:
    known = values(complaint, language)
    return BRACED.sub(lambda m: known.get(m.group(1), m.group(0)), text)


def templates_for(complaint):
    """The templates that fit the complaint: its category's or every category's, its agency's or every
    agency's; the most specific first."""
    return (
        ResponseTemplate.objects.filter(Q(category__isnull=True) | Q(category=complaint.category_id))
        .filter(Q(agency__isnull=True) | Q(agency=complaint.agency_id))
        .order_by(F("category").asc(nulls_last=True), F("agency").asc(nulls_last=True), "sort_order", "title", "id")
    )


def filled_templates(complaint) -> list[dict]:
    """Each fitting template with its text filled in both languages (English falls back to the
    Indonesian where none was written)."""
    return [
        {
            "id": template.id,
            "title": template.title,
            "text": {
                "id": fill(template.text_id, complaint, "id"),
                "en": fill(template.text_en or template.text_id, complaint, "en"),
            },
        }
        for template in templates_for(complaint)
    ]
