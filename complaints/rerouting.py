"""Routing open complaints again after boundaries or jurisdictions change (DESIGN.md, routing rule 4)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent, EventKind
from complaints.routing import route_complaints

CHUNK = 10_000


@dataclass
class RerouteReport:
    checked: int = 0
    moved_complaints: int = 0
    moved: Counter = field(default_factory=Counter)  # (what, from, to) → complaints
    committed: bool = False

    def lines(self) -> list[str]:
        verb = "re-routed" if self.committed else "would re-route (dry run, nothing written)"
        head = f"{self.checked} open complaints checked; {verb}: {self.moved_complaints}"
        return [head] + [f"  {what}: {old} → {new}: {n}" for (what, old, new), n in sorted(self.moved.items())]


def complaints_reroute(*, commit: bool = False) -> RerouteReport:
    """Route every open complaint again; move those whose kecamatan, kelurahan, agency or jurisdiction
    changed. A task force a supervisor chose by hand is kept unless the jurisdiction itself changed.
    Without ``commit`` nothing is written; the report says what would move."""
    report = RerouteReport(committed=commit)
    open_complaints = (
        Complaint.objects.open()
        .select_related("category__agency", "kecamatan", "kelurahan", "agency", "task_force", "jurisdiction")
        .order_by("id")
    )
    with transaction.atomic():
        last_id = 0
        while chunk := list(open_complaints.filter(id__gt=last_id).select_for_update(of=("self",))[:CHUNK]):
            last_id = chunk[-1].id
            routes = route_complaints([(c.location, c.category) for c in chunk])
            moved, events, now = [], [], timezone.now()
            for complaint, route in zip(chunk, routes, strict=True):
                report.checked += 1
                if not route.accepted:
                    continue  # the point left the city: keep it where it is rather than drop it
                changes = _changes(complaint, route)
                if not changes:
                    continue
                for what, old, new in changes:
                    report.moved[(what, old, new)] += 1
                report.moved_complaints += 1
                _apply(complaint, route, now)
                moved.append(complaint)
                events.append(
                    ComplaintEvent(
                        complaint=complaint,
                        at=now,
                        kind=EventKind.REROUTED,
                        from_status=complaint.status,
                        to_status=complaint.status,
                        note=complaint.routing_reason,
                        public=False,
                    )
                )
            if commit and moved:
                Complaint.objects.bulk_update(moved, REROUTED_FIELDS, batch_size=1000)
                ComplaintEvent.objects.bulk_create(events, batch_size=1000)
        if not commit:
            transaction.set_rollback(True)
    return report


REROUTED_FIELDS = [
    "kecamatan",
    "kelurahan",
    "agency",
    "task_force",
    "jurisdiction",
    "area_rule",
    "assignment_rule",
    "routing_reason",
    "version",
    "updated_at",
]


def _code(ref) -> str:
    return ref.code if ref else "—"


def _changes(complaint: Complaint, route) -> list[tuple[str, str, str]]:
    area = route.area
    pairs = [
        ("kecamatan", _code(complaint.kecamatan), _code(area.kecamatan)),
        ("kelurahan", _code(complaint.kelurahan), _code(area.kelurahan)),
        ("agency", _code(complaint.agency), _code(route.agency)),
        ("jurisdiction", _code(complaint.jurisdiction), area.jurisdiction.code if area.jurisdiction else "—"),
    ]
    return [(what, old, new) for what, old, new in pairs if old != new]


def _apply(complaint: Complaint, route, now) -> None:
    jurisdiction_changed = complaint.jurisdiction_id != route.jurisdiction_id
    complaint.kecamatan_id = route.area.kecamatan.id
    complaint.kelurahan_id = route.area.kelurahan.id if route.area.kelurahan else None
    complaint.agency_id = route.agency.id if route.agency else None
    if jurisdiction_changed:
        complaint.task_force_id = route.task_force.id if route.task_force else None
    complaint.jurisdiction_id = route.jurisdiction_id
    complaint.area_rule = route.area.rule.value
    complaint.assignment_rule = route.rule.value
    complaint.routing_reason = route.stored_reason()
    complaint.version += 1
    complaint.updated_at = now
