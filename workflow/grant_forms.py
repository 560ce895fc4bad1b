"""Forms of the staff pages after the decision: the check of the proof of use, the hearing, the revocation and the
repayments. The services enforce the rules; the forms catch what can be seen at once."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.fields import DateInput, MoneyField
from grants.models import PROOF_CHECKS, RevocationGround, RevocationScope
from usertext.forms import UserTextFormMixin
from workflow.forms import DATE_ERRORS, require_text_when


class ProofCheckForm(UserTextFormMixin, forms.Form):
    RECORD = "record"
    REQUEST_ITEMS = "request_items"
    action = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (RECORD, _("Record the check and send the result for approval")),
            (REQUEST_ITEMS, _("Ask the organisation for missing items")),
        ],
        widget=forms.RadioSelect,
    )
    memo = forms.CharField(
        label=_("Check memo (Prüfvermerk)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you checked and found; say why for any point of the checklist you did not tick."),
    )
    message = forms.CharField(
        label=_("What is missing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when you ask for missing items; the organisation reads it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in PROOF_CHECKS:
            self.fields[name] = forms.BooleanField(label=label, required=False)

    def clean(self):
        data = super().clean()
        require_text_when(self, data, "action", self.RECORD, "memo", _("Write the check memo (Prüfvermerk)."))
        require_text_when(
            self, data, "action", self.REQUEST_ITEMS, "message", _("Say what is missing; the organisation reads it.")
        )
        unticked = [name for name, _label in PROOF_CHECKS if not data.get(name)]
        if data.get("action") == self.RECORD and unticked and len((data.get("memo") or "").strip()) < 20:
            self.add_error("memo", _("Not every point is ticked: say in the memo why."))
        return data

    def checks(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data.get(name)) for name, _label in PROOF_CHECKS}


class HearingForm(UserTextFormMixin, forms.Form):
    amount = MoneyField(label=_("Amount to reclaim (EUR)"))
    known_on = forms.DateField(
        label=_("Facts known since"),
        widget=DateInput(),
        error_messages=DATE_ERRORS,
        help_text=_("The one-year period for the revocation runs from this day."),
    )
    text = forms.CharField(
        label=_("What the office intends, and why"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The facts the reclaim rests on; the organisation reads it in the hearing letter."),
        error_messages={"required": _("Say what the office intends and why.")},
    )
    deadline = forms.DateField(label=_("Answer by"), widget=DateInput(), error_messages=DATE_ERRORS)


class InterimReviewForm(UserTextFormMixin, forms.Form):
    REVIEWED = "reviewed"
    REQUEST_ITEMS = "request_items"
    action = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (REVIEWED, _("The interim proof is complete and plausible")),
            (REQUEST_ITEMS, _("Ask the organisation for missing items")),
        ],
        widget=forms.RadioSelect,
    )
    memo = forms.CharField(
        label=_("Review memo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you looked at, what you found, and anything to watch in the final check."),
    )
    message = forms.CharField(
        label=_("What is missing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when you ask for missing items; the organisation reads it."),
    )

    def clean(self):
        data = super().clean()
        require_text_when(
            self,
            data,
            "action",
            self.REVIEWED,
            "memo",
            _("Write the review memo: what you looked at and what you found."),
        )
        require_text_when(
            self, data, "action", self.REQUEST_ITEMS, "message", _("Say what is missing; the organisation reads it.")
        )
        return data


class RevocationForm(UserTextFormMixin, forms.Form):
    REVOKE = "revoke"
    DROP = "drop"
    action = forms.ChoiceField(
        label=_("Your decision"),
        choices=[(REVOKE, _("Propose the revocation")), (DROP, _("Do not reclaim the money"))],
        widget=forms.RadioSelect,
    )
    scope = forms.ChoiceField(label=_("Revocation"), choices=RevocationScope.choices, required=False)
    ground = forms.ChoiceField(label=_("Legal ground"), choices=RevocationGround.choices, required=False)
    revoked_amount = MoneyField(label=_("Grant revoked (EUR)"), required=False)
    effective_on = forms.DateField(
        label=_("Revoked with effect from"),
        widget=DateInput(),
        required=False,
        error_messages=DATE_ERRORS,
        help_text=_("Usually the day of the payment that is reclaimed; interest runs from here."),
    )
    repay_by = forms.DateField(label=_("Repay by"), widget=DateInput(), required=False, error_messages=DATE_ERRORS)
    late_use_interest = MoneyField(
        label=_("Interest for money used late (§ 49a(4) VwVfG, EUR)"),
        required=False,
        min_value=Decimal("0"),
        help_text=_(
            "Filled in with what the check computed for money spent later than the payment period allows. Claiming it "
            "is discretionary: enter 0 to claim none, and cover it in the weighing."
        ),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("The facts, and how the answer to the hearing was weighed; for dropping the claim, why."),
    )
    weighing = forms.CharField(
        label=_("Weighing of discretion"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.REVOKE:
            for name in ("scope", "ground", "revoked_amount", "effective_on", "repay_by", "reasons", "weighing"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("Needed for a revocation."))
        require_text_when(self, data, "action", self.DROP, "reasons", _("Say why the money is not reclaimed."))
        return data


class RepaymentForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput(), error_messages=DATE_ERRORS)
    amount = MoneyField(label=_("Amount received (EUR)"))
