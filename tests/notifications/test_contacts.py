"""Contacts: phone numbers to E.164, masks for people, keyed hashes for lookups."""

import pytest

from geo.phones import InvalidPhone, e164
from notifications.contacts import contact_hash, mask


@pytest.mark.parametrize(
    "given, normal",
    [("0812-3456-7890", "+6281234567890"), ("+62 812 3456 7890", "+6281234567890"), ("62 812 3456 7890", "+6281234567890")],
)
def test_indonesian_numbers_are_normalised_to_e164(given, normal):
    assert e164(given) == normal


def test_a_number_that_is_no_number_is_refused():
    with pytest.raises(InvalidPhone):
        e164("0000")


def test_masks_show_too_little_to_use():
    assert mask("budi.santoso@contoh.id") == "b***@contoh.id"
    assert mask("+6281234567890") == "+62812****890"


def test_the_hash_is_the_same_for_the_same_contact_and_reveals_nothing():
    assert contact_hash("Budi@Contoh.id") == contact_hash("budi@contoh.id ")
    assert "budi" not in contact_hash("budi@contoh.id") and len(contact_hash("budi@contoh.id")) == 64
