"""The abuse limits' cache: Django's database cache, with a write that is one statement.

Every limited request writes its client's history (rest_framework's throttles: a get, then a set).
Django's DatabaseCache.set is a COUNT(*) of the whole table (to cull it past MAX_ENTRIES), then a
transaction of a SELECT and an UPDATE or INSERT: five round trips, and a COUNT over up to MAX_ENTRIES
rows, on every filing. Here a set is one INSERT ... ON CONFLICT DO UPDATE, and the table is counted
(and culled as Django culls it) on one set in CULL_CHECK_EVERY of each cache object (Django keeps
one a thread). Between two checks the table may hold up to that many entries a thread past
MAX_ENTRIES: culling forgets clients' counts, so checking less often never lets a client through
that the limit would have refused.
"""

import base64
import itertools
import pickle
from contextlib import nullcontext
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

CULL_CHECK_EVERY = 100


class LimitCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._sets = itertools.count()

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        if mode != "set":  # add and touch are not on the hot path: Django's own
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)
        utc = UTC if settings.USE_TZ else None
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=utc)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        upsert = (
            f"INSERT INTO {table} ({quote_name('cache_key')}, {quote_name('value')}, {quote_name('expires')}) "
            f"VALUES (%s, %s, %s) ON CONFLICT ({quote_name('cache_key')}) DO UPDATE "
            f"SET {quote_name('value')} = EXCLUDED.{quote_name('value')}, "
            f"{quote_name('expires')} = EXCLUDED.{quote_name('expires')}"
        )
        with connection.cursor() as cursor:
            if next(self._sets) % CULL_CHECK_EVERY == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
            try:
                # A savepoint only inside a caller's transaction, which a failed write must not break;
                # alone, the statement is its own transaction.
                with transaction.atomic(using=db) if connection.in_atomic_block else nullcontext():
                    cursor.execute(upsert, [key, encoded, expires])
            except DatabaseError:
                return False  # as Django's: a write that fails is not an error of the request
        return True
