"""The grant after the decision: its money, its changes, its proof of use and its claims."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
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
