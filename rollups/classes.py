"""Status classes: the one mapping from a complaint's status to how aggregates group it.

A new status is one line here. "open" and "closed" are what the public filters and totals name; a
status of its own class (e.g. a complaint forwarded to an outside body) is counted apart from both.
Rollups store the status itself, so a filter by one status is answered too; the class is applied
when they are read.
"""

from complaints.models import Status

OPEN, CLOSED = "open", "closed"

STATUS_CLASS = {
    Status.BARU: OPEN,
    Status.DIVERIFIKASI: OPEN,
    Status.DIKERJAKAN: OPEN,
    Status.SELESAI: CLOSED,
    Status.DITOLAK: CLOSED,
    Status.DUPLIKAT: CLOSED,
    Status.DITERUSKAN: "forwarded",  # handed to a body outside the city: neither open nor resolved
}


def status_class(status: str) -> str:
    """The class of ``status``; a status missing from the mapping is its own class."""
    return STATUS_CLASS.get(status, str(status))


def statuses_of(selection: str | None) -> list[str] | None:
    """The statuses a filter names: a class ("open", "closed"), one status, or None for all."""
    if not selection:
        return None
    members = [str(s) for s, cls in STATUS_CLASS.items() if cls == selection]
    return members or [selection]
