"""Where a complaint goes: its area (boundaries.selectors) and who works it (docs/rules.md, routing rule 3).

0. On an asset with an owner: a body outside the city with a rule for that owner (forwarded), else
   the city agency of that code (with its jurisdiction at the point, if one takes the category).
0b. A rule of a body outside the city for the category at the point (forwarded).
1. The jurisdiction that takes the category at the point (highest priority, smallest area, lowest code).
2. None: the category's agency, without a task force.
3. No agency: the triage agency (settings.PEKA_TRIAGE_AGENCY). A complaint is never dropped.

Bulk loads and re-routing (assignment_sql) have no assets and apply steps 1–3 only.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point
from django.utils import translation
from django.utils.translation import gettext_lazy

from boundaries.models import Agency
from boundaries.selectors import AREA_REASONS, Ref, RouteDecision, Rule, route_many, route_sql
from complaints.models import AssignmentRule, Category
from forwarding.selectors import area_body, external_rules_exist, owner_body
from geo.sqltext import sql_sentence


@dataclass(frozen=True)
class ComplaintRoute:
    area: RouteDecision
    rule: AssignmentRule | None
    agency: Ref | None
    task_force: Ref | None
    jurisdiction_id: int | None = None
    external_body: Ref | None = None
    owner: str = ""

    @property
    def accepted(self) -> bool:
        return self.area.accepted

    @property
    def auto_assign(self) -> str | None:
        """The rule of automatic assignment of the task force, as routing read it (its task force is
        always the jurisdiction's); None without a task force."""
        return self.area.jurisdiction.task_force_auto_assign if self.task_force and self.area.jurisdiction else None

    def reason(self) -> str:
        """The whole decision in the active language."""
        if not self.accepted:
            return self.area.reason()
        if self.rule in FORWARDING_REASONS:
            return f"{self.area.reason()} {FORWARDING_REASONS[self.rule] % self._names()}"
        who = ASSIGNMENT_REASONS[self.rule] % {
            "jurisdiction": self.area.jurisdiction.code if self.area.jurisdiction else "",
            "agency": self.agency.code if self.agency else "",
            "task_force": self.task_force.code if self.task_force else "—",
        }
        return f"{self.area.reason()} {who}"

    def _names(self) -> dict:
        return {
            "owner": self.owner,
            "body": self.external_body.name if self.external_body else "",
            "agency": self.agency.code if self.agency else "",
            "task_force": self.task_force.code if self.task_force else "—",
        }

    def stored_reason(self) -> str:
        """The reason as stored with the complaint: in the site's language, whoever asked."""
        with translation.override(settings.LANGUAGE_CODE):
            return self.reason()


# Who works it, by rule; complaints.bulk writes the same sentences in SQL (stored_reason_sql).
ASSIGNMENT_REASONS = {
    AssignmentRule.JURISDICTION: gettext_lazy("Jurisdiction %(jurisdiction)s: %(agency)s, task force %(task_force)s."),
    AssignmentRule.CATEGORY_AGENCY: gettext_lazy(
        "No jurisdiction takes this category here: the category's agency, %(agency)s."
    ),
    AssignmentRule.TRIAGE: gettext_lazy("The category has no agency: the triage queue."),
}


# The decisions only Python makes (an asset's owner, a body outside the city), not written by SQL.
FORWARDING_REASONS = {
    AssignmentRule.ASSET_OWNER: gettext_lazy("The asset belongs to %(owner)s: %(agency)s, task force %(task_force)s."),
    AssignmentRule.EXTERNAL: gettext_lazy("This is for %(body)s, outside the city government: forwarded."),
}


def stored_reason_sql(**exprs: str) -> tuple[str, dict]:
    """``ComplaintRoute.stored_reason`` as one SQL expression over a routed row, and its parameters.

    ``exprs`` gives the SQL for: area_rule, assignment_rule (the rules' values), code, name, codes,
    distance (the kecamatan's), jurisdiction, agency, task_force (codes, NULL when none).
    """
    params, area, who = {}, [], []
    with translation.override(settings.LANGUAGE_CODE):
        for rule, template in AREA_REASONS.items():
            sql, param = sql_sentence(f"reason_area_{rule.value}", template, exprs)
            area.append(f"WHEN '{rule.value}' THEN {sql}")
            params |= param
        for rule, template in ASSIGNMENT_REASONS.items():
            sql, param = sql_sentence(
                f"reason_who_{rule.value}", template, exprs | {"task_force": f"coalesce({exprs['task_force']}, '—')"}
            )
            who.append(f"WHEN '{rule.value}' THEN {sql}")
            params |= param
    case = "CASE ({}) {} END"
    return (
        f"{case.format(exprs['area_rule'], ' '.join(area))} || ' ' || {case.format(exprs['assignment_rule'], ' '.join(who))}",
        params,
    )


def assignment_sql(points: str) -> tuple[str, dict]:
    """``route_complaints`` in SQL over a relation of points (i, category code, g in WGS84): for bulk
    loads and re-routing, where a million rows must not pass through Python.

    Rows, for the points inside the city or within its tolerance: i, area_rule, kecamatan_id,
    kelurahan_id, jurisdiction_id, task_force_id, agency_id, assignment_rule, routing_reason (as
    ``stored_reason``). The fallbacks are the same: the jurisdiction, else the category's agency,
    else the triage agency (tests/complaints/test_bulk.py holds the two to the same answers).
    """
    route, params = route_sql(points)
    reason, reason_params = stored_reason_sql(
        area_rule="a.area_rule",
        assignment_rule="a.assignment_rule",
        code="a.kecamatan_code",
        name="a.kecamatan_name",
        codes="array_to_string(a.candidates, ', ')",
        distance="a.distance_m",
        jurisdiction="a.jurisdiction_code",
        agency="a.agency_code",
        task_force="a.task_force_code",
    )
    sql = f"""
        SELECT a.i, a.area_rule, a.kecamatan_id, a.kelurahan_id, a.jurisdiction_id, a.task_force_id, a.agency_id,
               a.assignment_rule, {reason} AS routing_reason
        FROM (
            SELECT r.i, r.rule AS area_rule, r.kecamatan_id, r.kecamatan_code, r.kecamatan_name, r.candidates,
                   r.distance_m, r.kelurahan_id, r.jurisdiction_id, r.jurisdiction_code, r.task_force_id,
                   r.task_force_code,
                   CASE WHEN r.jurisdiction_id IS NOT NULL THEN '{AssignmentRule.JURISDICTION.value}'
                        WHEN c.agency_id IS NOT NULL THEN '{AssignmentRule.CATEGORY_AGENCY.value}'
                        ELSE '{AssignmentRule.TRIAGE.value}' END AS assignment_rule,
                   coalesce(r.agency_id, c.agency_id, triage.id) AS agency_id,
                   coalesce(r.agency_code, ca.code, triage.code) AS agency_code
            FROM ({route}) r
            JOIN {Category._meta.db_table} c ON c.code = r.category
            LEFT JOIN {Agency._meta.db_table} ca ON ca.id = c.agency_id
            LEFT JOIN {Agency._meta.db_table} triage ON triage.code = %(triage)s
            WHERE r.rule <> '{Rule.OUTSIDE.value}'
        ) a
    """
    return sql, params | reason_params | {"triage": settings.PEKA_TRIAGE_AGENCY}


def responsible_agency_code(category: Category) -> str:
    """The agency that takes ``category`` where no jurisdiction does: its own, else the triage agency."""
    return category.agency.code if category.agency_id else settings.PEKA_TRIAGE_AGENCY


def route_complaints(
    items: Sequence[tuple[Point, Category]], owners: Sequence[str] | None = None
) -> list[ComplaintRoute]:
    """Route (point, category) pairs in one statement; the answers keep their order. ``owners``: the
    owner code of each complaint's asset ("" for none)."""
    areas = route_many([(p.x, p.y) for p, _c in items], [c.code for _p, c in items])
    owners = owners or [""] * len(items)
    # Many complaints: one check first, so that a city without outside rules pays one query for the
    # lot. One complaint: its own rule lookup (one query, on an empty table in such a city) says it.
    external = len(items) == 1 or external_rules_exist()
    triage = None
    routes = []
    for (point, category), area, owner in zip(items, areas, owners, strict=True):
        if not area.accepted:
            routes.append(ComplaintRoute(area, None, None, None))
            continue
        owner_agency = Agency.objects.filter(code=owner).first() if owner else None
        body = external and owner and not owner_agency and owner_body(owner, category.code)
        if not body and not owner_agency and external:
            body = area_body(point, category.code)
        if body:
            routes.append(
                ComplaintRoute(area, AssignmentRule.EXTERNAL, None, None, external_body=Ref.of(body), owner=owner)
            )
        elif owner_agency:
            j = area.jurisdiction if area.jurisdiction and area.jurisdiction.agency.id == owner_agency.id else None
            routes.append(
                ComplaintRoute(
                    area,
                    AssignmentRule.ASSET_OWNER,
                    Ref.of(owner_agency),
                    j.task_force if j else None,
                    j.id if j else None,
                    owner=owner,
                )
            )
        elif area.jurisdiction:
            j = area.jurisdiction
            routes.append(ComplaintRoute(area, AssignmentRule.JURISDICTION, j.agency, j.task_force, j.id))
        elif category.agency_id:
            routes.append(ComplaintRoute(area, AssignmentRule.CATEGORY_AGENCY, Ref.of(category.agency), None))
        else:
            triage = triage or Agency.objects.filter(code=settings.PEKA_TRIAGE_AGENCY).first()
            routes.append(ComplaintRoute(area, AssignmentRule.TRIAGE, Ref.of(triage) if triage else None, None))
    return routes


def route_complaint(point: Point, category: Category, *, owner: str = "") -> ComplaintRoute:
    return route_complaints([(point, category)], [owner])[0]
