"""Abuse limits: anonymous intake and support per client address, Open311 posts per API key; 429 with
Retry-After and a translated message; 0 switches a limit off; X-Forwarded-For only behind trusted proxies."""

import json

import pytest
from django.core.cache import caches
from django.test import Client

from complaints.models import Complaint
from open311.models import ApiKey
from tests.conftest import complaint_body

pytestmark = pytest.mark.django_db


def intake(address: str, language="id", **extra):
    return Client().post(
        "/api/v1/complaints/",
        json.dumps(complaint_body()),
        content_type="application/json",
        headers={"Accept-Language": language},
        REMOTE_ADDR=address,
        **extra,
    )


def test_the_21st_complaint_in_a_minute_from_one_address_gets_429_and_another_address_still_files(settings):
    settings.PEKA_RATE_LIMIT_INTAKE = "20/m"
    assert [intake("203.0.113.7").status_code for _ in range(20)] == [201] * 20

    refused = intake("203.0.113.7", language="en")
    assert refused.status_code == 429
    seconds = int(refused["Retry-After"])
    assert 1 <= seconds <= 60
    assert refused.json() == {
        "detail": f"Too many requests from your address. Nothing was saved: try again in {seconds} seconds."
    }
    assert Complaint.objects.count() == 20  # the refused one was not stored

    assert intake("198.51.100.23").status_code == 201
    assert Client().get("/api/v1/complaints/", REMOTE_ADDR="203.0.113.7").status_code == 200  # reading is free


def test_limits_are_counted_in_the_shared_database_cache(settings):
    settings.PEKA_RATE_LIMIT_INTAKE = "1/m"
    assert intake("203.0.113.8").status_code == 201
    # What every app process sees: the entry is in the database table, not one process's memory.
    assert caches["limits"].get("throttle_intake_203.0.113.8")
    caches["limits"].clear()  # as if the minute had passed
    assert intake("203.0.113.8").status_code == 201


def test_zero_switches_the_limit_off(settings):
    settings.PEKA_RATE_LIMIT_INTAKE = "0"
    assert {intake("203.0.113.9").status_code for _ in range(25)} == {201}


def test_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.PEKA_RATE_LIMIT_INTAKE = "2/m"
    settings.PEKA_TRUSTED_PROXY_COUNT = 0
    codes = [intake("192.0.2.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code for i in range(3)]
    assert codes == [201, 201, 429]  # a client writing its own header does not escape the limit


def test_behind_a_trusted_proxy_the_address_it_saw_counts_and_the_client_written_part_does_not(settings):
    settings.PEKA_RATE_LIMIT_INTAKE = "2/m"
    settings.PEKA_TRUSTED_PROXY_COUNT = 1
    # The proxy (192.0.2.1) appends the address it saw; the client made up everything to its left.
    forged = [intake("192.0.2.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.50").status_code for i in range(3)]
    assert forged == [201, 201, 429]
    assert intake("192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.51").status_code == 201  # another citizen


def test_ipv6_addresses_count_per_64_network(settings):
    settings.PEKA_RATE_LIMIT_INTAKE = "1/m"
    assert intake("2001:db8:1:2::1").status_code == 201
    assert intake("2001:db8:1:2::ffff").status_code == 429  # same /64: the same subscriber
    assert intake("2001:db8:1:3::1").status_code == 201


def test_support_is_limited_per_address(settings, file_complaint):
    codes = [file_complaint().tracking_code for _ in range(3)]
    settings.PEKA_RATE_LIMIT_SUPPORT = "2/m"
    answers = [
        Client().post(f"/api/v1/complaints/{code}/support/", REMOTE_ADDR="203.0.113.60").status_code for code in codes
    ]
    assert answers == [200, 200, 429]
    assert sorted(Complaint.objects.values_list("support_count", flat=True)) == [0, 1, 1]
    refused = Client().post(f"/api/v1/complaints/{codes[2]}/support/", REMOTE_ADDR="203.0.113.60")
    assert refused.has_header("Retry-After")
    assert Client().post(f"/api/v1/complaints/{codes[2]}/support/", REMOTE_ADDR="203.0.113.61").status_code == 200


def open311_post(key: str, fmt="json"):
    from urllib.parse import urlencode

    fields = {"api_key": key, "service_code": "sampah", "lat": 0.51, "long": 101.44, "description": "Sampah menumpuk."}
    return Client().post(
        f"/open311/v2/requests.{fmt}",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        headers={"Accept-Language": "en"},
    )


def test_open311_posts_are_limited_per_api_key(settings):
    settings.PEKA_RATE_LIMIT_OPEN311 = "3/h"
    first, second = ApiKey.issue("LAPOR!")[1], ApiKey.issue("Dinas")[1]
    assert [open311_post(first).status_code for _ in range(3)] == [201] * 3

    refused = open311_post(first)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    [problem] = refused.json()
    assert problem["code"] == 429 and problem["description"].startswith("Too many requests from your address.")
    assert open311_post(first, "xml").status_code == 429
    assert Complaint.objects.count() == 3

    assert open311_post(second).status_code == 201  # another partner, the same address


def test_a_malformed_rate_stops_the_start():
    import os
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "geo.settings", "PEKA_RATE_LIMIT_INTAKE": "twenty"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PEKA_RATE_LIMIT_INTAKE='twenty'" in result.stderr
