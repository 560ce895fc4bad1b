"""User text in the product's sentences, isolated so that its direction cannot reorder them.

    {% load bidi %}
    {{ application.title|isolate }}        HTML: escaped, inside <bdi>
    {{ application_title|isolate_text }}   plain text (e-mails, subjects, attributes): between U+2068 and U+2069
    {{ message|without_controls }}         plain text on lines of its own: only cleaned

Both remove bidirectional controls and other invisible characters first, also from text stored before the
forms removed them.
"""

from django import template

from usertext.text import isolated, isolated_html, without_controls

register = template.Library()


@register.filter(is_safe=True)
def isolate(value):
    return isolated_html(value)


@register.filter
def isolate_text(value):
    return isolated(value)


@register.filter(name="without_controls")
def without_controls_filter(value):
    """For user text that stands on lines of its own in a plain-text e-mail: cleaned, not isolated, so that
    mail programs still take its paragraph direction from its first letters."""
    return without_controls(str(value)) if value is not None else ""
