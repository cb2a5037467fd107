"""E-mail end to end: filed or changed through Django's HTTP stack, decided in the change's transaction,
sent by the real worker process to a real SMTP server on loopback."""

import pytest
from django.db import connection, transaction

from complaints.models import Complaint, Role, Status
from complaints.workflow import complaint_transition
from notifications.models import BlockedContact, Delivery, DeliveryStatus, Kind
from tests.conftest import complaint_body
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)

WARGA = "warga@contoh.id"


def file(post_complaint, *, email=WARGA, notify=True, language="id", **fields) -> Complaint:
    reporter = {"name": "Warga", "email": email, "notify": notify}
    response = post_complaint(complaint_body(reporter=reporter, **fields), language=language)
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_code=response.json()["id"])
    complaint.reporter_key = response.json()["reporter_key"]
    return complaint


def move(client, complaint, to, **data):
    response = client.post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/transition/",
        {"to": to, **data},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response


def test_the_receipt_after_filing(worker, smtp, post_complaint):
    complaint = file(post_complaint, notify=False)
    drain()
    [mail] = smtp.wait_for(1)
    assert mail["To"] == WARGA
    assert complaint.tracking_code in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Terima kasih" in text and complaint.tracking_code in text
    # The reporter's private link, with the key the filing answer gave: their own page.
    private = f"/lacak/{complaint.tracking_code}/#k={complaint.reporter_key}"
    assert private in text and private in html
    # One-click unsubscribe (RFC 8058), the same link in the body.
    unsubscribe = mail["List-Unsubscribe"].strip().strip("<>")
    assert "/notifikasi/berhenti/" in unsubscribe and unsubscribe in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Delivery.objects.get(complaint=complaint).status == DeliveryStatus.SENT


def test_an_english_reporter_gets_english(worker, smtp, post_complaint):
    file(post_complaint, notify=False, language="en")
    drain()
    [mail] = smtp.wait_for(1)
    assert "Thank you" in mail.get_body(("plain",)).get_content()


def test_a_status_change_reaches_the_reporter_who_asked(worker, smtp, post_complaint, admin_client):
    complaint = file(post_complaint)
    move(admin_client, complaint, Status.DIVERIFIKASI)
    drain()
    receipt, update = sorted(smtp.wait_for(2), key=lambda m: "Terima kasih" not in m.get_body(("plain",)).get_content())
    assert "diverifikasi" in update.get_body(("plain",)).get_content().lower()
    assert update["To"] == WARGA


def test_without_kabari_saya_only_the_receipt(worker, smtp, post_complaint, admin_client):
    complaint = file(post_complaint, notify=False)
    move(admin_client, complaint, Status.DIVERIFIKASI)
    drain()
    assert len(smtp.messages) == 1
    assert not Delivery.objects.filter(kind=Kind.STATUS).exists()


def test_a_rolled_back_transition_sends_nothing(worker, smtp, post_complaint, django_user_model):
    complaint = file(post_complaint)
    drain()
    smtp.wait_for(1)
    admin = django_user_model.objects.create_superuser("admin.uji")
    with pytest.raises(RuntimeError), transaction.atomic():
        complaint_transition(complaint=complaint, actor=admin, to_status=Status.DIVERIFIKASI)
        assert Delivery.objects.filter(kind=Kind.STATUS).count() == 1  # decided inside the transaction…
        raise RuntimeError("the change fails after the event was written")
    assert not Delivery.objects.filter(kind=Kind.STATUS).exists()  # …and gone with it
    drain()
    assert len(smtp.messages) == 1


def test_jobs_carry_ids_not_contacts(worker, post_complaint, worker_factory, smtp):
    worker.stop()  # the jobs wait, to be read
    complaint = file(post_complaint)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args::text FROM procrastinate_jobs WHERE task_name = 'notifications.deliver' AND status = 'todo'"
        )
        payloads = [row[0] for row in cursor.fetchall()]
    assert payloads and all("@" not in p and "delivery_id" in p for p in payloads)
    worker_factory.running = worker_factory()
    drain()
    smtp.wait_for(1)
    delivery = Delivery.objects.get(complaint=complaint)
    assert delivery.status == DeliveryStatus.SENT
    with connection.cursor() as cursor:  # a job that succeeded is deleted; its delivery is the record
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE args->>'delivery_id' = %s", [str(delivery.id)])
        assert cursor.fetchone()[0] == 0


def test_a_sensitive_complaint_says_only_that_there_is_news(worker, smtp, post_complaint, admin_client):
    complaint = file(post_complaint, category="kdrt", description="Tetangga saya dipukul setiap malam di rumah nomor 7.")
    move(admin_client, complaint, Status.DIVERIFIKASI, note="Petugas sudah mendatangi rumah nomor 7.")
    drain()
    mails = smtp.wait_for(2)
    for mail in mails:
        body = mail.get_body(("plain",)).get_content() + mail.get_body(("html",)).get_content() + mail["Subject"]
        assert "Ada kabar baru tentang laporan Anda" in body
        for secret in ("nomor 7", "dipukul", complaint.category.name_id, complaint.kecamatan.name, "101.44", "0.51"):
            assert secret not in body
        # The link is the reporter's private one: a private complaint's public page is a 404.
        assert f"/lacak/{complaint.tracking_code}/#k={complaint.reporter_key}" in body


def test_a_bounce_stops_further_sends_to_that_address(worker, smtp, post_complaint, admin_client):
    smtp.refuse.add("hilang@contoh.id")
    complaint = file(post_complaint, email="hilang@contoh.id")
    drain()
    receipt = Delivery.objects.get(complaint=complaint, kind=Kind.RECEIPT)
    assert receipt.status == DeliveryStatus.FAILED and "550" in receipt.last_error
    assert "hilang@contoh.id" not in receipt.last_error
    assert BlockedContact.objects.count() == 1
    smtp.refuse.clear()
    move(admin_client, complaint, Status.DIVERIFIKASI)
    drain()
    assert Delivery.objects.get(complaint=complaint, kind=Kind.STATUS).status == DeliveryStatus.SKIPPED
    assert smtp.messages == []


def test_the_task_force_hears_of_a_new_complaint_in_its_inbox(worker, smtp, post_complaint, staff_user):
    member = staff_user("satgas.uji", Role.SATGAS, agency="DLHK", task_forces=["DLHK-TENGAH"])
    member.email = "satgas@dlhk.example"
    member.save()
    complaint = file(post_complaint, email="")
    assert complaint.task_force.code == "DLHK-TENGAH"
    drain()
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "satgas@dlhk.example" and complaint.tracking_code in mail["Subject"]


def test_one_click_unsubscribe_stops_the_updates(worker, smtp, post_complaint, admin_client, client):
    complaint = file(post_complaint)
    drain()
    [receipt] = smtp.wait_for(1)
    link = receipt["List-Unsubscribe"].strip().strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200  # a page, nothing changed yet
    answer = client.post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    move(admin_client, complaint, Status.DIVERIFIKASI)
    drain()
    assert len(smtp.messages) == 1
    assert Delivery.objects.get(complaint=complaint, kind=Kind.STATUS).status == DeliveryStatus.SKIPPED


def test_a_forged_unsubscribe_link_is_400(client):
    assert client.post("/notifikasi/berhenti/not-a-token/").status_code == 400


def test_a_supporter_who_left_a_contact_hears_of_status_changes(worker, smtp, post_complaint, admin_client, client):
    complaint = file(post_complaint, email="", notify=False)
    support = f"/api/v1/complaints/{complaint.tracking_code}/support/"
    assert client.post(support, {"email": "tetangga@contoh.id"}, content_type="application/json").status_code == 200
    # Double opt-in (notifications.supporters): first the confirmation alone, nothing else until it is opened.
    move(admin_client, complaint, Status.DIVERIFIKASI)
    drain()
    [confirmation] = smtp.wait_for(1)
    assert confirmation["To"] == "tetangga@contoh.id" and "Konfirmasi" in confirmation["Subject"]
    assert "/notifikasi/berhenti/" in confirmation["List-Unsubscribe"]
    text = confirmation.get_body(("plain",)).get_content()
    link = "/notifikasi/ikuti/" + text.split("/notifikasi/ikuti/", 1)[1].split()[0]
    assert client.post(link).status_code == 200
    move(admin_client, complaint, Status.DIKERJAKAN)
    drain()
    mail = smtp.wait_for(2)[1]
    assert mail["To"] == "tetangga@contoh.id" and complaint.tracking_code in mail["Subject"]
    assert "/notifikasi/berhenti/" in mail["List-Unsubscribe"]
    assert "tetangga" not in client.get(f"/api/v1/complaints/{complaint.tracking_code}/").content.decode()


@pytest.mark.parametrize("body", [{"phone": "12"}, {"email": "bukan-surel"}, {"telepon": "0812"}])
def test_a_bad_supporter_contact_is_400(committed_city, post_complaint, client, body):
    complaint = file(post_complaint, email="", notify=False)
    answer = client.post(f"/api/v1/complaints/{complaint.tracking_code}/support/", body, content_type="application/json")
    assert answer.status_code == 400 and answer.json()
    complaint.refresh_from_db()
    assert complaint.support_count == 0


def test_the_unsubscribe_page_switches_off_one_kind(worker, smtp, post_complaint, admin_client, client):
    complaint = file(post_complaint)
    move(admin_client, complaint, Status.DIVERIFIKASI)
    drain()
    status_mail = next(m for m in smtp.wait_for(2) if "status" in m["Subject"])
    path = "/" + status_mail["List-Unsubscribe"].strip().strip("<>").split("://", 1)[1].split("/", 1)[1]
    assert client.post(path, {"scope": "kind"}).status_code == 200  # status changes off, notes still on
    move(admin_client, complaint, Status.DIKERJAKAN)
    admin_client.post(
        f"/api/v1/staff/complaints/{complaint.tracking_code}/notes/",
        {"note": "Petugas datang besok pagi.", "public": True},
        content_type="application/json",
    )
    drain()
    assert Delivery.objects.filter(complaint=complaint, kind=Kind.STATUS, status=DeliveryStatus.SKIPPED).count() == 1
    assert Delivery.objects.get(complaint=complaint, kind=Kind.NOTE).status == DeliveryStatus.SENT
