"""Abuse limits on what anyone may do without an account (rates in settings, see geo.ratelimits)."""

from geo.ratelimits import RateLimit


class IntakeLimit(RateLimit):
    """Filing complaints: PEKA_RATE_LIMIT_INTAKE per client address."""

    scope = "intake"
    setting = "PEKA_RATE_LIMIT_INTAKE"


class SupportLimit(RateLimit):
    """Supporting complaints ("Dukung"): PEKA_RATE_LIMIT_SUPPORT per client address."""

    scope = "support"
    setting = "PEKA_RATE_LIMIT_SUPPORT"


class SupportDailyLimit(RateLimit):
    """Supports per client address per day (PEKA_RATE_LIMIT_SUPPORT_DAILY): a browser that drops its
    cookie is a new supporter, so an address's new sessions are capped."""

    scope = "support-daily"
    setting = "PEKA_RATE_LIMIT_SUPPORT_DAILY"
