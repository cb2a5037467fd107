"""Bounces that come back after the SMTP server accepted the mail: mail goes out with the bounce address
as its envelope sender, and the delivery reports (RFC 3464) delivered into the bounce Maildir block
the addresses that failed for good."""

import io
import mailbox

import pytest
from django.core.management import CommandError, call_command

from notifications import sending
from notifications.contacts import Contact, is_blocked
from notifications.models import Delivery, DeliveryStatus
from tests.notifications.test_email import file

pytestmark = pytest.mark.django_db
BOUNCES = "bounces@peka.example"


def delivery_report(recipient: str, action: str, status: str) -> bytes:
    """A delivery status notification as Postfix writes one: a human part, the machine-readable
    message/delivery-status part, and the headers of the original mail."""
    return f"""From: MAILER-DAEMON@mx.contoh.id (Mail Delivery System)
To: {BOUNCES}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.contoh.id. I'm sorry to have to inform you that your message
could not be delivered to one or more recipients.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.contoh.id
Arrival-Date: Tue, 1 Dec 2026 09:00:00 +0700

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected

--B1
Content-Type: text/rfc822-headers

From: PEKA <peka@localhost>
Subject: Laporan diterima

--B1--
""".replace("\n", "\r\n").encode()


@pytest.fixture
def maildir(tmp_path):
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    return tmp_path / "Maildir", box


def test_mail_goes_out_with_the_bounce_address_as_envelope_sender(smtp, settings, post_complaint):
    smtp.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.PEKA_BOUNCE_ADDRESS = BOUNCES
    complaint = file(post_complaint, notify=False)
    assert sending.deliver(Delivery.objects.get(complaint=complaint).id) == DeliveryStatus.SENT
    [mail] = smtp.wait_for(1)
    assert mail["Return-Path"] == f"<{BOUNCES}>"
    assert mail["From"] == settings.DEFAULT_FROM_EMAIL  # the reader sees the city's address


def test_a_permanent_failure_blocks_the_address(maildir, post_complaint, admin_client):
    folder, box = maildir
    box.add(delivery_report("hilang@contoh.id", "failed", "5.1.1"))
    box.add(delivery_report("penuh@contoh.id", "delayed", "4.2.2"))
    box.add(delivery_report("nanti@contoh.id", "failed", "4.4.7"))  # gave up on a temporary problem
    box.add(b"From: warga@contoh.id\r\nSubject: Sedang cuti\r\n\r\nSaya sedang cuti sampai 7 Desember.\r\n")

    out = io.StringIO()
    call_command("read_bounces", str(folder), stdout=out)
    assert "4 messages read: 3 delivery reports, 1 other mail" in out.getvalue()
    assert "now blocked: 1" in out.getvalue() and "nothing blocked): 2" in out.getvalue()
    assert is_blocked(Contact("hilang@contoh.id"))
    assert not is_blocked(Contact("penuh@contoh.id")) and not is_blocked(Contact("nanti@contoh.id"))
    assert len(box) == 0  # every message read is gone: a report counts once

    # The next mail to that address is not sent.
    complaint = file(post_complaint, email="hilang@contoh.id", notify=False)
    delivery = Delivery.objects.get(complaint=complaint)
    assert sending.deliver(delivery.id) == DeliveryStatus.SKIPPED
    delivery.refresh_from_db()
    assert "blocked" in delivery.last_error


def test_the_periodic_task_reads_the_configured_maildir(maildir, settings):
    from notifications.tasks import read_bounces

    folder, box = maildir
    box.add(delivery_report("hilang@contoh.id", "failed", "5.1.1"))
    settings.PEKA_BOUNCE_MAILDIR = ""
    assert read_bounces(0) == 0 and len(box) == 1  # not configured: not read
    settings.PEKA_BOUNCE_MAILDIR = str(folder)
    assert read_bounces(0) == 1 and is_blocked(Contact("hilang@contoh.id"))


def test_without_a_maildir_the_command_says_what_to_do(tmp_path, settings):
    settings.PEKA_BOUNCE_MAILDIR = ""
    with pytest.raises(CommandError, match="PEKA_BOUNCE_MAILDIR"):
        call_command("read_bounces")
    with pytest.raises(CommandError, match="no Maildir"):
        call_command("read_bounces", str(tmp_path))
