from decimal import Decimal

from django.utils import formats, numberformat


def format_money(value) -> str:
    """An amount with two decimals and grouped thousands in the active language: 1.400,00 (de), 1,400.00 (en)."""
    if value in (None, ""):
        return ""
    return numberformat.format(
        Decimal(value),
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=2,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
