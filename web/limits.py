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


class CitizenActionLimit(RateLimit):
    """The reporter's actions (rate, reopen, add information, push): PEKA_RATE_LIMIT_CITIZEN_ACTIONS per
    client address, one count for all of them, so tracking codes and reporter keys cannot be tried
    quickly. notifications.push.ComplaintPushLimit counts in the same scope (notifications sits below web)."""

    scope = "citizen-actions"
    setting = "PEKA_RATE_LIMIT_CITIZEN_ACTIONS"


class PhotoLocationLimit(RateLimit):
    """Reading a photo's GPS position (POST /api/v1/photo-location/): PEKA_RATE_LIMIT_PHOTO_LOCATION per
    client address. Anyone may send a photo there, and each one is read from its header."""

    scope = "photo-location"
    setting = "PEKA_RATE_LIMIT_PHOTO_LOCATION"
