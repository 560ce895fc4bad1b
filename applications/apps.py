from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Funding applications")

    def ready(self):
        from applications.roles import ensure_staff_groups

        post_migrate.connect(ensure_staff_groups, sender=self)
