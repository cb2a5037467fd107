"""Forwarding end to end: a complaint routed to a body outside the city is queued in the filing's
transaction, sent by the real worker process (e-mail to a real SMTP server on loopback, or an Open311
POST to a real HTTP endpoint), shows ``diteruskan`` on its tracking page and keeps the body's reference."""

import io
import time

import pytest
from django.core.management import call_command
from django.db import transaction

from complaints.models import Complaint, Status
from complaints.workflow import complaint_forward
from forwarding.models import ExternalBody, Forwarding, ForwardingStatus
from tests.assets.conftest import on_asset
from tests.standins import drain

pytestmark = pytest.mark.django_db(transaction=True)
PLN_ADDRESS = "pengaduan@pln.example"
WARGA = {"name": "Warga Rahasia", "email": "warga.rahasia@contoh.id", "phone": "0812 3456 7890"}


@pytest.fixture
def bodies(committed_city):
    call_command("load_external_bodies", stdout=io.StringIO())


def drained():
    drain(task_name="forwarding.forward")


def settled(complaint, timeout_s: float = 30) -> Forwarding:
    """The complaint's forwarding once it is no longer pending (a retry waits its backoff first)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        forwarding = Forwarding.objects.get(complaint=complaint)
        if forwarding.status != ForwardingStatus.PENDING:
            return forwarding
        time.sleep(0.2)
    raise TimeoutError(f"the forwarding of {complaint} is still pending")


def test_a_pln_pole_is_mailed_to_pln_and_shows_diteruskan(worker, smtp, bodies, pole, post_complaint, client):
    asset = pole("PJU-077", owner="PLN")
    response = post_complaint(on_asset(asset, reporter=WARGA, answers={"jumlah": 2}))
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_code=response.json()["id"])
    assert response.json()["properties"]["status"] == Status.DITERUSKAN
    drained()
    [mail] = [m for m in smtp.wait_for(2) if m["To"] == PLN_ADDRESS]
    forwarding = Forwarding.objects.get(complaint=complaint)
    assert forwarding.status == ForwardingStatus.SENT and forwarding.attempts == 1
    assert forwarding.reference in mail["Subject"] and mail["X-PEKA-Reference"] == forwarding.reference
    text = mail.get_body(("plain",)).get_content()
    assert f"/lacak/{complaint.tracking_code}/" in text and "PJU-077" in text and "jumlah: 2" in text
    # The reporter's contact never leaves the city.
    for secret in (*WARGA.values(), "6281234567890"):  # the number as typed and as stored
        assert secret not in mail.as_string()
    page = client.get(f"/lacak/{complaint.tracking_code}/").content.decode()
    assert "Diteruskan ke PT PLN (Persero) UP3 Pekanbaru" in page and "status-diteruskan" in page


def test_a_rolled_back_filing_forwards_nothing(worker, smtp, bodies, pole):
    asset = pole("PJU-078", owner="PLN")
    from complaints.intake import complaint_create
    from complaints.models import Category

    with pytest.raises(RuntimeError), transaction.atomic():
        complaint_create(
            category=Category.objects.get(code="lampu-jalan"), description="x", location=asset.location, asset=asset
        )
        raise RuntimeError("the request failed after filing")
    drained()
    assert not Forwarding.objects.exists() and smtp.to(PLN_ADDRESS) == []


def _lapor(open311_body) -> ExternalBody:
    open311_body.clear()
    ExternalBody.objects.filter(code="SP4N-LAPOR").update(endpoint=open311_body.url, api_key=open311_body.api_key)
    return ExternalBody.objects.get(code="SP4N-LAPOR")


def test_open311_forwarding_records_the_service_request_id(worker, bodies, open311_body, file_complaint, client):
    lapor = _lapor(open311_body)
    complaint = file_complaint(category="lampu-jalan", answers={"jumlah": 3})
    complaint_forward(complaint=complaint, body=lapor)
    drained()
    forwarding = Forwarding.objects.get(complaint=complaint)
    assert forwarding.status == ForwardingStatus.SENT
    assert forwarding.external_ref == f"LAPOR-{open311_body.sent}"
    [request] = open311_body.requests
    fields = request["fields"]
    assert request["path"] == "/open311/v2/requests.json"
    assert fields["api_key"] == open311_body.api_key and fields["service_code"] == "lampu-jalan"
    assert float(fields["lat"]) == pytest.approx(complaint.location.y) and fields["attribute[jumlah]"] == "3"
    assert fields["attribute[peka_reference"] if False else fields["attribute[peka_reference]"] == forwarding.reference
    page = client.get(f"/lacak/{complaint.tracking_code}/").content.decode()
    assert forwarding.external_ref in page


def test_a_failing_endpoint_is_retried_then_given_up_and_visible(
    worker, bodies, open311_body, file_complaint, admin_client
):
    lapor = _lapor(open311_body)
    # 503: tried again (after a second) and sent.
    open311_body.failures.extend([503])
    retried = file_complaint(category="lampu-jalan")
    complaint_forward(complaint=retried, body=lapor)
    sent = settled(retried)
    assert (sent.status, sent.attempts) == (ForwardingStatus.SENT, 2)
    # 400: the body refuses it; no more attempts, the error is kept and shown in the admin.
    open311_body.failures.extend([400])
    refused = file_complaint(category="lampu-jalan")
    complaint_forward(complaint=refused, body=lapor)
    failed = settled(refused)
    assert failed.status == ForwardingStatus.FAILED and "HTTP 400" in failed.last_error
    listing = admin_client.get("/admin/forwarding/forwarding/?status=failed").content.decode()
    assert failed.reference in listing and "HTTP 400" in listing
    # The admin's action sends it again.
    admin_client.post("/admin/forwarding/forwarding/", {"action": "retry", "_selected_action": [failed.pk]})
    failed = settled(refused)
    assert failed.status == ForwardingStatus.SENT and failed.external_ref.startswith("LAPOR-")
