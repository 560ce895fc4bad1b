"""The forms of the proof of use (Verwendungsnachweis): report, figures, receipts, declaration."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.fields import DateInput, MoneyField
from grants.proofs import DECLARATION_DE, DECLARATION_TRANSLATION, actual_field
from usertext.forms import UserTextFormMixin

YES_NO = [("yes", _("yes")), ("no", _("no, or only in part"))]


class ProofReportForm(UserTextFormMixin, forms.Form):
    """Sachbericht: what was done and whether the purpose was achieved."""

    report = forms.CharField(
        label=_("Narrative report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What did you do, with whom and how many people, and what came of it? Say where the project went "
            "differently from the plan, and why."
        ),
    )
    purpose_achieved = forms.TypedChoiceField(
        label=_("Was the purpose of the grant achieved?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    spending_note = forms.CharField(
        label=_("Money spent later than allowed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only if money you received was spent later than the payment period allowed: say when."),
    )


class ProofFiguresForm(UserTextFormMixin, forms.Form):
    """The actual costs per line of the approved plan, and the own and third-party funds actually used."""

    actual_own_funds = MoneyField(
        label=_("Own funds actually used (EUR)"), required=False, min_value=Decimal("0"), help_text=_("0 if none.")
    )
    actual_third_party_funds = MoneyField(
        label=_("Third-party funds actually received (EUR)"),
        required=False,
        min_value=Decimal("0"),
        help_text=_("Money from other funders for this project; 0 if none."),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[actual_field(line.pk)] = MoneyField(
                label=_("Line %(number)s: %(description)s – actual costs (EUR)")
                % {"number": line.position, "description": line.description},
                required=False,
                min_value=Decimal("0"),
                error_messages={"min_value": _("Enter 0 or more.")},
            )
        self.order_fields([actual_field(line.pk) for line in self.lines])

    def line_fields(self):
        return [(line, self[actual_field(line.pk)]) for line in self.lines]

    def actuals(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data.get(actual_field(line.pk)) or Decimal("0.00") for line in self.lines}


class ReceiptForm(UserTextFormMixin, forms.Form):
    """One row of the receipt list (Belegliste), with the scan or photo of the receipt if you have it at hand."""

    date = forms.DateField(
        label=_("Day of payment"),
        widget=DateInput(),
        error_messages={"required": _("Enter the day of payment."), "invalid": _("Enter a date, e.g. 15.03.2027.")},
    )
    payee = forms.CharField(label=_("Payee"), max_length=200, error_messages={"required": _("Say who was paid.")})
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        help_text=_("What the money was spent on, e.g. fee for the language course in March."),
        error_messages={"required": _("Say what the money was spent on.")},
    )
    amount = MoneyField(label=_("Amount (EUR)"), error_messages={"required": _("Enter the amount paid.")})
    plan_line = forms.TypedChoiceField(
        label=_("Line of the plan"), coerce=int, error_messages={"required": _("Choose a line of the approved plan.")}
    )
    file = forms.FileField(
        label=_("Receipt (scan or photo)"),
        required=False,
        help_text=_("Optional: PDF, or a photo as JPEG or PNG; up to 10 MB."),
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_line"].choices = [("", _("– choose –"))] + [
            (line.pk, f"{line.position}. {line.description}") for line in lines
        ]


class ReceiptImportForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in receipt list (XLSX or CSV)"),
        help_text=_("The template you downloaded above, filled in. It replaces the receipts listed so far."),
        error_messages={"required": _("Choose the file with your receipt list.")},
    )


class ProofDeclarationForm(forms.Form):
    """ANBest-P Nr. 6: the declaration, in its binding German wording; its translation is shown beside it."""

    declaration = forms.BooleanField(
        label=DECLARATION_DE,
        help_text=DECLARATION_TRANSLATION,
        error_messages={"required": _("Tick the box to confirm the declaration; only then can the proof be sent.")},
    )
