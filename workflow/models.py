from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from applications.models import Application, EarlyStartRequest


class ScopeKeys(models.Model):
    """The application's call, programme and organisation, copied onto its process when the process starts
    (they never change after submission), so that the staff work lists filter tasks by them through one indexed
    lookup instead of joining every task through its application."""

    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="+", null=True)
    programme = models.ForeignKey("applications.Programme", on_delete=models.PROTECT, related_name="+", null=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        abstract = True

    def copy_scope_keys(self, application) -> None:
        self.call_id = application.call_id
        self.programme_id = application.call.programme_id
        self.organisation_id = application.organisation_id


class FundingProcess(ScopeKeys, Process):
    """One run of the funding procedure for one application."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="process", verbose_name=_("application")
    )

    class Meta:
        verbose_name = _("funding process")
        verbose_name_plural = _("funding processes")


class EarlyStartProcess(ScopeKeys, Process):
    """The office's decision on one request for an early start."""

    request = models.OneToOneField(
        EarlyStartRequest, on_delete=models.PROTECT, related_name="process", verbose_name=_("early start request")
    )

    class Meta:
        verbose_name = _("early start procedure")
        verbose_name_plural = _("early start procedures")
