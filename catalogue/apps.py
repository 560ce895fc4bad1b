from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue of support")

    def ready(self):
        from applications.roles import ensure_staff_groups

        # The catalogue's permissions exist only once its own migrations ran, after the applications app's.
        post_migrate.connect(ensure_staff_groups, sender=self)
