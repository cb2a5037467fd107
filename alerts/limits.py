"""The subscription endpoint's own abuse limit (geo.ratelimits): PEKA_RATE_LIMIT_SUBSCRIBE per client address."""

from geo.ratelimits import RateLimit


class SubscribeLimit(RateLimit):
    scope = "subscribe"
    setting = "PEKA_RATE_LIMIT_SUBSCRIBE"
