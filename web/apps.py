from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The HTTP faces of the domain: the public API, the staff API, the pages and the tiles."""

    name = "web"
    verbose_name = _("Web")
