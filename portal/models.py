from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedback(models.Model):
    """A report of a barrier on the site (feedback mechanism of the accessibility statement, BremBGG)."""

    message = models.TextField(_("what did not work"))
    page = models.CharField(_("on which page"), max_length=300, blank=True)
    name = models.CharField(_("your name"), max_length=200, blank=True)
    email = models.EmailField(_("your e-mail address, if you want an answer"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    created = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")

    def __str__(self):
        return self.message[:60]
