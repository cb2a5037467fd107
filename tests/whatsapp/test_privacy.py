"""What the WhatsApp line keeps of people: a number only while it is needed, nothing they wrote once
it is handled, and in the admin a masked number."""

from datetime import timedelta

import pytest
from django.utils import timezone

from whatsapp.conversation import forget_silent
from whatsapp.models import Conversation, InboundMessage, Reply

pytestmark = pytest.mark.django_db


def test_silent_conversations_and_old_message_ids_are_forgotten():
    now = timezone.now()
    Conversation.objects.create(phone="+6281234567890", last_message_at=now - timedelta(minutes=31))
    Conversation.objects.create(phone="+6281298765432", last_message_at=now - timedelta(minutes=5))
    week_ago = now - timedelta(days=8)
    InboundMessage.objects.create(
        whatsapp_id="wamid.lama", phone="", kind="text", received_at=week_ago, handled_at=week_ago
    )
    # A job that gave up left its message unhandled: it goes too, with what it said.
    InboundMessage.objects.create(whatsapp_id="wamid.gagal", phone="+6281234567890", kind="text", received_at=week_ago)
    InboundMessage.objects.create(whatsapp_id="wamid.baru", phone="", kind="text", handled_at=now - timedelta(days=1))
    assert forget_silent() == 1
    assert list(Conversation.objects.values_list("phone", flat=True)) == ["+6281298765432"]
    assert list(InboundMessage.objects.values_list("whatsapp_id", flat=True)) == ["wamid.baru"]


def test_the_admin_shows_replies_with_the_number_masked(client, staff_user):
    admin = staff_user("admin", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    Reply.objects.create(cause="inbound:1:0", phone="+6281234567890", content={"type": "text", "text": {"body": "x"}})
    page = client.get("/admin/whatsapp/reply/")
    assert page.status_code == 200
    assert b"+62812****890" in page.content and b"6281234567890" not in page.content
