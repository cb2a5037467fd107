"""Absolute links in what PEKA sends (e-mail, WhatsApp, Web Push, alerts, forwardings): the site's
address, ``PEKA_SITE_URL``, and a path. An answer to a request uses ``request.build_absolute_uri``."""

from django.conf import settings


def site_url(path: str) -> str:
    """``path`` (from the site's root, e.g. ``complaint.get_absolute_url()``) as an absolute link."""
    return settings.PEKA_SITE_URL + path
