from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
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
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
