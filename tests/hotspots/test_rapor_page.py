"""/rapor/ without a browser: what its sorting reads is a plain number in every language."""

import re

import pytest

from hotspots import pages

pytestmark = pytest.mark.django_db

FIGURES = {
    "received": 12, "resolved": 10, "within_sla": 0.9, "median_days": 2.5, "p90_days": 9.9, "backlog": 3,
    "oldest_days": 14.2, "reopen_rate": 0.1, "rating": 4.2, "rated": 5, "without_after_photo": 0.3,
}


@pytest.fixture
def decimals(monkeypatch):
    """An agency row with figures that have decimals (an empty database has no rows)."""
    real = pages.report_card_answer

    def answer(params):
        card = real(params)
        card["agency"] = [{"code": "DLHK", "name": "DLHK", **FIGURES, "suppressed": None, "previous": dict(FIGURES)}]
        return card

    monkeypatch.setattr(pages, "report_card_answer", answer)


@pytest.mark.parametrize("language", ["id", "en"])
def test_sort_values_are_numbers_with_a_decimal_point_in_every_language(client, decimals, language):
    html = client.get("/rapor/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    values = re.findall(r'data-value="([^"]*)"', html)
    assert "9.9" in values  # the 90% column, which sorted "9,0" above "9,9" as text in Indonesian
    assert [v for v in values if v and not re.fullmatch(r"-?\d+(\.\d+)?", v)] == []
