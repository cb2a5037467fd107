"""/peta-panas/ without a browser: filters, table suppression, no sensitive category, no CDN."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_page_table_suppresses_and_hides_sensitive_categories(client, plant):
    plant([(101.44, 0.51)] * 5, category="sampah")
    plant([(101.44, 0.51)] * 2, category="lampu-jalan")
    plant([(101.44, 0.51)] * 9, category="kdrt")
    html = client.get("/peta-panas/").content.decode()
    row = re.search(r"<tr><th scope=\"row\">Sukajadi</th>(.*?)</tr>", html).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert "5" in cells and "&lt;3" in cells
    assert "Kekerasan" not in html and "kdrt" not in html
    assert not re.search(r"(src|href)=\"https?://", html)


def test_page_shows_a_bad_filter_as_a_message(client):
    response = client.get("/peta-panas/", {"size_m": "7"})
    assert response.status_code == 200
    assert "size_m" in response.content.decode()
