from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from applications.models import Application


class FundingProcess(Process):
    """One run of the funding procedure for one application."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="process", verbose_name=_("application")
    )

    class Meta:
        verbose_name = _("funding process")
        verbose_name_plural = _("funding processes")
