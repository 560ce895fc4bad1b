from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data and the large-data generator: tools that use the domain, never used by it."""

    name = "demo"
    verbose_name = _("Demo and generated data")
