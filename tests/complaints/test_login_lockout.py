"""Staff sign-in (/masuk/ and the admin) is paused after 5 failures, even for the right password."""

import pytest
from django.test import Client

from complaints.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "benar-sekali-2026"


def sign_in(client, path, password, address="203.0.113.70", username="satgas.uji"):
    return client.post(
        path, {"username": username, "password": password}, REMOTE_ADDR=address, headers={"Accept-Language": "en"}
    )


@pytest.mark.parametrize("path", ["/masuk/", "/admin/login/"])
def test_the_6th_attempt_after_5_failures_is_locked_out_even_with_the_right_password(staff_user, path):
    staff_user(
        "satgas.uji", Role.SATGAS, agency="DLHK", password=PASSWORD, is_staff=True
    )  # the admin signs in staff only
    client = Client()
    assert [sign_in(client, path, "salah").status_code for _ in range(5)] == [200] * 4 + [429]  # the 5th pauses

    locked = sign_in(client, path, PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in paused" in page
    assert "After 5 failed sign-in attempts" in page and "Wait 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_the_right_password_before_the_limit_signs_in_and_resets_the_count(staff_user):
    staff_user("satgas.uji", Role.SATGAS, agency="DLHK", password=PASSWORD)
    client = Client()
    for _ in range(4):
        sign_in(client, "/masuk/", "salah")
    assert sign_in(client, "/masuk/", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, "/masuk/", "salah")
    assert sign_in(client, "/masuk/", PASSWORD).status_code == 302  # the earlier four were forgotten


def test_many_addresses_guessing_one_password_are_stopped_too(staff_user):
    staff_user("satgas.uji", Role.SATGAS, agency="DLHK", password=PASSWORD)
    for i in range(5):
        sign_in(Client(), "/masuk/", "salah", address=f"198.51.100.{i}")
    assert sign_in(Client(), "/masuk/", PASSWORD, address="198.51.100.200").status_code == 429
