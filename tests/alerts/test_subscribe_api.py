"""POST /api/v1/subscriptions/: each bad input is a 400 naming its field, with nothing stored; a good
one is a 202 with its confirmation queued (and nothing else until it is confirmed)."""

import json

import pytest

from alerts.models import Subscription
from alerts.services import MAX_PER_CONTACT
from notifications.models import Delivery, Kind

pytestmark = pytest.mark.django_db

KAMPUNG_TENGAH = "14.71.01.1003"
SUKAJADI = "14.71.01"
EMAIL = "pengikut@contoh.id"


def subscribe(client, body, **headers):
    return client.post("/api/v1/subscriptions/", json.dumps(body), content_type="application/json", headers=headers)


def square(lon, lat, side_deg):
    ring = [[lon, lat], [lon + side_deg, lat], [lon + side_deg, lat + side_deg], [lon, lat + side_deg], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kelurahan": KAMPUNG_TENGAH}, "email"),  # no contact
        ({"email": EMAIL, "phone": "081234567890", "kelurahan": KAMPUNG_TENGAH}, "email"),  # two contacts
        ({"email": "not-an-address", "kelurahan": KAMPUNG_TENGAH}, "email"),
        ({"phone": "12", "kelurahan": KAMPUNG_TENGAH}, "phone"),
        ({"email": EMAIL}, "place"),  # no place
        ({"email": EMAIL, "kelurahan": KAMPUNG_TENGAH, "kecamatan": SUKAJADI}, "place"),
        ({"email": EMAIL, "kelurahan": "99.99.99.9999"}, "kelurahan"),
        ({"email": EMAIL, "kecamatan": "99.99"}, "kecamatan"),
        ({"email": EMAIL, "point": {"type": "Point", "coordinates": [101.44, 0.51]}}, "radius_m"),
        ({"email": EMAIL, "point": {"type": "Point", "coordinates": [101.44, 0.51]}, "radius_m": 99}, "radius_m"),
        ({"email": EMAIL, "point": {"type": "Point", "coordinates": [101.44, 0.51]}, "radius_m": 5001}, "radius_m"),
        ({"email": EMAIL, "point": {"type": "Point", "coordinates": [100.0, 0.51]}, "radius_m": 500}, "point"),
        ({"email": EMAIL, "point": {"type": "Line"}, "radius_m": 500}, "point"),
        ({"email": EMAIL, "kelurahan": KAMPUNG_TENGAH, "radius_m": 500}, "radius_m"),
        ({"email": EMAIL, "area": {"type": "Polygon", "coordinates": "x"}}, "area"),
        ({"email": EMAIL, "area": {"type": "Polygon", "coordinates": []}}, "area"),
        ({"email": EMAIL, "area": {"type": "Polygon", "coordinates": [[[101.44, 0.5]]]}}, "area"),
        ({"email": EMAIL, "area": {"type": "Polygon", "coordinates": [["a"]]}}, "area"),
        (
            {
                "email": EMAIL,
                "area": {
                    "type": "Polygon",
                    "coordinates": [[[101.44, 0.5], [101.45, 0.5], [101.45, 0.51], [101.44, 0.52]]],
                },
            },
            "area",
        ),  # not closed
        ({"email": EMAIL, "area": square(101.40, 0.45, 0.1)}, "area"),  # ≈ 124 km²
        ({"email": EMAIL, "area": square(100.90, 0.45, 0.01)}, "area"),  # outside the city
        (
            {
                "email": EMAIL,
                "area": {
                    "type": "Polygon",
                    "coordinates": [[[101.44, 0.50], [101.45, 0.51], [101.45, 0.50], [101.44, 0.51], [101.44, 0.50]]],
                },
            },
            "area",
        ),  # a bow tie
        ({"email": EMAIL, "kelurahan": KAMPUNG_TENGAH, "categories": ["kdrt"]}, "categories"),  # sensitive
        ({"email": EMAIL, "kelurahan": KAMPUNG_TENGAH, "categories": ["tidak-ada"]}, "categories"),
        ({"email": EMAIL, "kelurahan": KAMPUNG_TENGAH, "frequency": "weekly"}, "frequency"),
        ({"email": EMAIL, "kelurahan": KAMPUNG_TENGAH, "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(client, body, field):
    response = subscribe(client, body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert all(isinstance(m, str) and m for m in response.json()[field])
    assert not Subscription.objects.exists()
    assert not Delivery.objects.exists()


def test_a_good_request_is_accepted_and_only_the_confirmation_is_queued(client):
    response = subscribe(client, {"email": EMAIL, "kelurahan": KAMPUNG_TENGAH, "categories": ["sampah"]})
    assert response.status_code == 202, response.content
    assert EMAIL not in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None and subscription.categories == ["sampah"]
    assert subscription.area.covers(subscription.area.point_on_surface)
    [delivery] = Delivery.objects.all()
    assert (delivery.kind, delivery.recipient, delivery.channel) == (Kind.ALERT_CONFIRM, subscription.owner, "email")


@pytest.mark.parametrize(
    "place",
    [
        {"kecamatan": SUKAJADI},
        {"point": {"type": "Point", "coordinates": [101.44, 0.51]}, "radius_m": 500},
        {"area": square(101.44, 0.50, 0.01)},  # ≈ 1.2 km² in Sukajadi
    ],
)
def test_every_kind_of_place_is_stored_as_its_polygon(client, place):
    assert subscribe(client, {"phone": "0812 3456 7890", **place, "frequency": "daily"}).status_code == 202
    subscription = Subscription.objects.get()
    assert subscription.phone == "+6281234567890"
    from django.contrib.gis.geos import Point

    assert subscription.area.covers(Point(101.441, 0.509, srid=4326))
    assert not subscription.area.covers(Point(101.46, 0.46, srid=4326))


def test_a_circle_is_measured_in_metres(client):
    from geo.spatial import area_m2

    subscribe(client, {"email": EMAIL, "point": {"type": "Point", "coordinates": [101.44, 0.51]}, "radius_m": 1000})
    measured = area_m2(Subscription.objects.get().area)
    assert 3.12e6 < measured < 3.15e6  # π km², within the polygon's segments


def test_the_holder_of_the_token_sees_and_removes_it(client):
    subscribe(client, {"email": EMAIL, "kelurahan": KAMPUNG_TENGAH})
    token = Subscription.objects.get().token
    shown = client.get(f"/api/v1/subscriptions/{token}/")
    assert shown.status_code == 200 and shown["Cache-Control"].startswith("max-age=0")
    body = shown.json()
    assert body["place_code"] == KAMPUNG_TENGAH and body["confirmed"] is False
    assert EMAIL not in shown.content.decode() and body["contact"] == "p***@contoh.id"
    assert client.delete(f"/api/v1/subscriptions/{token}/").status_code == 204
    assert not Subscription.objects.exists()
    assert client.get(f"/api/v1/subscriptions/{token}/").status_code == 404


def test_the_confirmation_link_works_once(client):
    subscribe(client, {"email": EMAIL, "kelurahan": KAMPUNG_TENGAH})
    token = Subscription.objects.get().confirm_token
    first = client.get(f"/ikuti/konfirmasi/{token}/")
    assert first.status_code == 200 and "Dikonfirmasi" in first.content.decode()
    assert Subscription.objects.get().confirmed_at is not None
    assert client.get(f"/ikuti/konfirmasi/{token}/").status_code == 404


def test_a_contact_holds_at_most_20_subscriptions(client):
    for i in range(MAX_PER_CONTACT):
        radius = 100 + 10 * i
        point = {"type": "Point", "coordinates": [101.44, 0.51]}
        assert subscribe(client, {"email": EMAIL, "point": point, "radius_m": radius}).status_code == 202
    refused = subscribe(client, {"email": EMAIL.upper(), "kelurahan": KAMPUNG_TENGAH})
    assert refused.status_code == 400 and "20" in refused.json()["email"][0]
    assert Subscription.objects.count() == MAX_PER_CONTACT
    assert subscribe(client, {"email": "lain@contoh.id", "kelurahan": KAMPUNG_TENGAH}).status_code == 202


def test_the_endpoint_has_its_own_rate_limit(client, settings):
    from django.core.cache import caches

    caches["limits"].clear()
    settings.PEKA_RATE_LIMIT_SUBSCRIBE = "2/h"
    for n in range(2):
        assert subscribe(client, {"email": f"w{n}@contoh.id", "kelurahan": KAMPUNG_TENGAH}).status_code == 202
    refused = subscribe(client, {"email": "w3@contoh.id", "kelurahan": KAMPUNG_TENGAH})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Subscription.objects.count() == 2
    # Filing complaints is not counted against it.
    settings.PEKA_RATE_LIMIT_INTAKE = "100/m"
    assert client.post("/api/v1/complaints/", "{}", content_type="application/json").status_code == 400


def test_a_browser_can_follow_by_web_push(client, settings):
    from notifications.models import PushSubscription

    settings.PEKA_PUSH_ALLOW_HTTP = True
    push = {"endpoint": "http://127.0.0.1:9/push/abc", "keys": {"p256dh": "B" * 87, "auth": "A" * 22}}
    assert subscribe(client, {"push": push, "kelurahan": KAMPUNG_TENGAH}).status_code == 202
    subscription = Subscription.objects.get()
    assert PushSubscription.objects.get().owner == subscription.owner
    assert Delivery.objects.get().channel == "webpush"
    assert client.delete(f"/api/v1/subscriptions/{subscription.token}/").status_code == 204
    assert not PushSubscription.objects.exists()


def test_unconfirmed_subscriptions_go_after_7_days(client):
    from datetime import timedelta

    from django.utils import timezone

    from alerts.tasks import purge_unconfirmed

    subscribe(client, {"email": EMAIL, "kelurahan": KAMPUNG_TENGAH})
    subscribe(client, {"email": "lain@contoh.id", "kelurahan": KAMPUNG_TENGAH})
    kept = Subscription.objects.get(email="lain@contoh.id")
    client.get(f"/ikuti/konfirmasi/{kept.confirm_token}/")
    later = timezone.now() + timedelta(days=7, minutes=1)
    assert purge_unconfirmed(int((later - timedelta(minutes=2)).timestamp())) == 0
    assert purge_unconfirmed(int(later.timestamp())) == 1
    assert list(Subscription.objects.values_list("email", flat=True)) == ["lain@contoh.id"]
