import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.deadlines import day_ends_at
from organisations.models import Organisation, Topic


class FinancingMethod(models.TextChoices):
    """Finanzierungsart: how the grant amount follows from costs and other funds."""

    PARTIAL = "anteil", _("share of eligible costs (Anteilfinanzierung)")
    DEFICIT = "fehlbedarf", _("shortfall financing (Fehlbedarfsfinanzierung)")
    FIXED = "festbetrag", _("fixed amount (Festbetragsfinanzierung)")
    FULL = "voll", _("full financing (Vollfinanzierung)")


class SeatScope(models.TextChoices):
    EITHER = "either", _("Bremen and Bremerhaven")
    BREMEN = "bremen", _("the city of Bremen only")
    BREMERHAVEN = "bremerhaven", _("Bremerhaven only")


class DocumentKind(models.TextChoices):
    STATUTES = "statutes", _("statutes")
    TAX_EXEMPTION = "tax_exemption", _("tax exemption notice")
    PROJECT_DESCRIPTION = "project_description", _("project description")
    POLICE_CERTIFICATE = "police_certificate", _("extended police certificate")
    OTHER = "other", _("other document")


class RemedyKind(models.TextChoices):
    """Which legal remedy lies against the authority's decisions (§ 68(1) sentence 2 no. 1 VwGO, AGVwGO Bremen)."""

    ACTION = "action", _("action at the administrative court (Klage)")
    OBJECTION = "objection", _("objection to an authority (Widerspruch)")


class PaymentPeriod(models.TextChoices):
    """How far ahead a grant may be requested (ANBest-P Nr. 1.4): six weeks federally, two months in several states."""

    SIX_WEEKS = "six_weeks", _("six weeks")
    TWO_MONTHS = "two_months", _("two months")


def authority_logo_upload_to(instance, filename):
    return f"authorities/{uuid.uuid4().hex}"


class Authority(models.Model):
    """Bewilligungsbehörde: the authority that issues decision letters.

    Its legal remedy, letterhead, contact block and payment rule are printed on every letter of its programmes, so
    they are set once per authority, not per programme.
    """

    name = models.CharField(_("name"), max_length=200, help_text=_("As printed on letters, in German."))
    unit = models.CharField(_("department"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("town"), max_length=100)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    website = models.URLField(_("website"), blank=True)
    letterhead = models.TextField(
        _("letterhead"), blank=True, help_text=_("Lines printed above the sender, e.g. 'Freie Hansestadt Bremen'.")
    )
    logo = models.FileField(
        _("logo"),
        upload_to=authority_logo_upload_to,
        blank=True,
        help_text=_("Optional. A PNG or JPEG image printed in the letterhead."),
    )
    remedy_kind = models.CharField(
        _("legal remedy against its decisions"),
        max_length=20,
        choices=RemedyKind.choices,
        default=RemedyKind.ACTION,
        help_text=_(
            "Against decisions of a supreme state authority (a Senator) there is no objection procedure unless a law "
            "prescribes one (§ 68(1) VwGO, AGVwGO Bremen): choose the action. See docs/legal-basis.md."
        ),
    )
    remedy_body = models.CharField(
        _("court or authority that receives the remedy"),
        max_length=200,
        help_text=_("For example: Verwaltungsgericht der Freien Hansestadt Bremen."),
    )
    remedy_address = models.CharField(
        _("its address"), max_length=300, help_text=_("Street, postcode and town, on one line.")
    )
    payment_period = models.CharField(
        _("payments may be requested for needs within"),
        max_length=20,
        choices=PaymentPeriod.choices,
        default=PaymentPeriod.SIX_WEEKS,
        help_text=_("The period of ANBest-P Nr. 1.4 as the authority's ANBest-P set it."),
    )
    # The account grants are paid from: the debtor in the payment files for the finance office.
    account_holder = models.CharField(
        _("account holder"),
        max_length=70,
        blank=True,
        help_text=_("As the bank has it, e.g. 'Landeshauptkasse Bremen'."),
    )
    iban = models.CharField(
        _("IBAN"), max_length=34, blank=True, help_text=_("The account payments are made from. Spaces are allowed.")
    )
    bic = models.CharField(
        _("BIC"), max_length=11, blank=True, help_text=_("Optional: taken from the IBAN where the bank is known.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("issuing authority")
        verbose_name_plural = _("issuing authorities")

    def __str__(self):
        return self.name

    def clean(self):
        from organisations.banking import bank_details

        if self.iban:
            details = bank_details(self.iban, self.bic)
            self.iban, self.bic = details.iban, details.bic
            if not self.account_holder:
                raise ValidationError({"account_holder": _("Enter the name of the account holder.")})
        elif self.bic or self.account_holder:
            raise ValidationError({"iban": _("Enter the IBAN of the account, or leave the bank details empty.")})

    def current_anbest(self, on=None):
        """The ANBest-P version in force on a day (today by default); None if the authority has none yet."""
        on = on or timezone.localdate()
        return self.anbest_versions.filter(version_date__lte=on).order_by("-version_date").first()


class AnbestVersion(models.Model):
    """ANBest-P: the general conditions for project grants in one version; annexed to every grant letter."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="anbest_versions")
    title = models.CharField(
        _("title"),
        max_length=300,
        default="Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P)",
    )
    version_date = models.DateField(_("version of (Fassung vom)"), help_text=_("Applies to letters from this day."))
    text = models.TextField(
        _("text"), help_text=_("German, as it is annexed to the letter. A blank line starts a new paragraph.")
    )

    class Meta:
        ordering = ["authority", "-version_date"]
        verbose_name = _("ANBest-P version")
        verbose_name_plural = _("ANBest-P versions")
        constraints = [models.UniqueConstraint(fields=["authority", "version_date"], name="one_anbest_version_per_day")]

    def __str__(self):
        return f"{self.title} ({self.version_date:%d.%m.%Y})"


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
    allowed_legal_forms = models.JSONField(
        _("legal forms that may apply"),
        default=list,
        blank=True,
        help_text=_("Leave empty to let every legal form apply, informal initiatives included."),
    )
    seat_scope = models.CharField(
        _("organisations from"), max_length=20, choices=SeatScope.choices, default=SeatScope.EITHER
    )
    own_share_percent = models.DecimalField(
        # xgettext:no-python-format
        _("required own share (% of total costs)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    share_percent = models.DecimalField(
        # xgettext:no-python-format
        _("grant as % of eligible costs"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text=_("Only for share financing (Anteilfinanzierung)."),
    )
    fixed_amount = models.DecimalField(
        _("fixed grant (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Only for fixed-amount financing (Festbetragsfinanzierung)."),
    )
    police_certificate_for_minors = models.BooleanField(
        _("projects with minors need an extended police certificate"), default=True
    )
    reviewers_required = models.PositiveSmallIntegerField(
        _("reviews per application"), choices=[(1, "1"), (2, "2")], default=1
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staffed_programmes",
        verbose_name=_("programme team"),
        help_text=_(
            "Staff who work on this programme. Staff in no programme team work on every programme; "
            "staff in one or more teams see only those programmes."
        ),
    )
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="programmes",
        verbose_name=_("topics"),
        help_text=_("The public catalogue lets people find the programme by these topics."),
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("issuing authority"),
        help_text=_("Issues the decision letters; its legal remedy and letterhead are printed on them."),
    )
    receipt_sample_percent = models.DecimalField(
        _("receipts checked at the proof of use (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_("The share of receipts drawn at random for the check (VV Nr. 11 zu § 44 LHO)."),
    )
    receipt_always_checked_from = models.DecimalField(
        _("receipts always checked from (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Receipts of this amount or more are always in the sample."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep receipts and the file for (years)"),
        default=5,
        help_text=_("Counted from the day the check of the proof of use was approved."),
    )
    guideline = models.CharField(
        _("funding guideline"),
        max_length=300,
        blank=True,
        help_text=_("Cited as legal basis in letters, in German, e.g. 'Richtlinie … vom 1. Januar 2026'."),
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

    def clean(self):
        from applications.assessment import method_needs

        missing = method_needs(self)
        if missing:
            raise ValidationError({missing: _("The financing method needs this value.")})


class Call(models.Model):
    """A call for applications (Förderaufruf) within a programme: open from `opens_at` until and including its
    `last_day` in Europe/Berlin ("bis einschließlich").

    `closes_at`, the first moment after the last day, is derived from `last_day` on every save, so that queries
    can keep comparing moments (`opens_at <= at < closes_at`).
    """

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    last_day = models.DateField(
        _("last day for applications"), help_text=_("Applications are accepted until the end of this day.")
    )
    closes_at = models.DateTimeField(_("closes at"), editable=False)
    budget = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2)
    project_period_start = models.DateField(_("funded projects may start on"), null=True, blank=True)
    project_period_end = models.DateField(_("funded projects must end by"), null=True, blank=True)

    class Meta:
        ordering = ["closes_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="call_opens_before_closing")
        ]

    def __str__(self):
        return f"{self.programme} – {self.title}"

    def save(self, *args, **kwargs):
        self.set_closes_at()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "last_day" in update_fields:
            kwargs["update_fields"] = {*update_fields, "closes_at"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.set_closes_at()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"last_day": _("The last day must not be before the call opens.")})
        if self.pk and self.budget is not None:
            committed = Decision.objects.filter(
                application__call=self, outcome=DecisionOutcome.APPROVE, status=DecisionStatus.APPROVED
            ).aggregate(total=models.Sum("amount"))["total"]
            if committed and self.budget < committed:
                raise ValidationError(
                    {
                        "budget": _("Grants of %(committed)s EUR are already approved; the budget cannot be lower.")
                        % {"committed": committed}
                    }
                )

    def set_closes_at(self) -> None:
        """The one place that derives the closing moment from the last day."""
        if self.last_day is not None:
            self.closes_at = day_ends_at(self.last_day)

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted, being checked")
    ITEMS_REQUESTED = "items_requested", _("missing items requested")
    IN_REVIEW = "in_review", _("in review")
    DECISION_PROPOSED = "proposed", _("decision being approved")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn by the organisation")
    CANCELLED = "cancelled", _("cancelled by the office")


OPEN_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ITEMS_REQUESTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.DECISION_PROPOSED,
)
EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.ITEMS_REQUESTED)


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
    aims = models.TextField(_("aims"), blank=True)
    target_group = models.TextField(_("target group"), blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    volunteers = models.PositiveIntegerField(_("number of volunteers"), null=True, blank=True)
    works_with_minors = models.BooleanField(_("the project works with children or young people"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    own_funds = models.DecimalField(
        _("own funds (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
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
    # Einwilligung (§ 41(2a) VwVfG): the decision may be delivered by retrieval in the portal; without it, by post.
    delivery_consent_at = models.DateTimeField(_("consent to electronic delivery given at"), null=True, blank=True)
    delivery_consent_by = models.ForeignKey(
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
            ("cancel_application", _("Can cancel the procedure of an application")),
            ("assign_reviewers", _("Can assign reviewers")),
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


class CostCategory(models.TextChoices):
    STAFF = "staff", _("staff and fees")
    MATERIAL = "material", _("material")
    RENT = "rent", _("rent")
    TRAVEL = "travel", _("travel")
    OTHER = "other", _("other costs")


class CostLine(models.Model):
    """A line of the cost plan (Kostenplan): quantity × unit price."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cost_lines")
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    description = models.CharField(_("what for"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit_price = models.DecimalField(
        _("unit price (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")

    def __str__(self):
        return self.description

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


class FundingStatus(models.TextChoices):
    APPLIED = "applied", _("applied for")
    GRANTED = "granted", _("granted")


class ThirdPartyFunding(models.Model):
    """Money from other funders in the financing plan (Finanzierungsplan), applied for or granted."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="third_party_funds")
    funder = models.CharField(_("funder"), max_length=200)
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    status = models.CharField(_("status"), max_length=10, choices=FundingStatus.choices, default=FundingStatus.APPLIED)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("third-party funding")
        verbose_name_plural = _("third-party funding")

    def __str__(self):
        return self.funder


class ChecklistItem(models.Model):
    """One point of the programme's completeness checklist for clerks."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("check"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.text


class ReviewCriterion(models.Model):
    """One criterion of the programme's scoring rubric, scored 0–5 and weighted."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")

    def __str__(self):
        return self.name


class RequiredDocument(models.Model):
    """A document a programme needs, for every legal form or for one."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="required_documents")
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    legal_form = models.CharField(
        _("only for legal form"), max_length=20, blank=True, help_text=_("Leave empty when every applicant needs it.")
    )

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind", "legal_form"], name="one_requirement_per_kind")
        ]

    def __str__(self):
        return self.get_kind_display()


class ApplicationVersion(models.Model):
    """What the organisation submitted, frozen at each (re)submission, so clerks see what changed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("content"))

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="one_version_number")]

    def __str__(self):
        return f"{self.application_id} v{self.number}"


class ItemsRequest(models.Model):
    """Nachforderung: the office asks for missing items by a deadline; the organisation answers and resubmits."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items_requests")
    message = models.TextField(_("what is missing"))
    deadline = models.DateTimeField(_("answer by"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["application", "requested_at"]
        verbose_name = _("request for missing items")
        verbose_name_plural = _("requests for missing items")

    def __str__(self):
        return f"{self.application_id}: {self.message[:40]}"

    @property
    def is_overdue(self) -> bool:
        return self.answered_at is None and self.deadline_passed()

    def deadline_passed(self, at=None) -> bool:
        """`deadline` is the last moment of the deadline day in Berlin (applications.deadlines), so inclusive."""
        return (at or timezone.now()) > self.deadline


class ReviewAssignment(models.Model):
    """Which reviewer reviews an application in which slot (one or two per application)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_assignments")
    slot = models.PositiveSmallIntegerField(_("review"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    active = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["application", "slot", "-assigned_at"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "slot"], condition=Q(active=True), name="one_current_reviewer_per_slot"
            )
        ]

    def __str__(self):
        return f"{self.application_id} #{self.slot}: {self.reviewer}"


class Review(models.Model):
    """Prüfvermerk of one reviewer: conflict-of-interest declaration first, then scores, memo and double funding."""

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    conflict_of_interest = models.BooleanField(_("conflict of interest"))
    conflict_note = models.TextField(_("about the conflict"), blank=True)
    memo = models.TextField(_("review memo"), blank=True)
    double_funding = models.BooleanField(_("signs of double funding"), null=True)
    double_funding_note = models.TextField(_("about double funding"), blank=True)
    own_funds_counted = models.BooleanField(_("own funds are counted in the financing plan"), null=True)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.assignment}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=Q(score__lte=5), name="score_at_most_five"),
        ]


class EarlyStartRequest(models.Model):
    """Vorzeitiger Maßnahmebeginn: the organisation asks to start before the decision; a clerk grants or refuses.

    Granting it allows no claim to a grant; it only keeps an early start from making the project unfundable.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="early_start_requests")
    reason = models.TextField(_("why the project must start early"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    granted = models.BooleanField(_("granted"), null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note from the office"), blank=True)

    class Meta:
        ordering = ["application", "-requested_at"]
        verbose_name = _("early start request")
        verbose_name_plural = _("early start requests")

    def __str__(self):
        return f"{self.application_id}: {self.requested_at:%Y-%m-%d}"


def document_upload_to(instance, filename):
    return f"documents/{instance.application_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """An uploaded document of an application, stored under a random name; the original name is kept for display."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.original_name


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("approve the grant")
    REJECT = "reject", _("reject the application")


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", pgettext_lazy("decision", "approved")
    SENT_BACK = "sent_back", _("sent back to the proposer")
    LAPSED = "lapsed", _("lapsed: the procedure ended before approval")


# Proposals that still wait for approval reserve their amount against the call's budget; approvals commit it.
RESERVING_STATUSES = (DecisionStatus.PROPOSED, DecisionStatus.APPROVED)


class ReasonGround(models.TextChoices):
    """What a rejection or a partial rejection rests on; the letter prints the matching legal sentence (§ 39 VwVfG).

    The first two are bound decisions (a rule is not met); the others are discretionary and need the weighing.
    """

    ELIGIBILITY = "eligibility", _("a condition of the programme is not met")
    INCOMPLETE = "incomplete", _("documents or information are missing")
    FINANCING = "financing", _("the whole financing of the project is not secured")
    COSTS = "costs", _("costs are not eligible, necessary or reasonable")
    MAXIMUM = "maximum", _("the programme's maximum grant")
    BUDGET = "budget", _("the budget of the call is not sufficient")
    PRIORITY = "priority", _("lower priority under the call's criteria")
    OTHER = "other", _("other reasons (described below)")


DISCRETIONARY_GROUNDS = frozenset({ReasonGround.COSTS, ReasonGround.BUDGET, ReasonGround.PRIORITY, ReasonGround.OTHER})

# The clerk's consolidated review memo (Prüfvermerk): what the audit expects to see checked before a grant.
MEMO_CHECKS = (
    ("check_public_interest", _("The project is in the substantial interest of the state (§ 23 LHO).")),
    ("check_subsidiarity", _("The purpose cannot be reached without the grant or with less (subsidiarity).")),
    ("check_whole_funding", _("The whole financing of the project is secured (VV Nr. 1.2 zu § 44 LHO).")),
    ("check_costs_reasonable", _("The eligible costs are necessary and reasonable (economy and thrift).")),
    ("check_budget", _("Budget funds are available in the call (§ 34 LHO).")),
    ("check_no_overdue_proofs", _("The organisation has no overdue proof of use from earlier grants.")),
    ("check_no_double_funding", _("There is no double funding of the same costs.")),
)


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
    reasons = models.TextField(
        _("reasons: the facts"), blank=True, help_text=_("What the decision rests on, for the organisation to read.")
    )
    weighing = models.TextField(
        _("reasons: weighing of discretion"),
        blank=True,
        help_text=_("Why the office decides this way within its discretion (Ermessenserwägungen)."),
    )
    requested_amount = models.DecimalField(
        _("requested grant (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    eligible_costs = models.DecimalField(
        _("eligible costs (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    own_funds = models.DecimalField(_("own funds (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True)
    third_party_funds = models.DecimalField(
        _("third-party funds (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    gap_closure = models.TextField(
        _("how the rest of the financing is secured"),
        blank=True,
        help_text=_("Only when the grant, own and third-party funds do not cover the eligible costs."),
    )
    check_public_interest = models.BooleanField(MEMO_CHECKS[0][1], default=False)
    check_subsidiarity = models.BooleanField(MEMO_CHECKS[1][1], default=False)
    check_whole_funding = models.BooleanField(MEMO_CHECKS[2][1], default=False)
    check_costs_reasonable = models.BooleanField(MEMO_CHECKS[3][1], default=False)
    check_budget = models.BooleanField(MEMO_CHECKS[4][1], default=False)
    check_no_overdue_proofs = models.BooleanField(MEMO_CHECKS[5][1], default=False)
    check_no_double_funding = models.BooleanField(MEMO_CHECKS[6][1], default=False)
    memo = models.TextField(_("review memo of the proposal (Prüfvermerk)"), blank=True)
    anbest = models.ForeignKey(
        AnbestVersion,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("ANBest-P version"),
        help_text=_("The version in force at approval, annexed to the letter."),
    )
    period_start = models.DateField(_("approval period from"), null=True, blank=True)
    period_end = models.DateField(_("approval period until"), null=True, blank=True)
    conditions = models.TextField(
        _("conditions"), blank=True, help_text=_("Nebenbestimmungen beyond the ANBest-P, printed in the letter.")
    )
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

    @property
    def is_partial(self) -> bool:
        """A grant below the amount requested is a partial rejection (im Übrigen abgelehnt)."""
        return (
            self.outcome == DecisionOutcome.APPROVE
            and self.requested_amount is not None
            and self.amount is not None
            and self.amount < self.requested_amount
        )

    @property
    def rejected_amount(self) -> Decimal | None:
        return self.requested_amount - self.amount if self.is_partial else None

    @property
    def total_funding(self) -> Decimal | None:
        if self.eligible_costs is None:
            return None
        return (self.own_funds or 0) + (self.third_party_funds or 0) + (self.amount or 0)

    @property
    def funding_gap(self) -> Decimal:
        """Eligible costs not covered by own funds, third-party funds and the grant (0 when covered)."""
        total = self.total_funding
        return max(self.eligible_costs - total, Decimal("0.00")) if total is not None else Decimal("0.00")

    @property
    def memo_checks(self) -> list[tuple[str, bool]]:
        return [(label, getattr(self, name)) for name, label in MEMO_CHECKS]


class DecisionGround(models.Model):
    """One ground a rejection or partial rejection rests on."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="grounds")
    ground = models.CharField(_("ground"), max_length=20, choices=ReasonGround.choices)

    class Meta:
        ordering = ["decision", "pk"]
        verbose_name = _("ground of the decision")
        verbose_name_plural = _("grounds of the decision")
        constraints = [models.UniqueConstraint(fields=["decision", "ground"], name="one_ground_per_decision")]

    def __str__(self):
        return self.get_ground_display()


class EventKind(models.TextChoices):
    CREATED = "created", _("draft started")
    SUBMITTED = "submitted", _("application submitted")
    COMPLETENESS_CONFIRMED = "complete", _("application found complete")
    ITEMS_REQUESTED = "items_requested", _("missing items requested")
    ITEMS_SUBMITTED = "items_submitted", _("missing items submitted")
    DEADLINE_EXTENDED = "extended", _("deadline extended")
    DEADLINE_MISSED = "missed", _("deadline passed without an answer")
    EARLY_START_REQUESTED = "early_start", _("early start requested")
    EARLY_START_DECIDED = "early_start_decided", _("early start decided")
    REVIEWERS_ASSIGNED = "reviewers", _("reviewers assigned")
    CONFLICT_DECLARED = "conflict", _("reviewer declared a conflict of interest")
    REVIEW_SUBMITTED = "reviewed", _("review submitted")
    DECISION_PROPOSED = "proposed", _("decision proposed")
    DECISION_SENT_BACK = "sent_back", _("proposal sent back")
    DECISION_APPROVED = "approved", _("decision approved")
    LETTER_ISSUED = "letter", _("decision letter issued")
    LETTER_DOWNLOADED = "downloaded", _("decision letter downloaded")
    DELIVERY_CONSENTED = "delivery_consent", _("consent to electronic delivery given")
    LETTER_DELIVERED = "delivered", _("decision letter retrieved: delivered")
    LETTER_READ_UNAUTHORISED = (
        "read_unauthorised",
        _("decision letter downloaded by a member not authorised to receive it"),
    )
    LETTER_TO_POST = "to_post", _("decision letter to be sent by post")
    LETTER_POSTED = "posted", _("decision letter posted")
    GRANT_LETTER_DELIVERED = "gl_delivered", _("letter after the decision retrieved: delivered")
    GRANT_LETTER_TO_POST = "gl_to_post", _("letter after the decision to be sent by post")
    GRANT_LETTER_POSTED = "gl_posted", _("letter after the decision posted")
    WITHDRAWN = "withdrawn", _("application withdrawn")
    CANCELLED = "cancelled", _("procedure cancelled")
    GRANT_OPENED = "grant_opened", _("grant opened")
    APPEAL_WAIVED = "appeal_waived", _("appeal waived")
    APPEAL_LODGED = "appeal_lodged", _("appeal recorded")
    APPEAL_ENDED = "appeal_ended", _("appeal ended")
    GRANT_FINAL = "grant_final", _("decision final")
    PAYMENT_REQUESTED = "pay_requested", _("payment requested")
    PAYMENT_CERTIFIED = "pay_certified", _("payment certified as factually correct")
    PAYMENT_RELEASED = "pay_released", _("payment released")
    PAYMENT_REFUSED = "pay_refused", _("payment request refused")
    PAYMENT_PAID = "pay_paid", _("payment made")
    PROOF_STARTED = "proof_started", _("proof of use started")
    PROOF_SUBMITTED = "proof_submitted", _("proof of use submitted")
    PROOF_OVERDUE = "proof_overdue", _("proof of use overdue: the office was told")
    PROOF_CHECKED = "proof_checked", _("proof of use checked")
    PROOF_ITEMS_REQUESTED = "proof_items", _("missing items of the proof of use requested")
    PROOF_CHECK_APPROVED = "proof_approved", _("check of the proof of use approved")
    HEARING_SENT = "hearing", _("hearing before a reclaim")
    HEARING_ANSWERED = "hearing_answered", _("hearing answered")
    REVOCATION_PROPOSED = "revoke_proposed", _("revocation proposed")
    REVOCATION_SENT_BACK = "revoke_sent_back", _("revocation sent back")
    REVOKED = "revoked", _("grant revoked: repayment due")
    CLAIM_DROPPED = "claim_dropped", _("reclaim not pursued")
    REPAYMENT_RECEIVED = "repaid", _("repayment received")
    GRANT_CLOSED = "grant_closed", _("grant closed")


class DeliveredLetter(models.Model):
    """What a letter to the organisation records of its Bekanntgabe (delivery); the decision letter and the letters
    after the decision share it.

    With the organisation's consent the letter is provided for retrieval in the portal (§ 41(2a) VwVfG): it counts
    as delivered on the day after a person authorised to receive it retrieves it. Not retrieved by such a person
    within ten days after the notification, the provision ends and the office posts the letter (§ 41(2) VwVfG);
    without consent it is posted at once. The date rules are in `applications/delivery_rules.py`, the state changes
    in `applications/delivery.py`; each kind of letter says below how to reach its application and which events
    its history records.
    """

    provided_at = models.DateTimeField(
        _("provided for retrieval at"),
        null=True,
        blank=True,
        help_text=_("When the organisation was notified that the letter is ready; the ten days run from here."),
    )
    retrieved_at = models.DateTimeField(_("retrieved at"), null=True, blank=True)
    retrieved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("retrieved by"),
        help_text=_("The person authorised to receive the letter whose download delivered it."),
    )
    provision_ended_at = models.DateTimeField(
        _("provision ended at"),
        null=True,
        blank=True,
        help_text=_("Not retrieved within ten days: a later retrieval no longer delivers the letter."),
    )
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    delivered_at = models.DateField(
        _("counts as delivered on"),
        null=True,
        blank=True,
        help_text=_("The day after the retrieval, or the set number of days after posting."),
    )

    # Each kind sets these: the way from the letter to its application (for queries), the events of its history,
    # the prefix of the keys of its messages, and which letters exist as a file (only they are provided or posted).
    application_path: str
    delivered_event: str
    to_post_event: str
    posted_event: str
    message_key: str
    ready = Q()

    class Meta:
        abstract = True

    @property
    def application(self) -> "Application":
        raise NotImplementedError

    @property
    def delivery_name(self) -> str:
        """How the history's notes name the letter, where the event alone does not."""
        return ""

    @property
    def is_ready(self) -> bool:
        """Whether the letter exists as a file (the Python side of `ready`)."""
        return True


def letter_upload_to(instance, filename):
    return f"letters/{instance.decision.application_id}/{filename}"


class DecisionLetter(DeliveredLetter):
    """Bescheid: the PDF for exactly one decision version, and its Bekanntgabe (delivery, see `DeliveredLetter`)."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="letter")
    file = models.FileField(_("file"), upload_to=letter_upload_to)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # The first download by anyone of the organisation, authorised to receive letters or not.
    first_downloaded_at = models.DateTimeField(_("first downloaded at"), null=True, blank=True)
    first_downloaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    application_path = "decision__application"
    delivered_event = EventKind.LETTER_DELIVERED
    to_post_event = EventKind.LETTER_TO_POST
    posted_event = EventKind.LETTER_POSTED
    message_key = "letter"

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")
        indexes = [
            models.Index(
                fields=["provided_at"],
                condition=Q(delivered_at__isnull=True, provision_ended_at__isnull=True, provided_at__isnull=False),
                name="letter_provision_running",
            ),
            models.Index(
                fields=["created"],
                condition=Q(delivered_at__isnull=True, posted_on__isnull=True),
                name="letter_undelivered",
            ),
        ]

    def __str__(self):
        return f"{self.decision}"

    @property
    def application(self) -> "Application":
        return self.decision.application


# What the organisation sees of the history; the office's internal steps stay internal.
PUBLIC_EVENTS = {
    EventKind.CREATED,
    EventKind.SUBMITTED,
    EventKind.COMPLETENESS_CONFIRMED,
    EventKind.ITEMS_REQUESTED,
    EventKind.ITEMS_SUBMITTED,
    EventKind.DEADLINE_EXTENDED,
    EventKind.DEADLINE_MISSED,
    EventKind.EARLY_START_REQUESTED,
    EventKind.EARLY_START_DECIDED,
    EventKind.LETTER_ISSUED,
    EventKind.LETTER_DOWNLOADED,
    EventKind.DELIVERY_CONSENTED,
    EventKind.LETTER_DELIVERED,
    EventKind.LETTER_READ_UNAUTHORISED,
    EventKind.LETTER_TO_POST,
    EventKind.LETTER_POSTED,
    EventKind.GRANT_LETTER_DELIVERED,
    EventKind.GRANT_LETTER_TO_POST,
    EventKind.GRANT_LETTER_POSTED,
    EventKind.WITHDRAWN,
    EventKind.CANCELLED,
    EventKind.GRANT_OPENED,
    EventKind.APPEAL_WAIVED,
    EventKind.APPEAL_LODGED,
    EventKind.APPEAL_ENDED,
    EventKind.GRANT_FINAL,
    EventKind.PAYMENT_REQUESTED,
    EventKind.PAYMENT_RELEASED,
    EventKind.PAYMENT_REFUSED,
    EventKind.PAYMENT_PAID,
    EventKind.PROOF_STARTED,
    EventKind.PROOF_SUBMITTED,
    EventKind.PROOF_ITEMS_REQUESTED,
    EventKind.PROOF_CHECK_APPROVED,
    EventKind.HEARING_SENT,
    EventKind.HEARING_ANSWERED,
    EventKind.REVOKED,
    EventKind.CLAIM_DROPPED,
    EventKind.REPAYMENT_RECEIVED,
    EventKind.GRANT_CLOSED,
}


# Who reviews, who declared a conflict and why: for the office, not for the other reviewer.
REVIEW_EVENTS = {EventKind.REVIEWERS_ASSIGNED, EventKind.CONFLICT_DECLARED, EventKind.REVIEW_SUBMITTED}


class ApplicationEvent(models.Model):
    """One step in the history of an application: who did what, when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.application_id}: {self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_EVENTS
