"""E-mail through Django's mail backend (SMTP with EMAIL_HOST…, the console locally): HTML and plain
text, with a one-click unsubscribe (RFC 8058: List-Unsubscribe and List-Unsubscribe-Post)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from notifications.contacts import Contact
from notifications.messages import Message
from notifications.once import TryLater, Undeliverable


class EmailSender:
    def send(self, contact: Contact, message: Message) -> None:
        mail = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            # The envelope sender, where delivery reports go (notifications.bounces); the From header
            # stays the city's address.
            from_email=settings.PEKA_BOUNCE_ADDRESS or settings.DEFAULT_FROM_EMAIL,
            to=[contact.address],
            headers={
                "From": settings.DEFAULT_FROM_EMAIL,
                "List-Unsubscribe": f"<{message.unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        )
        mail.attach_alternative(message.html, "text/html")
        mail_send(mail)


def mail_send(mail) -> None:
    """Hand ``mail`` to the mail server: a permanent refusal of the recipient (SMTP 5xx) is
    ``Undeliverable``, a deferral, a time-out or a lost connection ``TryLater``."""
    try:
        mail.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        code, _reason = next(iter(exc.recipients.values()))
        if 500 <= code < 600:
            raise Undeliverable(f"SMTP {code}: the recipient was refused") from exc
        raise TryLater(f"SMTP {code}: the recipient was deferred") from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TryLater(f"{type(exc).__name__}: {exc}") from exc
