from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """Holds the permission to see the process dashboard and its exports; it has no table of its own."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("Can see the process dashboard and export the transparency list"))]
        verbose_name = _("process dashboard")
