from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from organisations.middleware import note_login

        user_logged_in.connect(note_login, dispatch_uid="organisations.note_login")
