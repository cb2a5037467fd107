"""The limits' cache: Django's database cache with a one-statement write (geo.limitcache)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo import limitcache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache():
    cache = caches["limits"]
    cache.clear()
    yield cache
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_set_is_one_statement_and_overwrites(cache):
    """Alone, as a request writes it (inside a caller's transaction it takes a savepoint too)."""
    next(cache._sets)  # past the count of the first set
    with CaptureQueriesContext(connection) as queries:
        cache.set("throttle_intake_203.0.113.1", [3.0, 2.0, 1.0], 60)
    assert len(queries) == 1 and "ON CONFLICT" in queries[0]["sql"]
    cache.set("throttle_intake_203.0.113.1", [4.0], 60)
    assert cache.get("throttle_intake_203.0.113.1") == [4.0]


def test_an_entry_expires(cache):
    cache.set("throttle_intake_203.0.113.2", [1.0], -1)
    assert cache.get("throttle_intake_203.0.113.2") is None


def test_past_max_entries_the_table_is_culled_on_its_check(cache, monkeypatch):
    monkeypatch.setattr(cache, "_max_entries", 10)
    monkeypatch.setattr(limitcache, "CULL_CHECK_EVERY", 5)
    for n in range(40):
        cache.set(f"throttle_intake_198.51.100.{n}", [1.0], 60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM peka_rate_limits")
        count = cursor.fetchone()[0]
    # Culled on every fifth set: never more than MAX_ENTRIES and the sets since the last check.
    assert count <= 10 + 5
    assert cache.get("throttle_intake_198.51.100.39") == [1.0]  # the newest stays
