"""Which body outside the city takes a complaint, if any (docs/rules.md, routing rule 3, steps 0–0b).

complaints.routing asks this first and otherwise routes to the city's agencies as before.
"""

from django.contrib.gis.geos import Point
from django.db.models import Q

from forwarding.models import ExternalBody, ExternalRoute


def external_rules_exist() -> bool:
    """Whether any rule exists (a city without them pays one cheap query per routing, no more)."""
    return ExternalRoute.objects.exists()


def _rules(category_code: str):
    fits_category = Q(categories__len=0) | Q(categories__contains=[category_code])
    return ExternalRoute.objects.select_related("body").filter(fits_category).order_by("-priority", "code")


def owner_body(owner: str, category_code: str) -> ExternalBody | None:
    """The body with a rule for assets of ``owner`` (and the category, if the rule names any)."""
    rule = _rules(category_code).filter(owner=owner).first() if owner else None
    return rule.body if rule else None


def area_body(point: Point, category_code: str) -> ExternalBody | None:
    """The body with a rule (without an owner) whose categories and area fit; highest priority, then
    lowest code. None: the city keeps it."""
    rule = _rules(category_code).filter(owner="").filter(Q(area__isnull=True) | Q(area__intersects=point)).first()
    return rule.body if rule else None
