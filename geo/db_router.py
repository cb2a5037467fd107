"""Read replicas: the public's reads go to a streaming standby, everything else to the primary.

One place decides, per request: ``ReadRoutingMiddleware`` marks a request as a *public read* (a
GET or HEAD of a public page or API, by nobody signed in, from a client that has not written in the
last ``PEKA_PRIMARY_COOKIE_SECONDS``) in a context variable, and ``ReplicaRouter`` only reads the
mark. Without a mark (commands, the shell, staff, every write) the primary answers.

A replica that cannot be reached is remembered as down for ``PEKA_REPLICA_RETRY_SECONDS`` and the
primary serves in its place; a replica connection that fails in the middle of a public read makes
the middleware run that (safe, idempotent) view once more on the primary. Both settings, and the
replica aliases in ``PEKA_REPLICAS``, come from geo/settings.py (``DATABASE_REPLICA_URL``).
"""

import logging
import random
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.http import StreamingHttpResponse

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
# Set after a write; while it lives, the client reads from the primary and so sees its own writes.
PRIMARY_COOKIE = "peka_primary"
READ_METHODS = frozenset({"GET", "HEAD"})
# The public's pages and APIs whose GET/HEAD may be a little behind the primary (replication lag is
# normally well under a second). Staff API (/api/v1/staff/), admin and sign-in are not here.
PUBLIC_PATHS = frozenset({"/"})
PUBLIC_PREFIXES = (
    "/api/v1/complaints/",
    "/api/v1/hotspots/",
    "/api/v1/report-card/",
    "/api/v1/boundaries/",
    "/tiles/",
    "/open311/v2/",
    "/lacak/",
    "/peta-panas/",
    "/rapor/",
    "/foto/",
)

# Process-wide: when each replica last failed to answer counts for everyone (monotonic seconds).
_down_until: dict[str, float] = {}


def is_public_read(request) -> bool:
    """Whether this request may be answered from a replica: the single decision the router follows."""
    if request.method not in READ_METHODS or request.COOKIES.get(PRIMARY_COOKIE):
        return False
    if request.path not in PUBLIC_PATHS and not request.path.startswith(PUBLIC_PREFIXES):
        return False
    # Staff (the only people with accounts) use the primary; a token request is staff or a script.
    # This reads the session, if any, from the primary: the mark is not set yet.
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def reading(model):
    """The connection for raw SQL that reads ``model``'s table: the one the ORM would read it from."""
    return connections[router.db_for_read(model)]


def replica_available(alias: str) -> bool:
    """Whether ``alias`` answers now: the connection's own health check (``SELECT 1`` on a reused
    connection, once per request) or a new connection, with the alias's short connect_timeout. A
    failure is remembered for PEKA_REPLICA_RETRY_SECONDS, so a dead replica costs one attempt per
    process in that time, not one per request."""
    if _down_until.get(alias, 0.0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as exc:
        mark_down(alias, exc)
        return False
    return True


def mark_down(alias: str, reason: Exception) -> None:
    _down_until[alias] = time.monotonic() + settings.PEKA_REPLICA_RETRY_SECONDS
    logger.warning(
        "replica %s unavailable, reading from the primary for %s s: %s",
        alias,
        settings.PEKA_REPLICA_RETRY_SECONDS,
        str(reason).strip(),
    )
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def forget_failures() -> None:
    """Try every replica again on the next read (after a replica is known to be back)."""
    _down_until.clear()


@dataclass
class RequestRouting:
    """What the middleware decided for one request, and the replica chosen for it (lazily, on the
    first read, so a request that reads nothing checks nothing; then kept for the whole request)."""

    public_read: bool
    replica: str | None = None
    chosen: bool = False
    view: tuple = field(default=(), repr=False)

    def read_alias(self) -> str:
        if not self.public_read:
            return PRIMARY
        if not self.chosen:
            self.chosen = True
            aliases = list(settings.PEKA_REPLICAS)
            random.shuffle(aliases)
            self.replica = next((alias for alias in aliases if replica_available(alias)), None)
        return self.replica or PRIMARY

    def use_primary(self) -> None:
        self.public_read, self.replica = False, None


_routing: ContextVar[RequestRouting | None] = ContextVar("peka_request_routing", default=None)


class ReplicaRouter:
    """Reads of a public request go to its replica; all else, and every write, to the primary."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        # A transaction open on the primary keeps its reads there: they must see its own writes.
        if routing is None or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return routing.read_alias()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the same rows as the primary: an object read from either may point at the other's.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A standby replays the primary's schema changes; it cannot run its own.
        return db == PRIMARY


class ReadRoutingMiddleware:
    """Marks public reads for ``ReplicaRouter``; gives writing clients the read-your-writes cookie.

    Sits after AuthenticationMiddleware, which it asks whether someone is signed in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        routing = RequestRouting(public_read=is_public_read(request))
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
        finally:
            _routing.reset(token)
        if routing.public_read and isinstance(response, StreamingHttpResponse) and not response.is_async:
            # A streamed export reads while it is sent, after this method returned: keep the mark.
            response.streaming_content = _routed(response.streaming_content, routing)
        if request.method not in READ_METHODS and request.method != "OPTIONS":
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=settings.PEKA_PRIMARY_COOKIE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        routing = _routing.get()
        if routing is not None:
            routing.view = (view_func, view_args, view_kwargs)

    def process_exception(self, request, exception):
        """A replica connection that broke during a public read: run the view again on the primary
        (a GET is safe to repeat), once. Errors of the primary or of the query itself pass on."""
        routing = _routing.get()
        if routing is None or not routing.replica or not routing.view or not isinstance(exception, DatabaseError):
            return None
        alias = routing.replica
        connection = connections[alias]
        if not connection.errors_occurred:
            return None
        logger.warning("read on replica %s failed, repeated on the primary: %s", alias, str(exception).strip())
        # A replica that lives but cancelled the query (e.g. a conflict with recovery) stays in use.
        if not connection.is_usable():
            mark_down(alias, exception)
        routing.use_primary()
        view_func, view_args, view_kwargs = routing.view
        response = view_func(request, *view_args, **view_kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()
        return response


def _routed(chunks, routing: RequestRouting):
    """Yield from ``chunks`` with ``routing`` in force while each chunk is produced."""
    iterator = iter(chunks)
    while True:
        token = _routing.set(routing)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _routing.reset(token)
        yield chunk
