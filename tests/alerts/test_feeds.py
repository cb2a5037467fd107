"""/feeds/complaints.atom and .rss: valid feeds (parsed as a feed reader does, and the required Atom
1.0 elements checked in the XML), the public list's filters, never a private complaint."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
GEORSS = "{http://www.georss.org/georss}"


def test_the_atom_feed_is_valid_atom_with_points(client, file_complaint):
    complaint = file_complaint(description="Sampah di pinggir jalan.")
    response = client.get("/feeds/complaints.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "public" in response["Cache-Control"] and response["Access-Control-Allow-Origin"] == "*"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    [entry] = parsed.entries
    assert entry.link.endswith(f"/lacak/{complaint.tracking_code}/")
    assert entry.where["coordinates"] == pytest.approx((101.44, 0.51))
    root = ET.fromstring(response.content)
    for required in ("id", "title", "updated", "author"):
        assert root.find(ATOM + required) is not None, required
    [node] = root.findall(ATOM + "entry")
    for required in ("id", "title", "updated"):
        assert node.find(ATOM + required) is not None, required
    assert node.find(GEORSS + "point").text == "0.510000 101.440000"


def test_the_rss_feed_parses(client, file_complaint):
    complaint = file_complaint()
    response = client.get("/feeds/complaints.rss")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo and parsed.version == "rss20"
    assert parsed.entries[0].link.endswith(f"/lacak/{complaint.tracking_code}/")


def test_filters_of_the_public_list_and_no_private_complaint(client, file_complaint):
    in_kampung_tengah = file_complaint(category="sampah")
    lamp = file_complaint(category="lampu-jalan", description="Lampu mati.")
    elsewhere = file_complaint(lon=101.45, lat=0.47)  # Maharatu, Marpoyan Damai
    private = file_complaint(category="kdrt", description="RAHASIA-PRIVAT-7731")

    def codes(query):
        response = client.get("/feeds/complaints.atom" + query)
        assert response.status_code == 200, response.content
        return {e.link.rstrip("/").rsplit("/", 1)[-1] for e in feedparser.parse(response.content).entries}

    everything = codes("")
    assert private.tracking_code not in everything and b"RAHASIA" not in client.get("/feeds/complaints.atom").content
    assert everything == {in_kampung_tengah.tracking_code, lamp.tracking_code, elsewhere.tracking_code}
    assert codes("?kelurahan=14.71.09.1005") == {elsewhere.tracking_code}
    assert codes("?kecamatan=14.71.01") == {in_kampung_tengah.tracking_code, lamp.tracking_code}
    assert codes("?category=lampu-jalan") == {lamp.tracking_code}
    assert codes("?status=selesai") == set()
    assert codes("?bbox=101.44,0.46,101.46,0.48") == {elsewhere.tracking_code}
    # A sensitive category cannot even be asked about, as on the list.
    refused = client.get("/feeds/complaints.atom?category=kdrt")
    assert refused.status_code == 400 and "category" in refused.json()
    assert client.get("/feeds/complaints.rss?bbox=1,2").status_code == 400


def test_at_most_the_newest_50(client, file_complaint):
    from alerts.feeds import NEWEST

    made = [file_complaint() for _ in range(NEWEST + 2)]
    entries = feedparser.parse(client.get("/feeds/complaints.atom").content).entries
    assert len(entries) == NEWEST
    assert entries[0].link.endswith(f"/lacak/{made[-1].tracking_code}/")


def test_an_unchanged_feed_is_not_sent_again(client, file_complaint):
    file_complaint()
    first = client.get("/feeds/complaints.atom")
    again = client.get("/feeds/complaints.atom", headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304
