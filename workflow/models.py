from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from applications.models import Application, EarlyStartRequest


class FundingProcess(Process):
    """One run of the funding procedure for one application."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="process", verbose_name=_("application")
    )

    class Meta:
        verbose_name = _("funding process")
        verbose_name_plural = _("funding processes")


class EarlyStartProcess(Process):
    """The office's decision on one request for an early start."""

    request = models.OneToOneField(
        EarlyStartRequest, on_delete=models.PROTECT, related_name="process", verbose_name=_("early start request")
    )

    class Meta:
        verbose_name = _("early start procedure")
        verbose_name_plural = _("early start procedures")
