"""Every URL is classified (disclosure.surfaces), and every public one is fetched here with a private
complaint and a reporter's contact planted: none of it may come back."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from disclosure.surfaces import CITIZEN_WRITES, OPEN_DATA, PAGES, STAFF, STAFF_NAMESPACES

pytestmark = pytest.mark.django_db

SECRET_TEXT = "RAHASIA-PRIVAT-7731"
CONTACT = {"name": "Siti Pelapor", "phone": "081299887766", "email": "siti.pelapor@example.id"}

# One request per public URL name; "{private}" is the private complaint's code, "{public}" a public one's.
EXAMPLES = {
    "complaint-list": [
        "/api/v1/complaints/",
        "/api/v1/complaints/?category=sampah&page_size=1000",
        "/api/v1/complaints/?fields=all&page_size=1000",
        "/api/v1/complaints/?fields=description,photos,routing_reason",
    ],
    "complaint-detail": ["/api/v1/complaints/{private}/", "/api/v1/complaints/{public}/"],
    "complaint-nearby": ["/api/v1/complaints/nearby/?lat=0.51&lon=101.44&category=sampah&radius_m=500"],
    "complaint-tile": ["/tiles/complaints/14/12811/8168.geojson", "/tiles/complaints/10/800/510.geojson"],
    "kecamatan-list": ["/api/v1/boundaries/kecamatan/"],
    "kelurahan-list": ["/api/v1/boundaries/kelurahan/"],
    "locate": ["/api/v1/locate/?lat=0.51&lon=101.44&category=kdrt"],
    "hotspot-hexbins": ["/api/v1/hotspots/hexbins/"],
    "hotspot-heatmap": ["/api/v1/hotspots/heatmap/"],
    "hotspot-gistar": ["/api/v1/hotspots/gistar/"],
    "hotspot-trends": ["/api/v1/hotspots/trends/"],
    "hotspot-kecamatan": ["/api/v1/hotspots/kecamatan/"],
    "hotspot-export": ["/api/v1/hotspots/exports/complaints.csv", "/api/v1/hotspots/exports/complaints.geojson"],
    "report-card": ["/api/v1/report-card/"],
    "asset-list": ["/api/v1/assets/?category=kdrt&bbox=101.43,0.50,101.45,0.52", "/api/v1/assets/?kind=tps&bbox=101.43,0.50,101.45,0.52"],
    "asset-chronic": ["/api/v1/assets/chronic/?days=730&min=3"],
    "asset-chronic-export": ["/api/v1/assets/chronic.csv", "/api/v1/assets/chronic.geojson"],
    "open311-discovery": ["/open311/v2/discovery.json"],
    "open311-services": ["/open311/v2/services.json"],
    "open311-service": ["/open311/v2/services/kdrt.json"],
    "open311-requests": ["/open311/v2/requests.json", "/open311/v2/requests.xml?service_request_id={private}"],
    "open311-request": ["/open311/v2/requests/{private}.json"],
    "open311-token": ["/open311/v2/tokens/{private}.json"],
    "home": ["/"],
    "track": ["/lacak/{private}/", "/lacak/{public}/"],
    "track-lookup": ["/lacak/?kode={private}"],
    "hotspots": ["/peta-panas/"],
    "rapor": ["/rapor/"],
    "login": ["/masuk/"],
    "logout": [],  # POST only: signs out, shows nothing
    "photo-file": ["/foto/{private_photo}"],
    "set_language": [],  # POST only: sets the language cookie
    "schema": ["/api/schema/"],
    "api-docs": ["/api/docs/"],
    "notifications:unsubscribe": ["/notifikasi/berhenti/not-a-token/"],
    "notifications:answer": ["/notifikasi/beres/not-a-token/"],
    "notifications:supporter-confirm": ["/notifikasi/ikuti/not-a-token/"],
    "notifications:service-worker": ["/sw.js"],
    "inbox-manifest": ["/satgas/manifest.webmanifest"],
    "notifications:push-key": ["/api/v1/push/key/"],
    "alerts:feed-atom": ["/feeds/complaints.atom", "/feeds/complaints.atom?category=sampah"],
    "alerts:feed-rss": ["/feeds/complaints.rss"],
    "alerts:confirm": ["/ikuti/konfirmasi/not-a-token/"],
    "alerts:unsubscribe": ["/ikuti/berhenti/not-a-token/"],
    "alerts:subscription-detail": ["/api/v1/subscriptions/not-a-token/"],
}


def url_names():
    def walk(patterns, namespaces=()):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, namespaces + ((p.namespace,) if p.namespace else ()))
            elif isinstance(p, URLPattern):
                yield ":".join([*namespaces, p.name or "(unnamed)"]), namespaces

    return list(walk(get_resolver().url_patterns))


def test_every_url_is_classified_and_every_public_one_has_a_privacy_example():
    unclassified = [
        name
        for name, namespaces in url_names()
        if not set(namespaces) & STAFF_NAMESPACES and name not in OPEN_DATA | PAGES | CITIZEN_WRITES | STAFF
    ]
    assert unclassified == []
    assert set(EXAMPLES) == OPEN_DATA | PAGES
    assert not (OPEN_DATA | PAGES) & STAFF


@pytest.fixture
def planted(file_complaint, settings, tmp_path):
    from tests.conftest import jpeg_with_gps

    settings.MEDIA_ROOT = tmp_path
    private = file_complaint(category="kdrt", description=SECRET_TEXT, reporter=CONTACT, lon=101.4412, lat=0.5123)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from complaints.intake import photo_attach
    from complaints.models import PhotoKind
    from complaints.photos import photo_clean

    photo = photo_attach(private, photo_clean(SimpleUploadedFile("p.jpg", jpeg_with_gps((200, 150)))), PhotoKind.REPORT)
    public = file_complaint(category="sampah", description="Sampah biasa.", reporter=CONTACT)
    return {"private": private.tracking_code, "public": public.tracking_code, "private_photo": photo.image.name.split("/")[-1]}


UNKNOWN = "PKU-2222-2222"


def fetched(client, url) -> tuple[int, str]:
    response = client.get(url, follow=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    # A form's CSRF token differs on every answer; it says nothing about a complaint.
    return response.status_code, re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode("utf-8", "replace"))


@pytest.mark.parametrize("name", sorted(OPEN_DATA | PAGES))
def test_no_public_url_shows_a_private_complaint_or_a_contact(client, planted, name):
    for example in EXAMPLES[name]:
        status, text = fetched(client, example.format(**planted))
        assert status < 500, example
        for secret in (SECRET_TEXT, "101.4412", *CONTACT.values(), "6281299887766"):  # the number as stored
            assert secret not in text, (example, secret)
        if "{private}" in example:
            # Asked for by its code, a private complaint answers exactly as a code that does not exist.
            unknown = fetched(client, example.format(**{**planted, "private": UNKNOWN}))
            assert (status, text.replace(planted["private"], UNKNOWN)) == unknown, example
        else:
            assert planted["private"] not in text, example


def test_every_public_shape_of_a_complaint_uses_only_public_fields(client, file_complaint):
    import csv
    import io

    from disclosure.public import PUBLIC_FIELDS
    from web.public.serializers import ComplaintSerializer

    file_complaint()
    public = set(PUBLIC_FIELDS)
    assert set(ComplaintSerializer.Meta.fields) <= public
    for query in ({}, {"fields": "all"}):  # the lean default, and every property
        feature = client.get("/api/v1/complaints/", query).json()["features"][0]
        assert set(feature["properties"]) <= public
    for z, x, y in ((16, 51234, 32675), (10, 800, 510)):  # one complaint's own feature; a count cell
        tile = client.get(f"/tiles/complaints/{z}/{x}/{y}.geojson")
        assert tile.status_code == 200
        assert all(set(f["properties"]) <= public for f in tile.json()["features"])
    export = b"".join(client.get("/api/v1/hotspots/exports/complaints.csv").streaming_content).decode()
    assert {name.split(".")[0] for name in next(csv.reader(io.StringIO(export)))} <= public | {"wkt"}
    for name in ("reporter_name", "reporter_phone", "reporter_email", "reporter_key_hash", "private"):
        assert name not in public
