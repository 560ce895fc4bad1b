from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountManager(UserManager):
    """Users log in with their e-mail address; there is no user name."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Used for pages, e-mails and notifications."),
    )

    notification_frequency = models.CharField(
        _("e-mails about events"),
        max_length=10,
        choices=[
            ("immediate", _("at once")),
            ("daily", _("once a day, as a summary")),
            ("off", _("no e-mail, only in the portal")),
        ],
        default="immediate",
        help_text=_("Messages with legal effect, such as decisions and deadlines, are always sent at once."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = AccountManager()

    def __str__(self):
        return self.get_full_name() or self.email


class LegalForm(models.TextChoices):
    REGISTERED_ASSOCIATION = "ev", _("registered association (e.V.)")
    NON_PROFIT_COMPANY = "ggmbh", _("non-profit company (gGmbH, gUG)")
    RELIGIOUS_COMMUNITY = "religious", _("religious community")
    OTHER_LEGAL_ENTITY = "other", _("other legal entity")
    INFORMAL_INITIATIVE = "informal", _("informal initiative / no legal form")


class Seat(models.TextChoices):
    BREMEN = "bremen", _("Bremen (city)")
    BREMERHAVEN = "bremerhaven", _("Bremerhaven")


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    register_number = models.CharField(
        _("register number"), max_length=50, blank=True, help_text=_("Only if the organisation is registered.")
    )
    seat = models.CharField(_("seat"), max_length=20, choices=Seat.choices)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    languages = models.CharField(
        _("languages spoken"), max_length=300, blank=True, help_text=_("For example: Turkish, Arabic, German")
    )
    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"))
    description = models.TextField(_("description"), blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    listed_since = models.DateTimeField(
        _("listed in the public directory since"),
        null=True,
        blank=True,
        help_text=_("Set when a representative consents to the listing; cleared when the consent is revoked."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def is_listed(self) -> bool:
        return self.listed_since is not None

    @property
    def is_informal(self) -> bool:
        return self.legal_form == LegalForm.INFORMAL_INITIATIVE


class MembershipRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("representative (may sign applications)")
    MEMBER = "member", _("member")


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    # Empfangsberechtigt: representatives always receive decision letters; a member only when they authorise it.
    may_receive_letters = models.BooleanField(
        _("may receive decision letters"),
        default=False,
        help_text=_("Their download of a decision letter counts as its delivery. Representatives always may."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def receives_letters(self) -> bool:
        return self.role == MembershipRole.REPRESENTATIVE or self.may_receive_letters


INVITATION_VALIDITY_DAYS = 14


class InvitationMail(models.TextChoices):
    """Where the invitation's e-mail stands: the invitation row is its own outbox (its address may have no account)."""

    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("not sent: the invitation was closed first")


class Invitation(models.Model):
    """A representative invites someone by e-mail; the link in the e-mail lets the owner of that address join.

    The link carries the row's id and `secret`, signed with the site's secret key, so a link can be rendered again
    by the worker that sends it, and a link cannot be made up from what the database holds. Inviting the same
    address again renews the row with a new secret, which invalidates the old link.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    language = models.CharField(_("language of the e-mail"), max_length=10, choices=settings.LANGUAGES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    secret = models.CharField(max_length=64, editable=False)
    created = models.DateTimeField(_("invited"), default=timezone.now)
    expires = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mail_status = models.CharField(
        _("e-mail"), max_length=10, choices=InvitationMail.choices, default=InvitationMail.PENDING
    )
    mail_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    mail_claimed_at = models.DateTimeField(null=True, blank=True)
    mail_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    # The e-mail's retry schedule, kept on the row like a notification's (see notifications.services).
    mail_next_attempt_at = models.DateTimeField(
        _("next e-mail attempt at"), null=True, blank=True, help_text=_("After a failed attempt: when to try again.")
    )
    mail_retry_until = models.DateTimeField(
        _("e-mail retried until"),
        null=True,
        blank=True,
        help_text=_("Set at the first failure: the end of the retry window."),
    )
    mail_alerted_at = models.DateTimeField(_("operators told at"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address and organisation: inviting again renews it.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_address",
            )
        ]
        indexes = [models.Index(fields=["mail_status", "created"], name="invitation_outbox")]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class OrganisationEventKind(models.TextChoices):
    INVITED = "invited", _("invited")
    INVITATION_REVOKED = "invitation_revoked", _("invitation revoked")
    JOINED = "joined", _("joined")
    ROLE_CHANGED = "role_changed", _("role changed")
    LETTERS_AUTHORISED = "letters_authorised", _("authorised to receive decision letters")
    LETTERS_REVOKED = "letters_revoked", _("no longer authorised to receive decision letters")
    REMOVED = "removed", _("removed")
    LEFT = "left", _("left")
    BANK_ACCOUNT_CHANGED = "bank_account_changed", _("bank account changed")


class OrganisationEvent(models.Model):
    """Who changed the organisation's members, and when: shown to its representatives and to staff."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=20, choices=OrganisationEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # Names and addresses as they were, so the history stays readable when an account is deleted.
    actor_name = models.CharField(_("changed by"), max_length=300, blank=True)
    subject_name = models.CharField(_("concerning"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, blank=True)
    created = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")
        indexes = [models.Index(fields=["organisation", "-created"], name="organisation_history")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject_name} ({self.organisation})"


class BankAccount(models.Model):
    """The account the organisation's grants are paid into.

    A change never overwrites: it adds a row, and the newest row is the current account. The older rows are the
    history (who changed it, when), which the office needs when a payment went to an account that was replaced.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="bank_accounts", verbose_name=_("organisation")
    )
    holder = models.CharField(
        _("account holder"), max_length=70, help_text=_("The name the bank has for the account.")
    )  # 70: the longest name a SEPA transfer carries
    iban = models.CharField(_("IBAN"), max_length=34, help_text=_("Without spaces, in capitals."))
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # As it was, so the history stays readable when the account of the person is deleted.
    changed_by_name = models.CharField(_("changed by"), max_length=300, blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        get_latest_by = ["changed_at", "pk"]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        indexes = [models.Index(fields=["organisation", "-changed_at"], name="bank_account_history")]

    def __str__(self):
        return f"{self.holder}: {self.iban_grouped}"

    def clean(self):
        from organisations.banking import bank_details

        details = bank_details(self.iban, self.bic)
        self.iban, self.bic = details.iban, details.bic
        self.bank_name = details.bank_name or self.bank_name

    @property
    def iban_grouped(self) -> str:
        from organisations.banking import grouped

        return grouped(self.iban)

    @property
    def iban_masked(self) -> str:
        from organisations.banking import masked

        return masked(self.iban)
