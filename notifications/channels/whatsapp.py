"""WhatsApp through the WhatsApp Business Cloud API.

Two kinds of message go out: **template messages** (the only kind a business may start a conversation
with), used for every notification, in the recipient's language, the tracking code as the body's
parameter and as the suffix of the template's link button; and **session messages** (free text,
an interactive list, reply buttons), allowed only within 24 hours of the person's last message to
us, which is when the WhatsApp intake (whatsapp/) answers. Every send returns the message id the
API gives (``messages[0].id``), which the status webhook later names.

Each template (WhatsApp Manager) has a body with {{1}} = the tracking code and a URL button ending
in /lacak/{{1}}/; their names are in notifications.messages.

The media API is here too: an image a person sends arrives as a media id, which is exchanged for a
short-lived URL and then downloaded, both with our token.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings

from notifications.contacts import Contact
from notifications.messages import Message
from notifications.once import TryLater, Undeliverable

# "Message undeliverable": the number is not on WhatsApp (or cannot receive). Nothing more goes to it.
NOT_ON_WHATSAPP = 131026
LANGUAGES = {"id": "id", "en": "en"}
# The Cloud API's limits on interactive messages (characters, and rows/buttons per message).
LIST_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
SECTION_TITLE = 24
LIST_BUTTON = 20
BUTTONS = 3
BUTTON_TITLE = 20
BODY = 1024
MEDIA_MAX_BYTES = 16 * 1024 * 1024  # the Cloud API's own limit for images is 5 MB; more is not an image


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
    def send(self, contact: Contact, message: Message) -> str:
        return post_message(payload(contact, message))


# Session messages: each function gives the message's content ({"type": …, <type>: …}); send_session
# addresses and sends it.


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def session_text(body: str) -> dict:
    return {"type": "text", "text": {"body": _cut(body, 4096), "preview_url": False}}


def session_list(body: str, button: str, sections: list[tuple[str, list[tuple[str, str, str]]]]) -> dict:
    """An interactive list: ``sections`` are (title, [(row id, title, description)]); titles longer
    than WhatsApp allows are cut, and at most LIST_ROWS rows are sent."""
    rows_left, out = LIST_ROWS, []
    for title, rows in sections:
        kept = rows[:rows_left]
        rows_left -= len(kept)
        if kept:
            out.append(
                {
                    "title": _cut(title, SECTION_TITLE),
                    "rows": [
                        {
                            "id": row_id,
                            "title": _cut(row_title, ROW_TITLE),
                            "description": _cut(description, ROW_DESCRIPTION),
                        }
                        for row_id, row_title, description in kept
                    ],
                }
            )
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": _cut(body, BODY)},
            "action": {"button": _cut(button, LIST_BUTTON), "sections": out},
        },
    }


def session_buttons(body: str, buttons: list[tuple[str, str]]) -> dict:
    """Reply buttons: at most three (id, title)."""
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": _cut(body, BODY)},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": button_id, "title": _cut(title, BUTTON_TITLE)}}
                    for button_id, title in buttons[:BUTTONS]
                ]
            },
        },
    }


def send_session(to: str, content: dict) -> str:
    """Send a session message (content from session_text/list/buttons) to an E.164 number; returns its id."""
    return post_message(
        {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to.lstrip("+"), **content}
    )


def post_message(body: dict) -> str:
    """POST one message to the Cloud API; the message id it answers, or Undeliverable / TryLater."""
    request = urllib.request.Request(
        f"{settings.PEKA_WHATSAPP_API_URL}/{settings.PEKA_WHATSAPP_PHONE_ID}/messages",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {settings.PEKA_WHATSAPP_TOKEN}", "Content-Type": "application/json"},
        method="POST",
    )
    answer = _json(_open(request))
    messages = answer.get("messages") or []
    if not messages or not isinstance(messages[0], dict) or not messages[0].get("id"):
        raise TryLater("WhatsApp: the answer names no message")
    return str(messages[0]["id"])[:128]


def fetch_media(media_id: str) -> bytes:
    """The bytes of a media item a person sent: GET /<media id> gives a URL, which is fetched with our token."""
    headers = {"Authorization": f"Bearer {settings.PEKA_WHATSAPP_TOKEN}"}
    meta = _json(_open(urllib.request.Request(f"{settings.PEKA_WHATSAPP_API_URL}/{media_id}", headers=headers)))
    url = meta.get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise TryLater("WhatsApp: the media answer names no URL")
    return _open(urllib.request.Request(url, headers=headers), limit=MEDIA_MAX_BYTES)


def _open(request: urllib.request.Request, limit: int = 1024 * 1024) -> bytes:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        error = _error(exc)
        if error.get("code") == NOT_ON_WHATSAPP:
            raise Undeliverable(f"WhatsApp {NOT_ON_WHATSAPP}: {error.get('message', 'undeliverable')}") from exc
        raise TryLater(f"WhatsApp HTTP {exc.code}, error {error.get('code')}: {error.get('message', '')}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise TryLater(f"WhatsApp: {exc}") from exc
    if len(data) > limit:
        raise Undeliverable("WhatsApp: the answer is larger than expected")
    return data


def _json(data: bytes) -> dict:
    try:
        answer = json.loads(data or b"{}")
    except ValueError as exc:
        raise TryLater("WhatsApp: the answer is not JSON") from exc
    return answer if isinstance(answer, dict) else {}


def _error(exc: urllib.error.HTTPError) -> dict:
    try:
        return json.loads(exc.read() or b"{}").get("error", {})
    except ValueError:
        return {}
