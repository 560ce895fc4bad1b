from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from applications.models import Application, EarlyStartRequest
from grants.models import ChangeReport, Grant, PaymentRequest, ProofOfUse


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


class GrantProcess(ScopeKeys, Process):
    """The life of one grant after the decision."""

    grant = models.OneToOneField(Grant, on_delete=models.PROTECT, related_name="process", verbose_name=_("grant"))

    class Meta:
        verbose_name = _("grant process")
        verbose_name_plural = _("grant processes")

    @property
    def application(self):
        return self.grant.application


class PaymentProcess(ScopeKeys, Process):
    """The office's handling of one payment request: certified, released, or refused."""

    payment = models.OneToOneField(
        PaymentRequest, on_delete=models.PROTECT, related_name="process", verbose_name=_("payment request")
    )

    class Meta:
        verbose_name = _("payment procedure")
        verbose_name_plural = _("payment procedures")

    @property
    def application(self):
        return self.payment.grant.application


class ChangeProcess(ScopeKeys, Process):
    """The office's handling of one reported change: noted, amended (four eyes) or refused."""

    report = models.OneToOneField(
        ChangeReport, on_delete=models.PROTECT, related_name="process", verbose_name=_("change report")
    )

    class Meta:
        verbose_name = _("change procedure")
        verbose_name_plural = _("change procedures")

    @property
    def application(self):
        return self.report.grant.application


class InterimProofProcess(ScopeKeys, Process):
    """The office's review of one interim proof of use (Zwischennachweis)."""

    proof = models.OneToOneField(
        ProofOfUse, on_delete=models.PROTECT, related_name="process", verbose_name=_("interim proof of use")
    )

    class Meta:
        verbose_name = _("interim proof review")
        verbose_name_plural = _("interim proof reviews")

    @property
    def application(self):
        return self.proof.grant.application


# The processes whose tasks staff work on, each with the path from it to the application it is about.
STAFF_PROCESSES = (
    (FundingProcess, "application"),
    (EarlyStartProcess, "request__application"),
    (PaymentProcess, "payment__grant__application"),
    (GrantProcess, "grant__application"),
    (ChangeProcess, "report__grant__application"),
    (InterimProofProcess, "proof__grant__application"),
)


def applications_by_process(process_ids, related=(), kinds=None) -> dict:
    """The application each process is about, by process id: one query per process kind (of `kinds`, the process
    classes present, when the caller knows them)."""
    applications = {}
    for model, path in STAFF_PROCESSES:
        if kinds is not None and model not in kinds:
            continue
        select = [f"{path}__{name}" for name in related] or [path]
        for process in model.objects.filter(pk__in=process_ids).select_related(*select):
            target = process
            for part in path.split("__"):
                target = getattr(target, part)
            applications[process.pk] = target
    return applications


def on_staff_process(**lookups) -> models.Q:
    """Tasks whose process (of any staff kind) matches `lookups` on its scope keys (call, programme, organisation)."""
    condition = models.Q(pk__in=[])
    for model, _path in STAFF_PROCESSES:
        condition |= models.Q(process_id__in=model.objects.filter(**lookups).values("pk"))
    return condition
