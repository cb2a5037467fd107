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


def test_many_addresses_guessing_one_password_are_stopped_too(staff_user, settings):
    """Slow guessing from many addresses: PEKA_LOGIN_USERNAME_FAILURE_LIMIT (20) for the username,
    however few failures each address made."""
    staff_user("satgas.uji", Role.SATGAS, agency="DLHK", password=PASSWORD)
    assert settings.PEKA_LOGIN_USERNAME_FAILURE_LIMIT == 20
    for i in range(19):
        sign_in(Client(), "/masuk/", "salah", address=f"198.51.100.{i}")
    assert sign_in(Client(), "/masuk/", PASSWORD, address="198.51.100.200").status_code == 302  # 19: not yet
    for i in range(20):
        sign_in(Client(), "/masuk/", "salah", address=f"198.51.100.{i}")
    assert sign_in(Client(), "/masuk/", PASSWORD, address="198.51.100.201").status_code == 429


def test_five_failures_lock_the_username_from_that_address_only_not_its_colleagues(staff_user):
    """An office behind one address: A's five typos pause A there, and B at the next desk signs in."""
    staff_user("satgas.a", Role.SATGAS, agency="DLHK", password=PASSWORD)
    staff_user("satgas.b", Role.SATGAS, agency="DLHK", password=PASSWORD)
    office = "203.0.113.80"
    failures = [sign_in(Client(), "/masuk/", "salah", address=office, username="satgas.a") for _ in range(5)]
    assert [r.status_code for r in failures] == [200] * 4 + [429]

    assert sign_in(Client(), "/masuk/", PASSWORD, address=office, username="satgas.a").status_code == 429
    colleague = Client()
    assert sign_in(colleague, "/masuk/", PASSWORD, address=office, username="satgas.b").status_code == 302
    assert "_auth_user_id" in colleague.session
    # A from another address (home, the phone's network) is not paused by the office's count.
    assert sign_in(Client(), "/masuk/", PASSWORD, address="198.51.100.9", username="satgas.a").status_code == 302
