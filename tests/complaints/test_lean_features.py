"""The public list's lean Features by default, the others by name with ``fields``, a bad name a 400."""

import pytest

from disclosure.public import FEATURE_PROPERTIES, LEAN_FEATURE_PROPERTIES

pytestmark = pytest.mark.django_db

LIST = "/api/v1/complaints/"


@pytest.fixture
def filed(file_complaint, client, settings, tmp_path):
    """Two public complaints, one with a photo and another status, and one of a sensitive category."""
    from complaints.models import Complaint
    from tests.complaints.test_photos import file_with_photo, upload
    from tests.conftest import jpeg_with_gps

    settings.MEDIA_ROOT = tmp_path
    first = file_complaint(101.44, 0.51, category="lampu-jalan")
    Complaint.objects.filter(id=first.id).update(status="selesai", resolved_at=first.created_at, support_count=4)
    response = file_with_photo(client, upload(jpeg_with_gps()))
    assert response.status_code == 201, response.content
    sensitive = file_complaint(101.45, 0.5263, category="kdrt", description="Kekerasan di rumah no. 12.")
    return {"first": first.tracking_code, "photo": response.json()["id"], "sensitive": sensitive.tracking_code}


def features(client, **params) -> dict[str, dict]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return {f["id"]: f for f in response.json()["features"]}


def detail(client, code) -> dict:
    response = client.get(f"{LIST}{code}/")
    assert response.status_code == 200
    return response.json()


def test_default_features_carry_exactly_the_lean_properties(client, filed):
    listed = features(client)
    assert set(listed) == {filed["first"], filed["photo"]}
    for code, feature in listed.items():
        assert set(feature) == {"type", "id", "geometry", "properties"}
        assert list(feature["properties"]) == list(LEAN_FEATURE_PROPERTIES)
        full = detail(client, code)
        assert feature["geometry"] == full["geometry"]
        assert feature["properties"] == {name: full["properties"][name] for name in LEAN_FEATURE_PROPERTIES}
    first = listed[filed["first"]]["properties"]
    assert (first["category"], first["status"], first["support_count"]) == ("lampu-jalan", "selesai", 4)


def test_fields_all_gives_the_full_features_of_the_detail(client, filed):
    listed = features(client, fields="all", page_size=1000)
    assert set(listed) == {filed["first"], filed["photo"]}
    for code, feature in listed.items():
        assert list(feature["properties"]) == list(FEATURE_PROPERTIES)
        assert feature == detail(client, code)
    assert listed[filed["photo"]]["properties"]["photos"]


def test_fields_names_a_subset_in_the_usual_order(client, filed):
    listed = features(client, fields=" photos,status ,description,status")
    for code, feature in listed.items():
        assert list(feature["properties"]) == ["description", "status", "photos"]
        full = detail(client, code)["properties"]
        assert feature["properties"] == {name: full[name] for name in ("description", "status", "photos")}
    # "all" wins over any names beside it; the list's filters still apply.
    assert list(features(client, fields="status,all", status="selesai")) == [filed["first"]]


def test_the_detail_is_always_the_full_feature(client, filed):
    answer = client.get(f"{LIST}{filed['first']}/", {"fields": "status"})
    assert answer.status_code == 200
    assert list(answer.json()["properties"]) == list(FEATURE_PROPERTIES)


@pytest.mark.parametrize(
    "value, named",
    [
        ("colour", "colour"),
        ("status,reporter_phone", "reporter_phone"),  # no private field is ever a property
        ("tracking_code", "tracking_code"),  # the Feature's id, not a property
        ("ALL", "ALL"),
        ("", None),
        (" , ", None),
    ],
)
def test_a_bad_fields_value_is_a_400_naming_the_allowed_ones(client, filed, value, named):
    response = client.get(LIST, {"fields": value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    [message] = response.json()["fields"]
    assert "Allowed: all, or" in message and all(name in message for name in FEATURE_PROPERTIES)
    if named:
        assert f"Unknown field: {named}." in message
    else:
        assert "Name at least one field." in message
    [indonesian] = client.get(LIST, {"fields": value}).json()["fields"]
    assert ("Bidang tidak dikenal" if named else "Sebutkan setidaknya satu bidang") in indonesian


def test_a_long_bad_value_is_answered_briefly(client, filed):
    response = client.get(LIST, {"fields": ",".join("x" * 200 + str(k) for k in range(500))})
    assert response.status_code == 400
    assert len(response.content) < 8_000


def test_sensitive_complaints_are_in_no_variant(client, filed):
    for params in ({}, {"fields": "all"}, {"fields": "description,photos"}):
        text = client.get(LIST, {**params, "page_size": 1000}).content.decode()
        assert filed["sensitive"] not in text and "Kekerasan" not in text
