"""Form fields for amounts typed the way people write them: "1.500,50", "1500,50", "1500.50", "1.500 €"."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import formats
from django.utils.translation import gettext_lazy as _

_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+\.\d{1,2}$")
_THOUSANDS_COMMA_ONLY = re.compile(r"^\d{1,3}(,\d{3})+$")
_ONE_COMMA_THREE_DIGITS = re.compile(r"^\d{1,3},\d{3}$")


class AmbiguousAmount(ValueError):
    """ "12,345" is 12345 to an English reader and 12,345 (about 12,35) to a German one."""

    def __init__(self, raw: str, thousands: Decimal, decimal: Decimal):
        super().__init__(raw)
        self.thousands, self.decimal = thousands, decimal


def parse_amount(raw: str, *, comma_groups_thousands: bool = False) -> Decimal:
    """Read an amount in German or English notation; ValueError when it is not one.

    A single comma followed by exactly three digits ("12,345") can be either; it is read as thousands only where
    the page writes numbers the English way (`comma_groups_thousands`), else AmbiguousAmount asks which was meant.
    """
    text = raw.strip().replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        raise ValueError("empty")
    if "," in text and "." in text:
        if _THOUSANDS_COMMA.match(text):
            text = text.replace(",", "")
        else:
            text = text.replace(".", "").replace(",", ".")
    elif _ONE_COMMA_THREE_DIGITS.match(text) and not comma_groups_thousands:
        raise AmbiguousAmount(raw, Decimal(text.replace(",", "")), Decimal(text.replace(",", ".")))
    elif _THOUSANDS_COMMA_ONLY.match(text):
        text = text.replace(",", "")  # "1,500,000" or, on an English page, "1,500"
    elif "," in text:
        text = text.replace(",", ".")
    elif _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


def localised_number(value) -> str:
    """A limit the way the page writes numbers: 0,01 and 9.999.999.999,99 in German, 0.01 in English."""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


class _LocalisedLimit:
    """Names its limit in the page's number format; Django's validators put "0.01" into a German sentence."""

    def __call__(self, value):
        cleaned = self.clean(value)
        limit = self.limit_value() if callable(self.limit_value) else self.limit_value
        if self.compare(cleaned, limit):
            params = {"limit_value": localised_number(limit), "show_value": cleaned, "value": value}
            raise ValidationError(self.message, code=self.code, params=params)


class LocalisedMinValueValidator(_LocalisedLimit, MinValueValidator):
    pass


class LocalisedMaxValueValidator(_LocalisedLimit, MaxValueValidator):
    pass


def _localised(validator):
    if type(validator) is MinValueValidator:
        return LocalisedMinValueValidator(validator.limit_value, validator.message)
    if type(validator) is MaxValueValidator:
        return LocalisedMaxValueValidator(validator.limit_value, validator.message)
    return validator


class LocalisedLimitsMixin:
    """For number form fields: min_value and max_value errors show the limit in the page's number format."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [_localised(validator) for validator in self.validators]


class MoneyField(LocalisedLimitsMixin, forms.DecimalField):
    default_error_messages = {
        "invalid": _("Enter an amount in euros, for example 1.500,00."),
        "ambiguous": _(
            "Did you mean %(thousands)s or %(decimal)s? Write the amount with a comma before the cents, for example "
            "%(thousands)s."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        comma_groups_thousands = formats.get_format("DECIMAL_SEPARATOR") == "."
        try:
            return parse_amount(str(value), comma_groups_thousands=comma_groups_thousands)
        except AmbiguousAmount as ambiguous:
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params=self.readings(ambiguous)
            ) from None
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def readings(self, ambiguous: AmbiguousAmount) -> dict:
        def written(amount: Decimal) -> str:
            cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return formats.number_format(cents, decimal_pos=2, use_l10n=True, force_grouping=True)

        return {"thousands": written(ambiguous.thousands), "decimal": written(ambiguous.decimal)}

    def prepare_value(self, value):
        """Prefilled the way the page writes amounts: 1234,50 in German, 1234.50 in English (no grouping, which
        would only be in the way when the amount is edited)."""
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", formats.get_format("DECIMAL_SEPARATOR"))
        return value


class QuantityField(MoneyField):
    default_error_messages = {
        "invalid": _("Enter a number, for example 2 or 1,5."),
        "ambiguous": _("Did you mean %(thousands)s or %(decimal)s? Write thousands without a dot or comma."),
    }

    def readings(self, ambiguous: AmbiguousAmount) -> dict:
        def written(number: Decimal) -> str:
            return formats.number_format(number.normalize(), use_l10n=True)

        return {"thousands": written(ambiguous.thousands), "decimal": written(ambiguous.decimal)}

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            text = f"{value.normalize():f}"
            return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
        return value


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO date, whatever the page language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
