from django import forms
from django.utils.translation import gettext_lazy as _

from applications.fields import MoneyField
from applications.models import Application


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ApplicationDraftForm(forms.ModelForm):
    requested_amount = MoneyField(label=_("Requested grant (EUR)"), required=False, help_text=_("For example 1.500,00"))

    class Meta:
        model = Application
        fields = ["title", "summary", "requested_amount", "period_start", "period_end"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "period_start": DateInput(),
            "period_end": DateInput(),
        }
        help_texts = {
            "title": _("A short name for your project."),
            "summary": _("What will you do, with whom, and why? A few sentences are enough."),
        }
        error_messages = {
            "period_start": {"invalid": _("Enter a date, for example 01.03.2027.")},
            "period_end": {"invalid": _("Enter a date, for example 31.12.2027.")},
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The project cannot end before it starts."))
        return data


class ConfirmSubmissionForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm that I may represent the organisation and that the statements in this application are "
            "true and complete."
        ),
        error_messages={"required": _("Please confirm before you submit.")},
    )
