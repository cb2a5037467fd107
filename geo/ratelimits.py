"""Abuse limits: who a request comes from, and a DRF throttle whose rate is read from settings.

Limits are counted in the ``limits`` cache (a database table, see geo/settings.py), so they hold
across every app process and machine that shares the database.
"""

import ipaddress
import math

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import ngettext
from rest_framework.throttling import SimpleRateThrottle

# IPv6 hands one subscriber a whole /64; counting per address would give each of them 2**64 tries.
IPV6_PREFIX = 64


def client_address(request) -> str:
    """The address the request came from: REMOTE_ADDR, unless trusted proxies stand in front.

    With PEKA_TRUSTED_PROXY_COUNT = N > 0, each of N proxies appends the address it saw to
    X-Forwarded-For, so the N-th entry from the right is the one the outermost proxy saw; anything
    left of it was written by the client and is ignored. With N = 0 the header is never read.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PEKA_TRUSTED_PROXY_COUNT
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            candidate = hops[-min(proxies, len(hops))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass  # a proxy that writes garbage: fall back to the peer we can see
    return remote


def client_network(request) -> str:
    """The unit a limit counts: the address for IPv4, its /64 network for IPv6."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped:  # ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)


class RateLimit(SimpleRateThrottle):
    """A per-client limit whose rate ("20/m") is the setting named by ``setting``; "0" turns it off.

    The rate is read on every request, so a deployment (or a test) can change it without a restart
    of the class machinery.
    """

    setting: str

    @property
    def cache(self):
        return caches["limits"]

    def get_rate(self):
        rate = getattr(settings, self.setting)
        return None if rate == "0" else rate

    def get_ident(self, request) -> str:
        return client_network(request)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def retry_after_seconds(wait: float | None) -> int:
    """Whole seconds to wait (at least 1); DRF gives no wait when the rate was just lowered."""
    return max(1, math.ceil(wait)) if wait else 60


def too_many_message(seconds: int) -> str:
    return ngettext(
        "Too many requests from your address. Nothing was saved: try again in %(seconds)d second.",
        "Too many requests from your address. Nothing was saved: try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}
