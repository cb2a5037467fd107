"""The partial indexes the fast paths rely on exist as declared, in the database itself."""

import pytest
from django.db import connection

from complaints.models import OPEN_STATUSES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["complaint_open_location", "complaint_open_inbox"])
def test_open_complaint_indexes_cover_only_open_complaints(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        (definition,) = cursor.fetchone()
    assert " WHERE " in definition, definition
    assert all(f"'{status}'" in definition for status in OPEN_STATUSES)
