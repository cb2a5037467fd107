"""Audiences that apps above notifications add to its deliveries, by the prefix of the recipient
(``subscription:<id>``: alerts' followers of an area). The app registers, in its AppConfig.ready(),
where such a delivery goes (``contact``: the address on the delivery's channel, "" for none) and what
it says (``message``); notifications.contacts and notifications.messages ask here, so notifications
imports none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from notifications.models import Delivery


@dataclass(frozen=True)
class Registered:
    contact: Callable[[Delivery], str]
    message: Callable  # (Delivery) -> notifications.messages.Message


_registry: dict[str, Registered] = {}


def register(prefix: str, *, contact: Callable[[Delivery], str], message: Callable) -> None:
    """Deliveries whose recipient is ``<prefix>:…`` go to ``contact(delivery)`` and say ``message(delivery)``."""
    _registry[prefix] = Registered(contact=contact, message=message)


def registered(delivery: Delivery) -> Registered | None:
    """What an app registered for the delivery's recipient, or None (notifications' own audiences)."""
    prefix, colon, _rest = delivery.recipient.partition(":")
    return _registry.get(prefix) if colon else None
