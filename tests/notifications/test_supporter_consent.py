"""No contact is used without its owner's yes: a contact left with "Dukung" or "Ikuti laporan ini" gets
one confirmation and nothing else until it is confirmed, follows a complaint once, and is deleted
when left unconfirmed for PEKA_SUPPORTERS_UNCONFIRMED_DAYS."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from complaints import workflow
from complaints.models import Role, Status
from notifications import messages
from notifications.contacts import contact_of
from notifications.models import Audience, Channel, Delivery, Kind, Supporter
from notifications.supporters import supporters_purge

pytestmark = pytest.mark.django_db
API = "/api/v1/complaints"


@pytest.fixture(autouse=True)
def channels_on(settings):
    settings.PEKA_EMAIL_ENABLED = True
    settings.PEKA_WHATSAPP_TOKEN, settings.PEKA_WHATSAPP_PHONE_ID = "token-uji", "123"


@pytest.fixture
def admin(staff_user):
    return staff_user("admin-kota", Role.CITY_ADMIN)


def support(complaint, **contact):
    answer = Client().post(f"{API}/{complaint.tracking_code}/support/", contact, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer


def supporter_deliveries(complaint):
    return Delivery.objects.filter(complaint=complaint, audience=Audience.SUPPORTER).order_by("id")


def confirm_link(delivery) -> str:
    message = messages.compose(delivery, contact_of(delivery).hash)
    assert message.unsubscribe_url and "/notifikasi/berhenti/" in message.unsubscribe_url  # one click to stop
    return "/" + message.link.split("://", 1)[1].split("/", 1)[1]


def test_a_contact_gets_one_confirmation_and_no_update_until_it_is_confirmed(file_complaint, admin):
    complaint = file_complaint()
    support(complaint, email="tetangga@contoh.id")
    [confirmation] = supporter_deliveries(complaint)
    assert (confirmation.kind, confirmation.channel) == (Kind.SUPPORT_CONFIRM, Channel.EMAIL)
    assert contact_of(confirmation).address == "tetangga@contoh.id"
    message = messages.compose(confirmation, contact_of(confirmation).hash)
    assert "/notifikasi/ikuti/" in message.link and complaint.tracking_code in message.subject
    assert "7 hari" in message.text  # the purge's days, from the setting

    workflow.complaint_transition(complaint=complaint, actor=admin, to_status=Status.DIVERIFIKASI)
    assert list(supporter_deliveries(complaint)) == [confirmation]  # no update queued
    # Whatever queued one, the worker finds no address for anything but the confirmation.
    supporter = Supporter.objects.get()
    forged = Delivery(
        complaint=complaint, audience=Audience.SUPPORTER, recipient=f"supporter:{supporter.id}",
        supporter=supporter, channel=Channel.EMAIL, kind=Kind.STATUS,
    )  # fmt: skip
    assert contact_of(forged) is None


def test_once_confirmed_the_contact_hears_of_status_changes(file_complaint, admin):
    complaint = file_complaint()
    support(complaint, phone="0812 3456 7890")
    [confirmation] = supporter_deliveries(complaint)
    assert (confirmation.kind, confirmation.channel) == (Kind.SUPPORT_CONFIRM, Channel.WHATSAPP)
    link = confirm_link(confirmation)
    page = Client().get(link)  # a link preview says yes for nobody
    assert page.status_code == 200 and Supporter.objects.get().confirmed_at is None
    assert Client().post(link).status_code == 200
    assert Supporter.objects.get().confirmed_at is not None
    assert contact_of(Delivery.objects.get(pk=confirmation.pk)) is None  # the confirmation is not sent any more
    assert Client().post(link).status_code == 404  # the link works once

    workflow.complaint_transition(complaint=complaint, actor=admin, to_status=Status.DIVERIFIKASI)
    [update] = supporter_deliveries(complaint).filter(kind=Kind.STATUS)
    assert contact_of(update).address == "+6281234567890"
    message = messages.compose(update, contact_of(update).hash)
    assert "/notifikasi/berhenti/" in message.unsubscribe_url


def test_the_same_contact_three_times_is_one_contact_and_one_confirmation(client, file_complaint):
    complaint = file_complaint()
    for email in ("Tetangga@Contoh.id", "tetangga@contoh.id", "TETANGGA@contoh.id"):
        assert support(complaint, email=email).json()["already_supported"] is False  # no cookies: three supports
    client.post(f"/lacak/{complaint.tracking_code}/ikuti/", {"email": "tetangga@contoh.id"})  # following too
    complaint.refresh_from_db()
    assert complaint.support_count == 3
    assert list(Supporter.objects.values_list("email", flat=True)) == ["tetangga@contoh.id"]
    assert supporter_deliveries(complaint).count() == 1


def test_an_e_mail_and_a_number_are_two_contacts_each_confirmed_on_its_own(file_complaint):
    complaint = file_complaint()
    support(complaint, email="a@contoh.id", phone="081234567890")
    assert sorted(supporter_deliveries(complaint).values_list("channel", flat=True)) == [Channel.EMAIL, Channel.WHATSAPP]
    assert Supporter.objects.count() == 2


def test_an_unconfirmed_contact_is_deleted_after_the_days_set(file_complaint, settings):
    complaint = file_complaint()
    support(complaint, email="lama@contoh.id")
    support(complaint, email="baru@contoh.id")
    support(complaint, email="yakin@contoh.id")
    now = timezone.now()
    Supporter.objects.exclude(email="baru@contoh.id").update(created_at=now - timedelta(days=8))
    Supporter.objects.filter(email="yakin@contoh.id").update(confirmed_at=now, confirm_token=None)
    assert supporters_purge(now) == 1
    assert sorted(Supporter.objects.values_list("email", flat=True)) == ["baru@contoh.id", "yakin@contoh.id"]
    assert supporter_deliveries(complaint).count() == 2  # the purged contact's confirmation went with it
    settings.PEKA_SUPPORTERS_UNCONFIRMED_DAYS = 0
    assert supporters_purge(now + timedelta(seconds=1)) == 1
    assert list(Supporter.objects.values_list("email", flat=True)) == ["yakin@contoh.id"]
