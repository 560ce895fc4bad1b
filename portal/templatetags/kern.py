"""Render form fields with the KERN UX markup: label, hint and error tied to the input for screen readers."""

from django import forms, template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def kern_field(field):
    widget = field.field.widget
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        kind = "radio"  # a group of choices in a fieldset, radios or checkboxes
    elif isinstance(widget, forms.CheckboxInput):
        kind = "checkbox"
        attrs["class"] = "kern-form-check__checkbox" + (" kern-form-check__checkbox--error" if field.errors else "")
    else:
        kind = "input"
        css = "kern-form-input__input" + (" kern-form-input__input--error" if field.errors else "")
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
            kind = "select"  # KERN draws the border and the arrow on a wrapper around the select
            css = "kern-form-input__select" + (" kern-form-input__select--error" if field.errors else "")
        attrs["class"] = css
    return render_to_string(
        "includes/_field.html",
        {
            "field": field,
            "kind": kind,
            "widget_html": field.as_widget(attrs=attrs) if kind != "radio" else "",
            "described_by": " ".join(described_by),
        },
    )
