""" "Ikuti area ini" on the citizen map, in Chromium on a 360 px phone: the pin's kelurahan, or a
circle around it, posted to /api/v1/subscriptions/; and a contact with "Dukung"."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from alerts.models import Frequency, PlaceKind, Subscription
from tests.e2e.conftest import TILE_ROUTE, tile_png

pytestmark = pytest.mark.django_db(transaction=True)
SUKAJADI = (101.44, 0.51)  # Kelurahan Kampung Tengah
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(locale="id-ID", viewport=PHONE, has_touch=True, is_mobile=True)
    png = tile_png()
    context.route(TILE_ROUTE, lambda route: route.fulfill(status=200, content_type="image/png", body=png))
    yield context.new_page()
    context.close()


def place_pin(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_function("() => document.getElementById('map').pekaMap")
    page.evaluate(
        "([lat, lon]) => { const m = document.getElementById('map').pekaMap; m.setView([lat, lon], 18, {animate: false});"
        " m.fire('click', {latlng: L.latLng(lat, lon)}); }",
        [SUKAJADI[1], SUKAJADI[0]],
    )
    expect(page.locator("#where")).to_contain_text("Kampung Tengah")


def no_sideways_scrolling(page):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_follow_the_kelurahan_of_the_pin_then_a_circle(phone_page, live_server, committed_city):
    page = phone_page
    place_pin(page, live_server)
    follow = page.get_by_role("button", name="Ikuti area ini")
    expect(follow).to_be_visible()
    follow.click()
    form = page.locator("#follow-form")
    expect(form).to_be_visible()
    expect(page.get_by_label("Kelurahan Kampung Tengah")).to_be_checked()
    no_sideways_scrolling(page)

    page.get_by_role("button", name="Ikuti", exact=True).click()
    expect(page.locator("#follow-status")).to_contain_text("e-mail atau nomor WhatsApp")  # no contact yet
    assert not Subscription.objects.exists()

    page.locator("#follow-email").fill("warga.ikut@contoh.id")
    page.get_by_label("Seberapa sering").select_option("daily")
    page.get_by_role("button", name="Ikuti", exact=True).click()
    expect(page.locator("#follow-status")).to_contain_text("Hampir selesai")
    page.screenshot(path="test-results/follow-area-phone.png", full_page=True)
    no_sideways_scrolling(page)
    subscription = Subscription.objects.get()
    assert (subscription.place_kind, subscription.place_code) == (PlaceKind.KELURAHAN, "14.71.01.1003")
    assert subscription.frequency == Frequency.DAILY and subscription.confirmed_at is None

    page.get_by_label("lingkaran 500 m di sekitar pin").check()
    page.locator("#follow-email").fill("")
    page.locator("#follow-phone").fill("0812 3456 7890")
    page.get_by_label("Seberapa sering").select_option("instant")
    page.get_by_role("button", name="Ikuti", exact=True).click()
    expect(page.locator("#follow-status")).to_contain_text("Hampir selesai")
    circle = Subscription.objects.get(place_kind=PlaceKind.CIRCLE)
    assert circle.radius_m == 500 and circle.phone == "+6281234567890"

    assert circle.area.covers(Point(*SUKAJADI, srid=4326))


def test_a_pin_outside_the_city_offers_nothing_to_follow(phone_page, live_server, committed_city):
    page = phone_page
    page.goto(live_server.url + "/")
    page.wait_for_function("() => document.getElementById('map').pekaMap")
    page.evaluate(
        "() => { const m = document.getElementById('map').pekaMap; m.setView([0.51, 100.9], 14, {animate: false});"
        " m.fire('click', {latlng: L.latLng(0.51, 100.9)}); }"
    )
    expect(page.locator("#where")).to_have_class("where error")
    expect(page.locator("#follow")).to_be_hidden()


def test_dukung_with_kabari_saya_leaves_the_contact(phone_page, live_server, committed_city):
    from complaints.intake import Reporter, complaint_create
    from complaints.models import Category
    from notifications.models import Supporter

    existing, _created = complaint_create(
        category=Category.objects.get(code="sampah"),
        description="Sampah menumpuk di simpang.",
        location=Point(*SUKAJADI, srid=4326),
        reporter=Reporter(),
    )
    page = phone_page
    place_pin(page, live_server)
    page.locator('input[name=category][value="sampah"]').check(force=True)
    expect(page.locator("#step-nearby")).to_be_visible()
    expect(page.locator("#support-contact")).to_be_hidden()
    page.get_by_label("Kabari saya: beri tahu saya bila statusnya berubah").check()
    page.locator("#support-email").fill("pendukung@contoh.id")
    no_sideways_scrolling(page)
    page.get_by_role("button", name=f"Dukung {existing.tracking_code}").click()
    expect(page.locator("#nearby-list")).to_contain_text("dukungan Anda")
    supporter = Supporter.objects.get()
    assert (supporter.complaint_id, supporter.email) == (existing.id, "pendukung@contoh.id")
