from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    DIGEST = "digest", _("waiting for the daily summary")
    IN_APP = "in_app", _("shown in the portal only")


class Frequency(models.TextChoices):
    """How a person gets e-mails about a kind of message (the same choices as their general setting)."""

    IMMEDIATE = "immediate", _("at once")
    DAILY = "daily", _("once a day, as a summary")
    OFF = "off", _("no e-mail, only in the portal")


class Notification(models.Model):
    """Outbox row: written in the same transaction as the event, delivered by a task after the commit."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=50)
    context = models.JSONField(_("context"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(
        _("once-only key"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Set for messages that must go out only once, such as a reminder for one deadline."),
    )
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"), null=True, blank=True, help_text=_("After a failed attempt: when to try again.")
    )
    retry_until = models.DateTimeField(
        _("retried until"), null=True, blank=True, help_text=_("Set at the first failure: the end of the retry window.")
    )
    alerted_at = models.DateTimeField(_("operators told at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["status", "created"], name="notification_outbox"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_id} ({self.status})"


class NotificationPreference(models.Model):
    """A person's choice for one kind of message; kinds without a row follow their general setting."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(_("event"), max_length=50)
    frequency = models.CharField(_("e-mails about this"), max_length=10, choices=Frequency.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_preference_per_user_and_event")]

    def __str__(self):
        return f"{self.user_id}: {self.event} → {self.frequency}"
