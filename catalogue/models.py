"""Support offers that are not money: advice, training, networking events. Shown in the public catalogue next to
the funding programmes, so that organisations learn what support the administration offers."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from organisations.models import Topic


class OfferKind(models.TextChoices):
    ADVICE = "advice", _("advice")
    TRAINING = "training", _("training")
    EVENT = "event", _("networking event")
    OTHER = "other", _("other offer")


# The languages most spoken among Bremen's migrants, plus German and English.
OFFER_LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("pl", _("Polish")),
    ("ku", _("Kurdish")),
    ("bg", _("Bulgarian")),
    ("ro", _("Romanian")),
    ("fa", _("Farsi / Dari")),
]


class Offer(models.Model):
    """A non-financial support offer; title, description, audience, schedule and cost note are translatable."""

    kind = models.CharField(_("kind of offer"), max_length=20, choices=OfferKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    audience = models.TextField(_("who it is for"))
    topics = models.ManyToManyField(Topic, blank=True, related_name="offers", verbose_name=_("topics"))
    languages = models.JSONField(
        _("languages offered"), default=list, blank=True, help_text=_("The languages people can use in the offer.")
    )
    free_of_charge = models.BooleanField(_("free of charge"), default=True)
    cost_note = models.CharField(
        _("costs"), max_length=200, blank=True, help_text=_("Only if it is not free, for example: 10 EUR for material.")
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Address, or 'online', or 'by phone'.")
    )
    starts_on = models.DateField(
        _("starts on"), null=True, blank=True, help_text=_("Leave both dates empty for an ongoing offer.")
    )
    ends_on = models.DateField(
        _("ends on"),
        null=True,
        blank=True,
        help_text=_("For a one-day event, enter the start date again. Empty: no end."),
    )
    schedule = models.CharField(
        _("times"), max_length=200, blank=True, help_text=_("For example: Tuesdays 10:00–12:00, or 18:00–21:00.")
    )
    registration_deadline = models.DateField(_("register by"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published offers appear in the public catalogue.")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("support offer")
        verbose_name_plural = _("support offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="offer_starts_before_it_ends",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The offer cannot end before it starts.")
        # The cost note is translatable; the German one (the default language) is the one that must be there.
        cost_note = build_localized_fieldname("cost_note", settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
        if not self.free_of_charge and not getattr(self, cost_note, self.cost_note):
            errors[cost_note] = _("Say what it costs, or tick 'free of charge'.")
        if not self.contact_email and not self.contact_phone:
            errors["contact_email"] = _("Give an e-mail address or a phone number, so that people can reach you.")
        if errors:
            raise ValidationError(errors)

    def is_over(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.ends_on is not None and self.ends_on < today

    def registration_closed(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.registration_deadline is not None and self.registration_deadline < today

    def language_names(self) -> list[str]:
        names = dict(OFFER_LANGUAGES)
        return [str(names[code]) for code, _label in OFFER_LANGUAGES if code in (self.languages or [])]
