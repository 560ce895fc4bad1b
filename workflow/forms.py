from django import forms
from django.utils.translation import gettext_lazy as _

from applications.fields import MoneyField
from applications.models import DecisionOutcome


class ProposalForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Your proposal"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    amount = MoneyField(
        label=_("Amount to grant (EUR)"), required=False, help_text=_("Only when you propose to approve.")
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required for a rejection; printed in the letter."),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == DecisionOutcome.APPROVE and not data.get("amount"):
            self.add_error("amount", _("Enter the amount to grant."))
        if data.get("outcome") == DecisionOutcome.REJECT and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("A rejection must state its reasons."))
        return data


class ApprovalForm(forms.Form):
    APPROVE = "approve"
    SEND_BACK = "send_back"
    action = forms.ChoiceField(
        label=_("Your decision"),
        choices=[(APPROVE, _("Approve and issue the letter")), (SEND_BACK, _("Send back to the proposer"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you send the proposal back."),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.SEND_BACK and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why you send the proposal back."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for ending the procedure"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation reads this."),
        error_messages={"required": _("Give the reason; the organisation will read it.")},
    )
