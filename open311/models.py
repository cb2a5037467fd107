"""API keys for systems that file complaints through Open311 (the spec's ``api_key``)."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def valid(self, key: str):
        """The active key matching ``key``, if any (keys are stored only as their SHA-256)."""
        return self.filter(digest=_digest(key or ""), revoked_at__isnull=True).first()


class ApiKey(models.Model):
    name = models.CharField(
        _("name"), max_length=120, help_text=_("Who uses the key, e.g. LAPOR! or an agency's back office.")
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, name: str) -> tuple["ApiKey", str]:
        """A new key; the plain key is returned once and never stored."""
        key = secrets.token_urlsafe(24)
        return cls.objects.create(name=name, digest=_digest(key), prefix=key[:8]), key
