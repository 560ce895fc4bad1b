from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation


class FinancingMethod(models.TextChoices):
    """Finanzierungsart: how the grant amount follows from costs and other funds."""

    PARTIAL = "anteil", _("share of eligible costs (Anteilfinanzierung)")
    DEFICIT = "fehlbedarf", _("shortfall financing (Fehlbedarfsfinanzierung)")
    FIXED = "festbetrag", _("fixed amount (Festbetragsfinanzierung)")
    FULL = "voll", _("full financing (Vollfinanzierung)")


class Programme(models.Model):
    """A funding programme of the office; title, description and eligibility text are translatable."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    who_may_apply = models.TextField(_("who may apply"))
    financing_method = models.CharField(_("financing method"), max_length=20, choices=FinancingMethod.choices)
    min_amount = models.DecimalField(
        _("minimum grant (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    max_amount = models.DecimalField(
        _("maximum grant (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    informal_initiatives_may_apply = models.BooleanField(_("informal initiatives may apply"), default=True)
    legal_remedy = models.TextField(
        _("instructions on legal remedies (Rechtsbehelfsbelehrung)"),
        help_text=_("Printed on every decision letter of this programme. German, legally binding."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(condition=Q(max_amount__gte=models.F("min_amount")), name="programme_min_le_max")
        ]

    def __str__(self):
        return self.title


class Call(models.Model):
    """A call for applications (Förderaufruf) within a programme, open between two moments in Europe/Berlin."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    budget = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["closes_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="call_opens_before_closing")
        ]

    def __str__(self):
        return f"{self.programme} – {self.title}"

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted, being checked")
    DECISION_PROPOSED = "proposed", _("decision being approved")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class Application(models.Model):
    """Antrag: an organisation's application for a grant under one call."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    requested_amount = models.DecimalField(
        _("requested grant (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    period_start = models.DateField(_("project start"), null=True, blank=True)
    period_end = models.DateField(_("project end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        permissions = [
            ("check_application", _("Can check applications and propose decisions")),
            ("review_application", _("Can review applications")),
            ("approve_decision", _("Can approve decisions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="application_period_ordered",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def reference(self) -> str:
        """The file number (Aktenzeichen) shown on letters and pages."""
        year = (self.submitted_at or self.created or timezone.now()).year
        return f"TH-{year}-{self.pk:05d}"

    @property
    def current_decision(self):
        return self.decisions.order_by("-version").first()


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("approve the grant")
    REJECT = "reject", _("reject the application")


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    SENT_BACK = "sent_back", _("sent back to the proposer")


class Decision(models.Model):
    """A decision proposal and its approval by a second person (four eyes); a new version after each send-back."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="decisions")
    version = models.PositiveIntegerField(_("version"))
    outcome = models.CharField(_("proposal"), max_length=20, choices=DecisionOutcome.choices)
    amount = models.DecimalField(
        _("granted amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reasons = models.TextField(_("reasons"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approver_comment = models.TextField(_("comment of the approver"), blank=True)

    class Meta:
        ordering = ["application", "-version"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(fields=["application", "version"], name="one_decision_per_version"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="decision_four_eyes",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="approve") | Q(amount__isnull=False), name="approval_has_amount"
            ),
        ]

    def __str__(self):
        return f"{self.application} v{self.version}: {self.get_outcome_display()}"


def letter_upload_to(instance, filename):
    return f"letters/{instance.decision.application_id}/{filename}"


class DecisionLetter(models.Model):
    """Bescheid: the PDF for exactly one decision version; its first download is the delivery receipt."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="letter")
    file = models.FileField(_("file"), upload_to=letter_upload_to)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    first_downloaded_at = models.DateTimeField(_("first downloaded at"), null=True, blank=True)
    first_downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")

    def __str__(self):
        return f"{self.decision}"
