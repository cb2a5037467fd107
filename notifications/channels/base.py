"""The one small interface every channel has: send one composed message to one contact."""

from typing import Protocol

from notifications.contacts import Contact
from notifications.messages import Message


class Sender(Protocol):
    def send(self, contact: Contact, message: Message) -> str | None:
        """Deliver, or raise notifications.once's Undeliverable (the contact cannot receive on this
        channel: it is blocked, never retried) or TryLater (retried with backoff). Returns the
        service's id of the message when it gives one (WhatsApp's ``messages[0].id``, which its status
        webhook names later)."""
