from datetime import date, datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def isodate(value: str) -> str:
    """An ISO date or datetime from a notification's context, as a short date in the recipient's language."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    day: date = timezone.localtime(parsed).date() if timezone.is_aware(parsed) else parsed.date()
    return formats.date_format(day, "SHORT_DATE_FORMAT")
