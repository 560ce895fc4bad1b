"""Long e-mail addresses must not push a phone's page sideways: offer the browser a line break after @ and dots."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def breakable(text) -> SafeString:
    """The text, escaped, with a possible line break (<wbr>) after every @ and full stop; screen readers ignore it."""
    return mark_safe(escape(str(text)).replace("@", "@<wbr>").replace(".", ".<wbr>"))
