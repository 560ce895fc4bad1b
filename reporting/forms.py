from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Call
from applications.selectors import programmes_for_staff
from reporting.metrics import Selection


class CallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, call):
        return f"{call.programme.title} – {call.title}"


class SelectionForm(forms.Form):
    """Which figures to show: all programmes the user works on, one programme, or one call."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("all my programmes")
    )
    call = CallChoiceField(label=_("Call"), queryset=None, required=False, empty_label=_("all calls"))

    def __init__(self, data, *, user):
        super().__init__(data)
        self.programmes = programmes_for_staff(user)
        self.fields["programme"].queryset = self.programmes
        self.fields["call"].queryset = (
            Call.objects.filter(programme__in=self.programmes)
            .select_related("programme")
            .order_by("programme__title", "-closes_at")
        )

    def clean(self):
        data = super().clean()
        programme, call = data.get("programme"), data.get("call")
        if programme and call and call.programme_id != programme.pk:
            self.add_error("call", _("This call belongs to another programme. Choose one of its calls or all calls."))
        return data

    def selection(self) -> Selection:
        """The selection of a valid form, limited to the user's programmes."""
        programme, call = self.cleaned_data.get("programme"), self.cleaned_data.get("call")
        if call is not None:
            return Selection(programme_ids=(call.programme_id,), call_id=call.pk)
        if programme is not None:
            return Selection(programme_ids=(programme.pk,))
        return Selection(programme_ids=tuple(self.programmes.values_list("pk", flat=True)))
