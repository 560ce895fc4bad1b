"""The grant after the decision: its money, its changes, its proof of use and its claims."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from applications.models import DeliveredLetter, EventKind


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
    PROOF_IN_REVIEW = "proof_in_review", _("proof of use being checked")
    RECLAIM = "reclaim", _("money being reclaimed")
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
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    retain_until = models.DateField(
        _("keep the file until"),
        null=True,
        blank=True,
        help_text=_("Receipts and the file are kept this long after the proof of use was checked, then deleted."),
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
    final = models.BooleanField(
        _("final payment"),
        default=False,
        help_text=_("The rest of the grant, paid after the check of the proof of use."),
    )
    # The organisation's account on the day of release, as the payment order carries it.
    payee_holder = models.CharField(_("account holder"), max_length=70, blank=True)
    payee_iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    payee_bic = models.CharField(_("BIC"), max_length=11, blank=True)

    class Meta:
        ordering = ["grant", "number"]
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="one_payment_request_per_number"),
            models.UniqueConstraint(fields=["grant"], condition=Q(final=True), name="one_final_payment_per_grant"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | ~Q(released_by=models.F("certified_by")),
                name="payment_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | Q(certified_by__isnull=False),
                name="payment_certified_before_release",
            ),
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | ~Q(payee_iban=""), name="payment_released_to_an_account"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="payment_request_status")]

    def __str__(self):
        return f"{self.grant.application} #{self.number}: {self.amount} EUR"

    @property
    def end_to_end_id(self) -> str:
        """The reference on the organisation's bank statement and in the finance office's files."""
        return f"{self.grant.application.reference}-{self.number}"


class ProofKind(models.TextChoices):
    INTERIM = "interim", _("interim proof of use (Zwischennachweis)")
    FINAL = "final", _("proof of use (Verwendungsnachweis)")


class ProofStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ITEMS_REQUESTED = "items_requested", _("missing items requested")
    CHECKED = "checked", _("checked")


class ProofOfUse(models.Model):
    """Verwendungsnachweis (or Zwischennachweis): the narrative report, the actual figures per plan line and the
    receipt list, signed by a representative (ANBest-P Nr. 6)."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="proofs")
    kind = models.CharField(_("kind"), max_length=20, choices=ProofKind.choices, default=ProofKind.FINAL)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=ProofStatus.choices, default=ProofStatus.DRAFT)
    report = models.TextField(_("narrative report (Sachbericht)"), blank=True)
    purpose_achieved = models.BooleanField(_("the purpose of the grant was achieved"), null=True)
    actual_own_funds = models.DecimalField(
        _("own funds actually used (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    actual_third_party_funds = models.DecimalField(
        _("third-party funds actually received (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    spending_note = models.TextField(
        _("when the payments were spent"),
        blank=True,
        help_text=_("Where money was spent later than the payment period allowed, say when."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The clerk's review of an interim proof (Zwischennachweis); the final proof has its checks (ProofCheck).
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_memo = models.TextField(_("review memo"), blank=True)

    class Meta:
        ordering = ["grant", "due_on"]
        verbose_name = _("proof of use")
        verbose_name_plural = _("proofs of use")
        constraints = [
            models.UniqueConstraint(fields=["grant"], condition=Q(kind="final"), name="one_final_proof_per_grant"),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="proof_status_due")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.grant.application}"


class ProofLine(models.Model):
    """The actual costs of one line of the approved plan."""

    proof = models.ForeignKey(ProofOfUse, on_delete=models.CASCADE, related_name="lines")
    plan_line = models.ForeignKey(PlanLine, on_delete=models.PROTECT, related_name="+")
    actual = models.DecimalField(_("actual costs (EUR)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["proof", "plan_line__position"]
        verbose_name = _("actual cost line")
        verbose_name_plural = _("actual cost lines")
        constraints = [
            models.UniqueConstraint(fields=["proof", "plan_line"], name="one_actual_per_plan_line"),
            models.CheckConstraint(condition=Q(actual__gte=0), name="actual_not_negative"),
        ]


def receipt_upload_to(instance, filename):
    return f"receipts/{instance.proof.grant_id}/{uuid.uuid4().hex}"


class Receipt(models.Model):
    """One receipt of the receipt list (Belegliste): date, payee, purpose, amount and the plan line it belongs to."""

    proof = models.ForeignKey(ProofOfUse, on_delete=models.CASCADE, related_name="receipts")
    position = models.PositiveIntegerField(_("no."))
    date = models.DateField(_("date"))
    payee = models.CharField(_("payee"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=300)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    plan_line = models.ForeignKey(PlanLine, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("receipt"), upload_to=receipt_upload_to, blank=True)
    in_sample = models.BooleanField(_("in the sample"), default=False)
    sample_finding = models.TextField(_("finding of the check"), blank=True)

    class Meta:
        ordering = ["proof", "position"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["proof", "position"], name="one_receipt_per_position"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
        ]


class CheckResult(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    STILL_PAYABLE = "still_payable", _("confirmed; the rest of the grant is still to be paid")
    TO_RECLAIM = "to_reclaim", _("money to reclaim")


class CheckStatus(models.TextChoices):
    PROPOSED = "proposed", _("waiting for approval")
    APPROVED = "approved", _("approved")
    SENT_BACK = "sent_back", _("sent back")


# The clerk's checklist of the proof of use (VV Nr. 11 zu § 44 LHO).
PROOF_CHECKS = [
    ("check_in_time", _("The proof of use came in on time or the delay is explained.")),
    ("check_report", _("The narrative report shows what was done and whether the purpose was achieved.")),
    ("check_figures", _("The actual figures match the receipt list and the payments.")),
    ("check_sample", _("The receipts of the sample were checked and match the list.")),
    ("check_plan", _("Deviations from the approved plan are within what ANBest-P Nr. 1.2 and approved changes allow.")),
    ("check_funds", _("Own and third-party funds were used as planned; any extra income is counted.")),
]


class ProofCheck(models.Model):
    """Prüfung des Verwendungsnachweises: the clerk's checklist, memo, receipt sample and the recalculated grant; a
    second person approves the result (four eyes)."""

    proof = models.ForeignKey(ProofOfUse, on_delete=models.PROTECT, related_name="checks")
    version = models.PositiveIntegerField(_("version"), default=1)
    check_in_time = models.BooleanField(PROOF_CHECKS[0][1], default=False)
    check_report = models.BooleanField(PROOF_CHECKS[1][1], default=False)
    check_figures = models.BooleanField(PROOF_CHECKS[2][1], default=False)
    check_sample = models.BooleanField(PROOF_CHECKS[3][1], default=False)
    check_plan = models.BooleanField(PROOF_CHECKS[4][1], default=False)
    check_funds = models.BooleanField(PROOF_CHECKS[5][1], default=False)
    memo = models.TextField(_("check memo (Prüfvermerk)"))
    sample_seed = models.CharField(_("sample seed"), max_length=100, blank=True)
    sample_note = models.TextField(_("how the sample was drawn"), blank=True)
    recalculated_grant = models.DecimalField(_("grant on the actual figures (EUR)"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("paid out (EUR)"), max_digits=12, decimal_places=2)
    balance = models.DecimalField(
        _("balance (EUR)"), max_digits=12, decimal_places=2, help_text=_("Negative: to reclaim.")
    )
    late_use_interest = models.DecimalField(
        _("interest on money used late (EUR)"), max_digits=12, decimal_places=2, default=0
    )
    result = models.CharField(_("result"), max_length=20, choices=CheckResult.choices)
    explanation = models.TextField(_("how the grant was recalculated"))
    status = models.CharField(_("status"), max_length=20, choices=CheckStatus.choices, default=CheckStatus.PROPOSED)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approver_comment = models.TextField(_("comment of the approver"), blank=True)

    class Meta:
        ordering = ["proof", "-version"]
        verbose_name = _("check of a proof of use")
        verbose_name_plural = _("checks of proofs of use")
        constraints = [
            models.UniqueConstraint(fields=["proof", "version"], name="one_check_per_version"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("checked_by")),
                name="proof_check_four_eyes",
            ),
        ]

    @property
    def reclaim(self) -> Decimal:
        return -self.balance if self.balance < 0 else Decimal("0.00")


class ClaimStatus(models.TextChoices):
    HEARING = "hearing", _("hearing: waiting for the organisation's answer")
    TO_DECIDE = "to_decide", _("to decide")
    PROPOSED = "proposed", _("revocation waiting for approval")
    DECIDED = "decided", _("revoked: repayment due")
    SETTLED = "settled", _("repaid")
    DROPPED = "dropped", _("not pursued")


class RevocationScope(models.TextChoices):
    PARTIAL = "partial", _("partial revocation")
    FULL = "full", _("full revocation")


class RevocationGround(models.TextChoices):
    """The legal ground of the revocation (§§ 48, 49 VwVfG)."""

    NOT_USED = "not_used", _("money not used or not used for the purpose (§ 49(3) sentence 1 no. 1 VwVfG)")
    CONDITION = "condition", _("a condition was not met, e.g. proof of use late or missing (§ 49(3) no. 2)")
    RECALCULATION = "recalculation", _("the grant is lower on the actual figures (ANBest-P Nr. 2, § 49(3) no. 1)")
    UNLAWFUL = "unlawful", _("the grant was unlawful from the start (§ 48 VwVfG)")


class Claim(models.Model):
    """Rückforderung: the hearing (§ 28 VwVfG), the revocation (§§ 48/49 VwVfG, four eyes) and the repayment
    claim with interest (§ 49a VwVfG) until it is settled."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="claims")
    proof_check = models.ForeignKey(ProofCheck, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.HEARING)
    amount = models.DecimalField(_("amount to reclaim (EUR)"), max_digits=12, decimal_places=2)
    known_on = models.DateField(
        _("facts known since"),
        help_text=_("Revocation is only possible within one year from this day (§ 48(4), § 49(3) sentence 2 VwVfG)."),
    )
    hearing_text = models.TextField(_("what the office intends, and why (for the hearing)"))
    hearing_deadline = models.DateField(_("answer by"))
    hearing_sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    hearing_sent_at = models.DateTimeField(_("hearing sent at"), default=timezone.now)
    answer = models.TextField(_("the organisation's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    scope = models.CharField(_("revocation"), max_length=20, choices=RevocationScope.choices, blank=True)
    ground = models.CharField(_("legal ground"), max_length=20, choices=RevocationGround.choices, blank=True)
    revoked_amount = models.DecimalField(
        _("grant revoked (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reasons = models.TextField(_("reasons (facts and the answer to the hearing)"), blank=True)
    weighing = models.TextField(_("weighing of discretion (Ermessen)"), blank=True)
    effective_on = models.DateField(
        _("revoked with effect from"),
        null=True,
        blank=True,
        help_text=_("Interest runs from here (§ 49a(3) VwVfG): usually the day of the payment revoked."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    repay_by = models.DateField(_("repay by"), null=True, blank=True)
    late_use_interest = models.DecimalField(
        _("interest claimed for money used late (§ 49a(4) VwVfG, EUR)"), max_digits=12, decimal_places=2, default=0
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    class Meta:
        ordering = ["grant", "hearing_sent_at"]
        verbose_name = _("repayment claim")
        verbose_name_plural = _("repayment claims")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_amount_positive"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="claim_four_eyes",
            ),
        ]

    @property
    def hearing_letter(self):
        """The hearing letter issued with this claim (the first of the grant's hearing letters since the hearing was
        sent; a grant has one claim open at a time)."""
        letters = self.grant.letters.filter(kind=GrantLetterKind.HEARING, created__gte=self.hearing_sent_at)
        return letters.order_by("created").first()

    @cached_property
    def answer_until(self):
        """The last day to answer the hearing, from the letter's delivery; None while it is not delivered."""
        from grants.claims import hearing_answer_until

        return hearing_answer_until(self)

    @property
    def revocation_deadline(self):
        """The last day of the one-year period from knowledge of the facts."""
        from grants.finality import add_months

        return add_months(self.known_on, 12)


class Repayment(models.Model):
    """Money the organisation paid back on a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="repayments")
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["claim", "received_on"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive")]


class GrantLetterKind(models.TextChoices):
    AMENDMENT = "amendment", _("amendment decision (Änderungsbescheid)")
    HEARING = "hearing", _("hearing (Anhörung)")
    REVOCATION = "revocation", _("revocation and repayment decision (Widerrufs- und Erstattungsbescheid)")
    CLOSING = "closing", _("closing notice (Abschlussmitteilung)")


def grant_letter_upload_to(instance, filename):
    return f"letters/{instance.grant.application_id}/{filename}"


class GrantLetter(DeliveredLetter):
    """A letter after the decision: one per kind and number (an amendment, a hearing, a revocation, the closing
    notice), rendered once from the figures fixed in `context`, and delivered like the decision letter (see
    `DeliveredLetter`): provided for retrieval once rendered, or posted by the office."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=20, choices=GrantLetterKind.choices)
    number = models.PositiveIntegerField(_("number"), default=1)
    context = models.JSONField(_("content"), default=dict)
    file = models.FileField(_("file"), upload_to=grant_letter_upload_to, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    application_path = "grant__application"
    delivered_event = EventKind.GRANT_LETTER_DELIVERED
    to_post_event = EventKind.GRANT_LETTER_TO_POST
    posted_event = EventKind.GRANT_LETTER_POSTED
    message_key = "grant-letter"
    ready = Q(rendered_at__isnull=False)

    class Meta:
        ordering = ["grant", "created"]
        verbose_name = _("letter after the decision")
        verbose_name_plural = _("letters after the decision")
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind", "number"], name="one_grant_letter_per_number"),
        ]
        indexes = [
            models.Index(
                fields=["provided_at"],
                condition=Q(delivered_at__isnull=True, provision_ended_at__isnull=True, provided_at__isnull=False),
                name="grant_letter_provision_running",
            ),
            models.Index(
                fields=["created"],
                condition=Q(delivered_at__isnull=True, posted_on__isnull=True),
                name="grant_letter_undelivered",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}: {self.grant.application}"

    @property
    def application(self):
        return self.grant.application

    @property
    def delivery_name(self) -> str:
        name = str(self.get_kind_display())
        return f"{name} ({self.number})" if self.number > 1 else name

    @property
    def is_ready(self) -> bool:
        return self.rendered_at is not None


class ChangeKind(models.TextChoices):
    COSTS = "costs", _("costs shifted between plan lines")
    PERIOD = "period", _("the project takes longer (period extended)")
    PARTNER = "partner", _("a partner dropped out")
    OTHER = "other", _("the purpose or something else changes")
    APPEAL = "appeal", _("an appeal was upheld: the decision is changed (Abhilfe)")


class ChangeStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    NOTED = "noted", _("noted (within what the plan allows)")
    PROPOSED = "proposed", _("amendment proposed, waiting for approval")
    AMENDED = "amended", _("amended")
    REFUSED = "refused", _("refused")


class ChangeReport(models.Model):
    """Änderungsmitteilung (ANBest-P Nr. 5): the organisation reports a change in costs, period, partners or
    purpose, with reasons. Within the tolerance of ANBest-P Nr. 1.2 the office notes it; beyond it a clerk proposes
    an amendment decision (Änderungsbescheid) with a new plan version and a second person approves it."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="change_reports")
    kind = models.CharField(_("what changes"), max_length=20, choices=ChangeKind.choices)
    description = models.TextField(_("what changes, and why"))
    new_period_end = models.DateField(_("new end of the approval period"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.REPORTED)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    proposed_amount = models.DecimalField(
        _("proposed grant (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note from the office"), blank=True)
    appeal = models.OneToOneField(
        Appeal, on_delete=models.PROTECT, related_name="change_report", null=True, blank=True,
        verbose_name=_("upheld appeal"),
    )  # fmt: skip
    plan_version = models.OneToOneField(
        PlanVersion, on_delete=models.PROTECT, related_name="change_report", null=True, blank=True
    )

    class Meta:
        ordering = ["grant", "reported_at"]
        verbose_name = _("change report")
        verbose_name_plural = _("change reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="change_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | Q(proposed_by__isnull=False),
                name="change_proposed_before_approval",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="change_report_status")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.grant.application}"


class ChangeLine(models.Model):
    """The new amount the organisation reports for one line of the current plan."""

    report = models.ForeignKey(ChangeReport, on_delete=models.CASCADE, related_name="lines")
    plan_line = models.ForeignKey(PlanLine, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("new amount (EUR)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["report", "plan_line__position"]
        verbose_name = _("changed plan line")
        verbose_name_plural = _("changed plan lines")
        constraints = [
            models.UniqueConstraint(fields=["report", "plan_line"], name="one_change_per_plan_line"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="change_line_not_negative"),
        ]
