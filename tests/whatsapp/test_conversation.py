"""A WhatsApp conversation of a location, a sentence and a category files a routed complaint, with
the worker running and every answer checked where it arrives: at the Graph API stand-in."""

from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from complaints.models import Channel, Complaint, Status
from disclosure.reporter import key_opens
from notifications.models import Delivery, DeliveryStatus, ReporterChoice, Supporter
from tests.conftest import complaint_body, jpeg_with_gps
from tests.whatsapp.conftest import (
    PHONE,
    button_reply,
    envelope,
    image,
    list_reply,
    location,
    settle,
    signed_post,
    status,
    text,
    texts,
)
from whatsapp.models import Conversation, InboundMessage, Reply

pytestmark = pytest.mark.django_db(transaction=True)

SUKAJADI = (101.44, 0.51)


def rows(sent: dict) -> list[str]:
    return [row["id"] for section in sent["interactive"]["action"]["sections"] for row in section["rows"]]


def private_key_in(body: str) -> str:
    return body.split("#k=", 1)[1].split()[0]


def test_a_location_a_sentence_and_a_category_file_a_routed_complaint(chat, line):
    first = chat(location(*SUKAJADI))
    assert [m["type"] for m in first] == ["text", "text"]  # the welcome, then what is missing
    assert "keterangan" in first[1]["text"]["body"].lower()

    [choose] = chat(text("Lampu jalan mati di depan masjid."))
    assert choose["type"] == "interactive" and choose["interactive"]["type"] == "list"
    assert rows(choose) == [
        "lampu-jalan",
        "sampah",
        "jalan-rusak",
        "drainase",
        "pohon-tumbang",
        "kesehatan",
        "lainnya",
        "rahasia",
    ]

    [receipt] = chat(list_reply("lampu-jalan", "Lampu jalan mati"))
    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.WHATSAPP and complaint.status == Status.BARU
    assert complaint.category.code == "lampu-jalan" and complaint.agency.code == "DPUPR"
    assert complaint.kecamatan.name == "Sukajadi"
    assert complaint.description == "Lampu jalan mati di depan masjid."
    assert complaint.reporter_phone == "+6281234567890"
    assert ReporterChoice.objects.get(complaint=complaint).notify  # writing to us is consent to hear back
    body = receipt["text"]["body"]
    assert complaint.tracking_code in body and "/lacak/" in body
    assert key_opens(complaint, private_key_in(body))
    # Once filed, the line keeps no number and nothing said: the complaint holds the number now.
    assert not Conversation.objects.exists()
    handled = list(InboundMessage.objects.all())
    assert len(handled) == 3 and all(m.phone == "" and m.content == {} for m in handled)

    # Every request went to the messages endpoint with our token, to the person's number.
    posts = [r for r in line.requests if r["method"] == "POST"]
    assert all(r["path"] == f"/v21.0/{line.phone_id}/messages" for r in posts)
    assert all(r["authorization"] == f"Bearer {line.token}" for r in posts)
    assert all(r["body"]["to"] == PHONE and r["body"]["messaging_product"] == "whatsapp" for r in posts)
    # The receipt is the chat's answer: no template receipt as well.
    assert not Delivery.objects.filter(complaint=complaint, channel="whatsapp").exists()
    # Each reply keeps the id WhatsApp gave it.
    replies = list(Reply.objects.order_by("id"))
    assert len(replies) == 4
    assert all(r.status == DeliveryStatus.SENT and r.whatsapp_message_id.startswith("wamid.") for r in replies)
    assert all(r.phone == "" for r in replies)  # sent: the number is not kept


def test_any_order_with_a_photo_fetched_through_the_media_api(chat, line):
    line.media["1037543291543636"] = jpeg_with_gps()
    [got, ask_location] = chat(image("1037543291543636", caption="Sampah menumpuk di pinggir jalan."))
    assert "foto" in got["text"]["body"].lower() and "lokasi" in ask_location["text"]["body"].lower()
    gets = [r for r in line.requests if r["method"] == "GET"]
    assert [r["path"] for r in gets] == ["/v21.0/1037543291543636", "/media/1037543291543636"]
    assert all(r["authorization"] == f"Bearer {line.token}" for r in gets)

    chat(list_reply("sampah"))
    [receipt] = chat(location(*SUKAJADI))
    complaint = Complaint.objects.get()
    assert complaint.tracking_code in receipt["text"]["body"]
    assert complaint.description == "Sampah menumpuk di pinggir jalan." and complaint.agency.code == "DLHK"
    [photo] = complaint.photos.all()
    with Image.open(photo.image.open("rb")) as stored:
        assert stored.format == "JPEG" and not stored.getexif()  # camera and GPS gone, as for a web photo


def test_a_file_that_is_not_a_photo_is_refused_with_the_web_message(chat, line):
    line.media["88"] = b"%PDF-1.4 not a photo"
    [refusal, _ask] = chat(image("88"))
    assert refusal["text"]["body"] == "Berkas ini bukan foto: kirim gambar JPEG, PNG, atau WebP."
    assert Conversation.objects.get().photo is None


def test_a_redelivered_webhook_changes_nothing(client, line, worker, chat):
    chat(location(*SUKAJADI), text("Jalan berlubang besar."))
    completing = list_reply("jalan-rusak")
    body = envelope([completing])
    assert signed_post(client, body).status_code == 200
    assert signed_post(client, body).status_code == 200  # Meta delivers again
    settle()
    assert chat(completing) == []  # and once more, inside another envelope: no answer again
    complaint = Complaint.objects.get()
    assert InboundMessage.objects.filter(whatsapp_id=completing["id"]).count() == 1
    assert Reply.objects.filter(complaint=complaint).count() == 1
    assert InboundMessage.objects.filter(handled_at__isnull=False, content={}).count() == InboundMessage.objects.count()


def test_silence_of_30_minutes_starts_afresh(chat):
    chat(location(*SUKAJADI))
    # Time moves on: the last message was 31 minutes ago.
    Conversation.objects.update(last_message_at=timezone.now() - timedelta(minutes=31))
    sent = chat(text("Pohon tumbang menutup jalan."))
    assert "lokasi" in sent[-1]["text"]["body"].lower()  # the location is asked for again
    conversation = Conversation.objects.get()
    assert conversation.location is None and conversation.description == "Pohon tumbang menutup jalan."


def test_batal_drops_the_conversation(chat):
    chat(location(*SUKAJADI), text("Drainase tersumbat."))
    [answer] = chat(text("Batal"))
    assert "batal" in answer["text"]["body"].lower()
    assert not Conversation.objects.exists()
    sent = chat(list_reply("drainase"))
    assert "lokasi" in sent[-1]["text"]["body"].lower()  # a new conversation: nothing kept
    assert not Complaint.objects.exists()


def test_a_point_outside_the_city_gets_the_web_message_in_indonesian(chat, west_edge, post_complaint):
    lon, lat = west_edge(2000)
    web = post_complaint(complaint_body(lon, lat, category="lainnya"), language="id")
    assert web.status_code == 400
    chat(location(lon, lat), text("Papan nama jalan hilang."))
    [refusal, ask_location] = chat(list_reply("lainnya"))
    assert refusal["text"]["body"] == web.json()["location"][0]
    assert "lokasi" in ask_location["text"]["body"].lower()
    assert not Complaint.objects.exists()
    [receipt] = chat(location(*SUKAJADI))  # another location, and it is filed
    assert Complaint.objects.get().tracking_code in receipt["text"]["body"]


def test_the_confidential_path_never_echoes_what_was_said(chat, line):
    said = "Suami saya memukul saya setiap malam di rumah nomor tujuh."
    chat(text(said), location(*SUKAJADI))
    [confidential] = chat(list_reply("rahasia"))
    assert rows(confidential) == ["kdrt"]
    wording = confidential["interactive"]["body"]["text"]
    assert "rahasia" in wording.lower() and "110" in wording
    [receipt] = chat(list_reply("kdrt"))
    complaint = Complaint.objects.get()
    assert complaint.private and complaint.channel == Channel.WHATSAPP and complaint.agency.code == "DP3A"
    assert complaint.tracking_code in receipt["text"]["body"]
    # The category's name is offered in the confidential list; nothing else says anything of the report.
    everything = texts([m for m in line.messages() if m != confidential])
    for secret in ("memukul", "nomor tujuh", "Kekerasan dalam rumah tangga", "DP3A", "101.44", "Sukajadi"):
        assert secret not in everything, secret


def test_a_nearby_open_complaint_is_offered_as_dukung(chat, file_complaint):
    earlier = file_complaint(*SUKAJADI, category="sampah")
    chat(location(SUKAJADI[0] + 0.0002, SUKAJADI[1]), text("Sampah belum diangkut."))
    [offer] = chat(list_reply("sampah"))
    assert offer["interactive"]["type"] == "button"
    assert earlier.tracking_code in offer["interactive"]["body"]["text"]
    buttons = [b["reply"]["id"] for b in offer["interactive"]["action"]["buttons"]]
    assert buttons == ["dukung", "baru"]
    [thanks] = chat(button_reply("dukung", "Dukung"))
    earlier.refresh_from_db()
    assert earlier.support_count == 1 and earlier.tracking_code in thanks["text"]["body"]
    assert Complaint.objects.count() == 1
    assert Supporter.objects.get(complaint=earlier).phone == "+6281234567890"

    # Another person files their own anyway.
    other = "6281298765432"
    chat(location(*SUKAJADI, sender=other), text("Sampah menumpuk.", sender=other), sender=other)
    chat(list_reply("sampah", sender=other), sender=other)
    [receipt] = chat(button_reply("baru", sender=other), sender=other)
    assert Complaint.objects.count() == 2
    assert Complaint.objects.exclude(pk=earlier.pk).get().tracking_code in receipt["text"]["body"]


def test_statuses_of_replies_are_recorded(client, chat):
    [answer, *_] = chat(location(*SUKAJADI))
    reply = Reply.objects.order_by("id").first()
    assert signed_post(client, envelope(statuses=[status(reply.whatsapp_message_id, "read")])).status_code == 200
    assert signed_post(client, envelope(statuses=[status(reply.whatsapp_message_id, "delivered")])).status_code == 200
    reply.refresh_from_db()
    assert reply.status == DeliveryStatus.READ  # a late "delivered" does not undo "read"
    assert answer["type"] == "text"


def test_taking_the_confidential_path_drops_a_public_category_chosen_before(chat):
    chat(list_reply("sampah"), list_reply("rahasia"))
    *_, again = chat(text("Anak tetangga dipukuli."), location(*SUKAJADI))
    assert rows(again) == ["kdrt"]  # asked again, from the confidential list
    assert not Complaint.objects.exists()
    chat(list_reply("kdrt"))
    assert Complaint.objects.get().private
