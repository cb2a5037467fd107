from django.apps import AppConfig


class RollupsConfig(AppConfig):
    """Counts of complaints kept by the database itself (no admin, no pages of its own)."""

    name = "rollups"
