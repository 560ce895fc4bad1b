"""The grant after the decision: its money, its changes, its proof of use and its claims."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseRate(models.Model):
    """The base rate (Basiszinssatz, § 247 BGB) from a day on, as the Bundesbank publishes it each 1 January and
    1 July. Interest on repayment claims is this rate plus five points (§ 49a(3) VwVfG); administrators add each new
    rate here."""

    valid_from = models.DateField(_("valid from"), unique=True)
    rate = models.DecimalField(
        _("base rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(-10), MaxValueValidator(20)],
    )

    class Meta:
        verbose_name = _("base rate")
        verbose_name_plural = _("base rates")
        ordering = ["valid_from"]

    def __str__(self):
        return f"{self.valid_from:%d.%m.%Y}: {self.rate} %"


class GrantStatus(models.TextChoices):
    AWAITING_FINALITY = "awaiting_finality", _("waiting for the decision to become final")
    RUNNING = "running", _("running")
    APPEALED = "appealed", _("appeal pending")
    CLOSED = "closed", _("closed")


class Grant(models.Model):
    """Zuwendung: what an approved decision grants, and its life until it is closed.

    Opened once per application when its approval letter is issued. It keeps the approved amount, the financing
    method and its terms, the approval period and the approved plan (version 1), so that later changes to the
    programme or the application never change what was granted.
    """

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="grant", verbose_name=_("application")
    )
    decision = models.OneToOneField(
        "applications.Decision", on_delete=models.PROTECT, related_name="grant", verbose_name=_("decision")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="grants", verbose_name=_("organisation")
    )
    programme = models.ForeignKey(
        "applications.Programme", on_delete=models.PROTECT, related_name="grants", verbose_name=_("programme")
    )
    amount = models.DecimalField(_("grant (EUR)"), max_digits=12, decimal_places=2)
    financing_method = models.CharField(_("financing method"), max_length=20)
    share_percent = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_amount = models.DecimalField(_("fixed amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    eligible_costs = models.DecimalField(_("eligible costs (EUR)"), max_digits=12, decimal_places=2)
    own_funds = models.DecimalField(_("own funds (EUR)"), max_digits=12, decimal_places=2, default=0)
    third_party_funds = models.DecimalField(_("third-party funds (EUR)"), max_digits=12, decimal_places=2, default=0)
    period_start = models.DateField(_("approval period from"))
    period_end = models.DateField(_("approval period until"))
    payment_period_weeks = models.PositiveSmallIntegerField(
        _("needs within (weeks)"), null=True, blank=True, help_text=_("ANBest-P Nr. 1.4, when set in weeks.")
    )
    payment_period_months = models.PositiveSmallIntegerField(
        _("needs within (months)"), null=True, blank=True, help_text=_("ANBest-P Nr. 1.4, when set in months.")
    )
    waiver_allowed = models.BooleanField(_("the organisation may waive the appeal"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GrantStatus.choices, default=GrantStatus.AWAITING_FINALITY
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    final_on = models.DateField(
        _("final (bestandskräftig) from"),
        null=True,
        blank=True,
        help_text=_("The day after the appeal period ended, or the day the appeal was waived."),
    )
    waived_at = models.DateTimeField(_("appeal waived at"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        permissions = [
            ("certify_payment", _("Can certify payments as factually correct (sachlich richtig)")),
            ("release_payment", _("Can certify payments as arithmetically correct and release them")),
            ("record_appeal", _("Can record appeals against decisions")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="grant_period_order"),
        ]
        indexes = [models.Index(fields=["status", "programme"], name="grant_status_programme")]

    def __str__(self):
        return f"{self.application}: {self.amount} EUR"

    @property
    def payments_paused(self) -> bool:
        return self.status == GrantStatus.APPEALED


class PlanVersion(models.Model):
    """One version of the approved cost and financing plan: version 1 at approval, later ones by amendment."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveIntegerField(_("version"))
    eligible_costs = models.DecimalField(_("eligible costs (EUR)"), max_digits=12, decimal_places=2)
    own_funds = models.DecimalField(_("own funds (EUR)"), max_digits=12, decimal_places=2)
    third_party_funds = models.DecimalField(_("third-party funds (EUR)"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("grant (EUR)"), max_digits=12, decimal_places=2)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    note = models.TextField(_("why this version"), blank=True)

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [models.UniqueConstraint(fields=["grant", "number"], name="one_plan_per_version")]

    def __str__(self):
        return f"{self.grant} v{self.number}"


class PlanLine(models.Model):
    """One cost line of an approved plan version."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("line"))
    category = models.CharField(_("category"), max_length=20)
    description = models.CharField(_("what for"), max_length=200)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="one_plan_line_per_position")]

    def __str__(self):
        return f"{self.position}. {self.description}"


class AppealKind(models.TextChoices):
    OBJECTION = "objection", _("objection (Widerspruch)")
    ACTION = "action", _("action at the court (Klage)")


class AppealOutcome(models.TextChoices):
    PENDING = "pending", _("pending")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DISMISSED = "dismissed", _("dismissed")
    UPHELD = "upheld", _("upheld (the decision must be changed)")


class Appeal(models.Model):
    """A legal remedy lodged against the decision; while it is pending, no payment is released."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(_("remedy"), max_length=20, choices=AppealKind.choices)
    lodged_on = models.DateField(_("lodged on"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=AppealOutcome.choices, default="pending")
    decided_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["grant", "lodged_on"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["grant"], condition=Q(outcome="pending"), name="one_pending_appeal_per_grant"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.lodged_on:%d.%m.%Y})"


class PaymentStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    CERTIFIED = "certified", _("factually certified")
    RELEASED = "released", _("released for payment")
    PAID = "paid", _("paid")
    REFUSED = "refused", _("refused")


# Requests that still claim a part of the grant (all but refused ones).
CLAIMING_PAYMENT_STATUSES = (
    PaymentStatus.REQUESTED,
    PaymentStatus.CERTIFIED,
    PaymentStatus.RELEASED,
    PaymentStatus.PAID,
)


class PaymentRequest(models.Model):
    """Mittelabruf: the organisation asks for part of the grant for needs soon due (ANBest-P Nr. 1.4).

    One person certifies it as factually correct (sachlich richtig), a second one as arithmetically correct
    (rechnerisch richtig) and releases it; the database refuses the same person in both roles.
    """

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="payment_requests")
    number = models.PositiveIntegerField(_("number"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    purpose = models.TextField(_("what the money is for"))
    needed_on = models.DateField(_("needed on"))
    status = models.CharField(_("status"), max_length=20, choices=PaymentStatus.choices, default="requested")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    certified_at = models.DateTimeField(_("factually certified at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    note = models.TextField(_("note from the office"), blank=True)

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="one_payment_request_per_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | ~Q(released_by=models.F("certified_by")),
                name="payment_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | Q(certified_by__isnull=False),
                name="payment_certified_before_release",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="payment_request_status")]

    def __str__(self):
        return f"{self.grant.application} #{self.number}: {self.amount} EUR"
