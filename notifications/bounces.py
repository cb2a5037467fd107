"""Bounces that arrive after the send. An SMTP server that accepted a mail may still fail to deliver
it and send back a delivery status notification (RFC 3464: multipart/report with a
message/delivery-status part). Those come to the envelope sender, PEKA_BOUNCE_ADDRESS (our mail server
delivers that address into a Maildir); ``read`` goes through the Maildir, and each recipient the
report says failed permanently (Action: failed, Status 5.x.x) is blocked like a recipient the SMTP
server refused at once: nothing more is sent to that contact. A temporary failure (4.x.x, "delayed")
blocks nothing. Every message read is removed, so a report is counted once.
"""

import mailbox
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parseaddr
from pathlib import Path

from notifications import contacts
from notifications.models import Channel


@dataclass
class BounceReport:
    read: int = 0
    reports: int = 0
    blocked: int = 0
    temporary: int = 0
    other: int = 0  # mail that is no delivery report (an auto-reply, a person writing back)
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{self.read} messages read: {self.reports} delivery reports, {self.other} other mail",
            f"  recipients failed permanently, now blocked: {self.blocked}",
            f"  temporary failures (nothing blocked): {self.temporary}",
        ]


def read(maildir: Path) -> BounceReport:
    """Read and remove every message in ``maildir``; block the recipients that failed permanently."""
    report = BounceReport()
    box = mailbox.Maildir(maildir, factory=None, create=False)
    for key in list(box.keys()):
        message = box.get_message(key)
        report.read += 1
        failures = failed_recipients(message)
        if failures is None:
            report.other += 1
        else:
            report.reports += 1
            for failure in failures:
                if failure.permanent:
                    contacts.block(contacts.Contact(failure.address), Channel.EMAIL, f"bounce {failure.status}")
                    report.blocked += 1
                else:
                    report.temporary += 1
        box.discard(key)
    return report


@dataclass(frozen=True)
class Failure:
    address: str
    status: str  # the enhanced status code, "5.1.1"

    @property
    def permanent(self) -> bool:
        return self.status.startswith("5.")


def failed_recipients(message: Message) -> list[Failure] | None:
    """Each recipient a delivery report says failed or was delayed; None when ``message`` is no
    delivery report."""
    if message.get_content_type() != "multipart/report" or message.get_param("report-type") != "delivery-status":
        return None
    out = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # The per-message fields come first, then one block of fields per recipient; the email
        # package gives each block as a sub-message.
        for block in part.get_payload()[1:]:
            action = (block.get("Action") or "").strip().lower()
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
            _type, _sep, address = recipient.partition(";")
            address = parseaddr(address.strip())[1]
            status = (block.get("Status") or "").strip()
            if address and action in ("failed", "delayed"):
                # A "failed" action with a 4.x.x status is a server giving up on a temporary problem:
                # the address itself may be fine.
                out.append(Failure(address, status if action == "failed" else "4.0.0"))
    return out
