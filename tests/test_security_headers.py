"""Security headers on the main pages and the API: CSP with a per-response nonce on every inline
script, no framing, nosniff, HSTS over HTTPS, and a CSRF token in every form."""

import re

import pytest
from django.test import Client

from geo.settings import OSM_ATTRIBUTION, OSM_TILE_URL, basemap_from_env, tile_origin

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(file_complaint):
    code = file_complaint().tracking_code
    return ["/", f"/lacak/{code}/", "/peta-panas/", "/rapor/", "/masuk/", "/api/v1/complaints/"]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_main_pages_send_csp_and_the_security_headers(settings, pages):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    client = Client()  # a new one: the middleware reads these settings when it starts
    for path in pages:
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        csp = directives(response)
        assert csp["default-src"] == ["'self'"], path
        assert csp["script-src"][0] == "'self'" and "'unsafe-inline'" not in csp["script-src"], path
        assert not any("unsafe-eval" in v for v in csp["script-src"]), path
        assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], path
        assert csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"], path
        assert response["X-Frame-Options"] == "DENY", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert "max-age=31536000" in response["Strict-Transport-Security"], path


def test_every_inline_script_carries_this_responses_nonce(client, pages):
    for path in pages[:-1]:
        response = client.get(path)
        html = response.content.decode()
        nonces = [v for v in directives(response)["script-src"] if v.startswith("'nonce-")]
        inline = [
            tag
            for tag in re.findall(r"<script\b[^>]*>", html)
            if "src=" not in tag and 'type="application/json"' not in tag
        ]
        if inline:  # /peta-panas/: folium's map is inline script
            [nonce] = nonces
            assert all(f'nonce="{nonce[7:-1]}"' in tag for tag in inline), (path, inline)
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers either
    again = directives(client.get("/peta-panas/"))["script-src"]
    assert again != directives(client.get("/peta-panas/"))["script-src"]  # a fresh nonce per response


def test_every_form_carries_a_csrf_token_and_a_post_without_it_is_refused(pages, staff_user):
    client = Client()
    for path in pages[:-1]:
        html = client.get(path).content.decode()
        forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S | re.I)
        assert forms, path  # at least the language switch
        assert all("csrfmiddlewaretoken" in form for form in forms), path
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/masuk/", {"username": "a", "password": "b"}).status_code == 403
    assert strict.post(pages[1], {"action": "rate", "rating": "5"}).status_code == 403


def test_the_admin_map_widget_runs_without_inline_script(staff_user):
    from boundaries.models import Jurisdiction
    from complaints.models import Role

    user = staff_user("admin.csp", Role.CITY_ADMIN, is_staff=True)
    client = Client()
    client.force_login(user)
    jurisdiction = Jurisdiction.objects.get(code="DLHK-TENGAH")
    html = client.get(f"/admin/boundaries/jurisdiction/{jurisdiction.pk}/change/").content.decode()
    inline = [t for t in re.findall(r"<script\b[^>]*>", html) if "src=" not in t and "application/json" not in t]
    assert inline == []
    assert "/static/js/map_widget.js" in html and 'id="id_area_map_options"' in html


def test_the_api_docs_page_has_no_inline_script(client):
    html = client.get("/api/docs/").content.decode()
    assert [t for t in re.findall(r"<script\b[^>]*>", html) if "src=" not in t] == []
    assert client.get("/api/docs/?script").status_code == 200


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tiles.example.id/{z}/{x}/{y}.png", "https://tiles.example.id"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("https://tile{s}.example.org/{z}/{x}/{y}.png", "https:"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ],
)
def test_tile_images_are_allowed_from_the_tile_urls_origin(url, origin):
    assert tile_origin(url) == origin


@pytest.mark.parametrize(
    ("environ", "basemap"),
    [
        ({}, (OSM_TILE_URL, OSM_ATTRIBUTION)),
        ({"PEKA_TILE_URL": "none"}, ("", "")),
        ({"PEKA_TILE_URL": "https://tiles.example.id/{z}/{x}/{y}.png"}, ("https://tiles.example.id/{z}/{x}/{y}.png", "")),
        (
            {"PEKA_TILE_URL": "https://tiles.example.id/{z}/{x}/{y}.png", "PEKA_TILE_ATTRIBUTION": "© Kota"},
            ("https://tiles.example.id/{z}/{x}/{y}.png", "© Kota"),
        ),
    ],
)
def test_the_basemap_is_openstreetmap_unless_configured_otherwise(environ, basemap):
    assert basemap_from_env(environ) == basemap
    assert 'href="https://www.openstreetmap.org/copyright"' in OSM_ATTRIBUTION


def test_csp_admits_exactly_the_tile_origin_for_images(client):
    csp = directives(client.get("/"))
    assert csp["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert csp["connect-src"] == ["'self'"]  # tiles are images; nothing else is fetched from there
