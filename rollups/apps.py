from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RollupsConfig(AppConfig):
    """Counts of complaints kept by the database itself (no admin, no pages of its own)."""

    name = "rollups"

    def ready(self):
        from rollups.definition import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="rollups.definition")
