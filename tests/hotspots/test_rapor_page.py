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


@pytest.fixture
def agencies(monkeypatch):
    """Three agencies: one better than before, one worse, one with too few resolved complaints to rank."""
    real = pages.report_card_answer

    def row(code, share, before, resolved):
        figures = {**FIGURES, "within_sla": share, "resolved": resolved}
        return {"code": code, "name": code, **figures, "suppressed": None, "previous": {**figures, "within_sla": before}}

    def answer(params):
        card = real(params)
        card["agency"] = [row("DLHK", 0.9, 0.7, 10), row("DPUPR", 0.5, 0.8, 12), row("DINKES", 0.0, 0.0, 3)]
        return card

    monkeypatch.setattr(pages, "report_card_answer", answer)


def test_arrows_say_better_or_worse_and_the_ranking_reads_in_plain_words(client, agencies):
    html = client.get("/rapor/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert html.count("▲ lebih baik") == 1 and html.count("▼ lebih buruk") == 1
    ranking = re.search(r'<section class="ranking">(.*?)</section>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", ranking)
    assert items == [
        "DLHK: 90% dari 10 pengaduan yang selesai diselesaikan tepat waktu.",
        "DPUPR: 50% dari 12 pengaduan yang selesai diselesaikan tepat waktu.",
    ]  # DINKES's 0% of 3 is not ranked
    assert 'data-label="Tepat waktu"' in html
