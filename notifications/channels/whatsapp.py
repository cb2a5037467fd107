"""WhatsApp through the WhatsApp Business Cloud API: template messages (the only kind a business may
start a conversation with), in the recipient's language, the tracking code as the body's parameter
and as the suffix of the template's link button.

Each template (WhatsApp Manager) has a body with {{1}} = the tracking code and a URL button ending
in /lacak/{{1}}/; their names are in notifications.messages.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings

from notifications.channels.base import TryLater, Undeliverable
from notifications.contacts import Contact
from notifications.messages import Message

# "Message undeliverable": the number is not on WhatsApp (or cannot receive). Nothing more goes to it.
NOT_ON_WHATSAPP = 131026
LANGUAGES = {"id": "id", "en": "en"}


def payload(contact: Contact, message: Message) -> dict:
    parameters = [{"type": "text", "text": value} for value in message.parameters]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": contact.address.lstrip("+"),
        "type": "template",
        "template": {
            "name": message.template,
            "language": {"code": LANGUAGES.get(message.language, "id")},
            "components": [
                {"type": "body", "parameters": parameters},
                {"type": "button", "sub_type": "url", "index": "0", "parameters": parameters[:1]},
            ],
        },
    }


class WhatsAppSender:
    def send(self, contact: Contact, message: Message) -> None:
        request = urllib.request.Request(
            f"{settings.PEKA_WHATSAPP_API_URL}/{settings.PEKA_WHATSAPP_PHONE_ID}/messages",
            data=json.dumps(payload(contact, message)).encode(),
            headers={"Authorization": f"Bearer {settings.PEKA_WHATSAPP_TOKEN}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            error = _error(exc)
            if error.get("code") == NOT_ON_WHATSAPP:
                raise Undeliverable(f"WhatsApp {NOT_ON_WHATSAPP}: {error.get('message', 'undeliverable')}") from exc
            raise TryLater(f"WhatsApp HTTP {exc.code}, error {error.get('code')}: {error.get('message', '')}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise TryLater(f"WhatsApp: {exc}") from exc
        if not answer.get("messages"):
            raise TryLater("WhatsApp: the answer names no message")


def _error(exc: urllib.error.HTTPError) -> dict:
    try:
        return json.loads(exc.read() or b"{}").get("error", {})
    except ValueError:
        return {}
