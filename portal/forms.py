from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.fields import DateInput, MoneyField, QuantityField
from applications.models import Application, CostCategory, DocumentKind, FundingStatus
from organisations.models import LegalForm, Organisation, Seat, Topic
from usertext.forms import UserTextFormMixin


class ProjectForm(UserTextFormMixin, forms.ModelForm):
    """Step 1: the project and who to contact about it."""

    class Meta:
        model = Application
        fields = [
            "title",
            "summary",
            "aims",
            "target_group",
            "district",
            "period_start",
            "period_end",
            "volunteers",
            "works_with_minors",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "aims": forms.Textarea(attrs={"rows": 3}),
            "target_group": forms.Textarea(attrs={"rows": 3}),
            "period_start": DateInput(),
            "period_end": DateInput(),
        }
        help_texts = {
            "title": _("A short name for your project."),
            "summary": _("What will you do, with whom, and why? A few sentences are enough."),
            "aims": _("What should be different when the project ends?"),
            "target_group": _("Who takes part, and about how many people?"),
            "district": _("For example Gröpelingen, Vahr or Lehe."),
            "contact_name": _("The person the office can call with questions."),
        }
        error_messages = {
            "period_start": {"invalid": _("Enter a date, for example 01.03.2027.")},
            "period_end": {"invalid": _("Enter a date, for example 31.12.2027.")},
            "volunteers": {"invalid": _("Enter a whole number, for example 5.")},
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The project cannot end before it starts."))
        return data


class PlanRowForm(UserTextFormMixin, forms.Form):
    """A row of a plan table. A row whose typed fields are all empty is an unused row, whatever its selects say."""

    typed_fields: tuple[str, ...] = ()

    def has_changed(self):
        return any((self[name].value() or "").strip() for name in self.typed_fields)


class CostLineForm(PlanRowForm):
    typed_fields = ("description", "quantity", "unit_price")
    category = forms.ChoiceField(label=_("Category"), choices=CostCategory.choices)
    description = forms.CharField(label=_("What for"), max_length=200)
    quantity = QuantityField(label=_("Quantity"), help_text=_("For example 10 (hours) or 1"), max_digits=9)
    unit_price = MoneyField(label=_("Unit price (EUR)"), min_value=Decimal("0"))


CostLineFormSet = forms.formset_factory(CostLineForm, extra=2, can_delete=True)


class ThirdPartyForm(PlanRowForm):
    typed_fields = ("funder", "amount")
    funder = forms.CharField(label=_("Funder"), max_length=200)
    amount = MoneyField(label=_("Amount (EUR)"))
    status = forms.ChoiceField(label=_("Status"), choices=FundingStatus.choices)


ThirdPartyFormSet = forms.formset_factory(ThirdPartyForm, extra=1, can_delete=True)


class FinancingForm(UserTextFormMixin, forms.Form):
    own_funds = MoneyField(
        label=_("Own funds (EUR)"),
        required=False,
        min_value=Decimal("0"),
        help_text=_("Money of your organisation, for example from membership fees or donations. 0 is allowed."),
    )
    requested_amount = MoneyField(label=_("Requested grant (EUR)"), required=False, help_text=_("For example 1.500,00"))


class ConfirmSubmissionForm(UserTextFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm that I may represent the organisation and that the statements in this application are "
            "true and complete."
        ),
        error_messages={"required": _("Please confirm before you submit.")},
    )


class SubmitForm(ConfirmSubmissionForm):
    delivery_consent = forms.BooleanField(
        label=_("Deliver the decision to us electronically: we will download it in this portal."),
        required=False,
        help_text=_(
            "Optional. We will get an e-mail when the decision letter is ready. It counts as delivered on the day "
            "after a representative, or a member the representatives authorised, downloads it. If nobody of them "
            "downloads it within ten days, the office sends it by post. Without this consent the office sends the "
            "letter by post."
        ),
    )
    field_order = ["delivery_consent", "confirm"]


class WithdrawForm(UserTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the application?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. It helps the office, for example to plan the budget."),
    )


class EligibilityCheckForm(UserTextFormMixin, forms.Form):
    """The public "can we apply?" questions. Only the first two are needed; the rest make the answer sharper."""

    legal_form = forms.ChoiceField(
        label=_("What kind of group are you?"), choices=LegalForm.choices, widget=forms.RadioSelect
    )
    seat = forms.ChoiceField(label=_("Where is your group based?"), choices=Seat.choices, widget=forms.RadioSelect)
    requested_amount = MoneyField(label=_("How much money do you want to apply for (EUR)?"), required=False)
    total_costs = MoneyField(
        label=_("What will the project cost in total (EUR)?"), required=False, min_value=Decimal("0")
    )
    own_funds = MoneyField(label=_("How much can your group pay itself (EUR)?"), required=False, min_value=Decimal("0"))
    period_start = forms.DateField(
        label=_("When should the project start?"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date, for example 01.03.2027.")},
    )
    works_with_minors = forms.TypedChoiceField(
        label=_("Will you work with children or young people?"),
        choices=[("no", _("no")), ("yes", _("yes"))],
        coerce=lambda value: value == "yes",
        required=False,
        widget=forms.RadioSelect,
    )


class DocumentForm(UserTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Which document is it?"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, or a photo as JPEG or PNG; up to 10 MB."),
        error_messages={"required": _("Choose a file to upload.")},
    )


class AnswerForm(ConfirmSubmissionForm):
    answer = forms.CharField(
        label=_("Your answer to the office"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what you changed or added. You can also explain why something cannot be sent."),
        error_messages={"required": _("Write a short answer for the office.")},
    )
    field_order = ["answer", "confirm"]


class OrganisationProfileForm(UserTextFormMixin, forms.ModelForm):
    listed = forms.BooleanField(
        label=_("Show our organisation in the public directory"),
        required=False,
        help_text=_(
            "With name, description, topics, languages, district and contact. Members are never shown. You can "
            "take this back at any time; the entry disappears at once."
        ),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "description",
            "topics",
            "languages",
            "district",
            "street",
            "postcode",
            "city",
            "email",
            "phone",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "topics": forms.CheckboxSelectMultiple}


class DirectorySearchForm(UserTextFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name, language or district"))
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, empty_label=_("all topics")
    )
    seat = forms.ChoiceField(
        label=_("Where"), choices=[("", _("Bremen and Bremerhaven"))] + Seat.choices, required=False
    )


class OrganisationForm(UserTextFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "legal_form",
            "register_number",
            "seat",
            "street",
            "postcode",
            "city",
            "email",
            "phone",
            "languages",
            "description",
        ]
        widgets = {
            "legal_form": forms.RadioSelect,
            "seat": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "name": _("As your group calls itself. A group without a legal form is welcome."),
            "description": _("What does your group do? A few sentences are enough."),
        }


class EarlyStartForm(UserTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why must the project start before the decision?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: the rooms are only free from March, or the summer holidays begin."),
        error_messages={"required": _("Say why the project has to start before the decision.")},
    )


class AccessibilityFeedbackForm(UserTextFormMixin, forms.Form):
    message = forms.CharField(
        label=_("What did not work for you?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please describe the barrier in a few words.")},
    )
    page = forms.CharField(label=_("On which page?"), max_length=300, required=False)
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address, if you want an answer"),
        required=False,
        error_messages={"invalid": _("Enter an e-mail address like name@example.org.")},
    )


class PaymentRequestForm(UserTextFormMixin, forms.Form):
    """Mittelabruf: how much, for what, and when the money will be spent."""

    amount = MoneyField(label=_("Amount (EUR)"), error_messages={"required": _("Enter the amount you need.")})
    purpose = forms.CharField(
        label=_("What is the money for?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: rent for the rooms in March and April, fees for two trainers."),
        error_messages={"required": _("Say what the money is for.")},
    )
    needed_on = forms.DateField(
        label=_("When will you spend it?"),
        widget=DateInput(),
        help_text=_("The day you have to pay. Money may only be requested shortly before it is needed."),
        error_messages={"required": _("Enter the day you will spend the money."), "invalid": _("Enter a date.")},
    )


class WaiverForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "On behalf of the organisation I waive the right to appeal against this decision. I know that the "
            "organisation can then no longer challenge it, also not the part of the application that was refused."
        ),
        error_messages={"required": _("Tick the box to confirm the waiver.")},
    )


class HearingAnswerForm(UserTextFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Explain the facts from your side: for example why costs were lower, or what you can still show."),
        error_messages={"required": _("Write your answer.")},
    )
