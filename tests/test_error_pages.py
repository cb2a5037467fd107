"""The 404 and 500 pages: in the site's layout and the visitor's language, with a way back and the
tracking-code box (they were Django's bare pages)."""

import pytest
from django.test import Client, override_settings
from django.urls import include, path

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("a fault, to show the error page")


urlpatterns = [path("rusak/", boom), path("", include("geo.urls"))]
handler500 = "geo.unavailable.server_error"


@pytest.mark.parametrize(
    ("url", "language", "heading", "back"),
    [
        ("/tidak-ada/", "id", "Halaman tidak ditemukan", "Kembali ke peta"),
        ("/tidak-ada/", "en", "Page not found", "Back to the map"),
        ("/lacak/PKU-0000-0000/", "id", "Pengaduan tidak ditemukan", "Kembali ke peta"),
        ("/lacak/PKU-0000-0000/", "en", "Complaint not found", "Back to the map"),
    ],
)
def test_not_found_is_friendly_in_both_languages(url, language, heading, back):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(url)
    html = response.content.decode()
    assert response.status_code == 404
    assert f"<h1>{heading}</h1>" in html and back in html
    assert 'action="/lacak/"' in html and 'name="kode"' in html  # the tracking-code box
    assert 'class="bar"' in html  # the site's own header


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(("language", "heading"), [("id", "Terjadi kesalahan"), ("en", "Something went wrong")])
def test_server_error_is_friendly_in_both_languages(language, heading):
    response = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False).get("/rusak/")
    html = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in html and 'name="kode"' in html and 'class="bar"' in html
