"""The one small interface every channel has: send one composed message to one contact."""

from typing import Protocol

from notifications.contacts import Contact
from notifications.messages import Message


class Undeliverable(Exception):
    """The contact cannot receive on this channel (a bounce, a number not on WhatsApp): block it, do not retry."""


class TryLater(Exception):
    """A passing failure (server down, timeout, rate limit): retry with backoff."""


class Sender(Protocol):
    def send(self, contact: Contact, message: Message) -> str | None:
        """Deliver or raise Undeliverable / TryLater; returns the service's id of the message when it
        gives one (WhatsApp's ``messages[0].id``, which its status webhook names later)."""
