"""The intake profile's accounting: every statement and the COMMIT are counted and timed."""

import pytest
from django.db import transaction

from bench.intake_profile import Statements, _shape
from complaints.models import Category


@pytest.mark.django_db(transaction=True)
def test_statements_and_the_commit_are_counted():
    statements = Statements()
    with statements.recording():
        with transaction.atomic():
            list(Category.objects.filter(code__in=["sampah", "lampu-jalan"]))
            list(Category.objects.filter(code__in=["sampah"]))
        Category.objects.count()
    counts = {sql: len(times) for sql, times in statements.times.items()}
    assert counts.pop("COMMIT") == 1 and len(statements.commit_times) == 1
    # The two IN lists are one statement; the COUNT in autocommit has no COMMIT of Django's.
    assert sorted(counts.values()) == [1, 2]
    assert statements.filing_sql > 0


def test_lists_of_values_of_any_length_are_one_statement():
    assert _shape('SELECT 1 WHERE "id" IN (%s, %s, %s)') == _shape('SELECT 1 WHERE "id" IN (%s)')
    assert _shape("INSERT INTO t VALUES (%s, %s), (%s, %s)") == _shape("INSERT INTO t VALUES (%s, %s)")
