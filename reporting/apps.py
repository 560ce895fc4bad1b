from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from applications.roles import ensure_staff_groups

        # The staff groups get this app's permissions too; they exist only once this app's own post_migrate
        # has created them, whatever the order of INSTALLED_APPS.
        post_migrate.connect(ensure_staff_groups, sender=self)
