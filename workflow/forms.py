from django import forms
from django.utils.translation import gettext_lazy as _

from applications.fields import DateInput, MoneyField
from applications.models import MEMO_CHECKS, DecisionOutcome, ReasonGround
from grants.models import AppealKind, AppealOutcome
from usertext.forms import UserTextFormMixin


def require_text_when(form, data, choice: str, value, text: str, message) -> None:
    """A text field that becomes required for one answer of a choice (a reason for a refusal, and so on)."""
    if data.get(choice) == value and not (data.get(text) or "").strip():
        form.add_error(text, message)


DATE_ERRORS = {"invalid": _("Enter a date, for example 31.03.2027.")}


class ProposalForm(UserTextFormMixin, forms.Form):
    """The clerk's proposal: outcome and amount, the reasons where something is refused, the financing balance and
    the review memo (Prüfvermerk). The service enforces the rules; the form catches what can be seen at once."""

    outcome = forms.ChoiceField(label=_("Your proposal"), choices=DecisionOutcome.choices, widget=forms.RadioSelect)
    amount = MoneyField(
        label=_("Amount to grant (EUR)"), required=False, help_text=_("Only when you propose to approve.")
    )
    eligible_costs = MoneyField(
        label=_("Eligible costs (EUR)"),
        required=False,
        help_text=_("Empty: the costs of the plan. Lower them when costs are not eligible, necessary or reasonable."),
    )
    gap_closure = forms.CharField(
        label=_("How the rest of the financing is secured"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when the grant is below the shortfall: the letter makes this a condition."),
    )
    grounds = forms.MultipleChoiceField(
        label=_("Grounds for what is refused"),
        choices=ReasonGround.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a rejection, and for a grant below the amount requested (a partial rejection)."),
    )
    reasons = forms.CharField(
        label=_("Reasons: the facts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the decision rests on, in plain words; printed in the letter under 'Begründung'."),
    )
    weighing = forms.CharField(
        label=_("Reasons: weighing of discretion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For budget, priority, cost or other grounds: which interests you weighed and why the office decides "
            "this way (for example, the call's priorities and the ranking of the reviews)."
        ),
    )
    period_start = forms.DateField(
        label=_("Approval period from"),
        required=False,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
        help_text=_("Empty: the project period of the application."),
    )
    period_end = forms.DateField(
        label=_("Approval period until"), required=False, widget=DateInput(), error_messages=DATE_ERRORS
    )
    conditions = forms.CharField(
        label=_("Conditions beyond the ANBest-P"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed in the grant letter."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in MEMO_CHECKS:
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.fields["memo"] = forms.CharField(
            label=_("Review memo (Prüfvermerk)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=_("Your assessment for the file and the approver; not printed in the letter."),
        )

    @property
    def memo_fields(self):
        return [self[name] for name, _label in MEMO_CHECKS] + [self["memo"]]

    @property
    def decision_fields(self):
        memo = {name for name, _label in MEMO_CHECKS} | {"memo"}
        return [field for field in self if field.name not in memo]

    def clean(self):
        data = super().clean()
        approving = data.get("outcome") == DecisionOutcome.APPROVE
        if approving and not data.get("amount"):
            self.add_error("amount", _("Enter the amount to grant."))
        if data.get("outcome") == DecisionOutcome.REJECT:
            if not data.get("grounds"):
                self.add_error("grounds", _("Choose the grounds of the rejection."))
            if not (data.get("reasons") or "").strip():
                self.add_error("reasons", _("A rejection must state its reasons."))
        if approving:
            for name, _label in MEMO_CHECKS:
                if not data.get(name):
                    self.add_error(name, _("Confirm this check, or propose a rejection."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "amount": data.get("amount"),
            "eligible_costs": data.get("eligible_costs"),
            "gap_closure": data.get("gap_closure", ""),
            "grounds": data.get("grounds") or [],
            "reasons": data.get("reasons", ""),
            "weighing": data.get("weighing", ""),
            "checks": {name: bool(data.get(name)) for name, _label in MEMO_CHECKS},
            "memo": data.get("memo", ""),
            "period_start": data.get("period_start"),
            "period_end": data.get("period_end"),
            "conditions": data.get("conditions", ""),
        }


class ApprovalForm(UserTextFormMixin, forms.Form):
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
        require_text_when(self, data, "action", self.SEND_BACK, "comment", _("Say why you send the proposal back."))
        return data


class PostingForm(UserTextFormMixin, forms.Form):
    posted_on = forms.DateField(
        label=_("Posted on"),
        widget=DateInput(),
        error_messages={**DATE_ERRORS, "required": _("Enter the date the letter was posted.")},
        help_text=_("The letter counts as delivered %(days)s days after posting (§ 41(2) VwVfG)."),
    )

    def __init__(self, *args, letter, **kwargs):
        from django.conf import settings
        from django.utils import timezone

        self.letter = letter  # one form per letter on a page: its own field ids
        kwargs.setdefault("initial", {"posted_on": timezone.localdate()})
        kwargs.setdefault("auto_id", f"id_{letter.message_key}-{letter.pk}_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["posted_on"]
        field.help_text = field.help_text % {"days": settings.POSTAL_DELIVERY_DAYS}


class CancelForm(UserTextFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for ending the procedure"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation reads this."),
        error_messages={"required": _("Give the reason; the organisation will read it.")},
    )


class CompletenessForm(UserTextFormMixin, forms.Form):
    COMPLETE = "complete"
    REQUEST = "request"
    outcome = forms.ChoiceField(
        label=_("Result of the check"),
        choices=[(COMPLETE, _("Complete: continue to the content review")), (REQUEST, _("Ask for missing items"))],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("What is missing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation reads this. Say plainly what to send or correct."),
    )
    deadline = forms.DateField(label=_("Answer by"), required=False, widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = list(checklist)
        for item in self.checklist:
            self.fields[f"check_{item.pk}"] = forms.BooleanField(label=item.text, required=False)
        self.order_fields([f"check_{item.pk}" for item in self.checklist] + ["outcome", "message", "deadline"])

    def clean(self):
        data = super().clean()
        if data.get("outcome") == self.COMPLETE:
            for item in self.checklist:
                if not data.get(f"check_{item.pk}"):
                    self.add_error(f"check_{item.pk}", _("Tick every point, or ask for the missing items."))
        if data.get("outcome") == self.REQUEST:
            if not (data.get("message") or "").strip():
                self.add_error("message", _("Say what is missing; the organisation reads this."))
            if not data.get("deadline"):
                self.add_error("deadline", _("Set a deadline."))
        return data


class OverdueForm(UserTextFormMixin, forms.Form):
    EXTEND = "extend"
    REJECT = "reject"
    action = forms.ChoiceField(
        label=_("What now?"),
        choices=[(EXTEND, _("Extend the deadline")), (REJECT, _("Prepare a decision without the missing items"))],
        widget=forms.RadioSelect,
    )
    deadline = forms.DateField(label=_("New deadline"), required=False, widget=DateInput(), error_messages=DATE_ERRORS)

    def clean(self):
        data = super().clean()
        if data.get("action") == self.EXTEND and not data.get("deadline"):
            self.add_error("deadline", _("Set the new deadline."))
        return data


def reviewer_choices(programme_id: int | None = None):
    """Everyone with the reviewer permission; for one programme, only those who work on it (its team, or no
    team at all), since others would never see the review task."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from applications.selectors import staff_working_on

    reviewers = get_user_model().objects.filter(
        Q(groups__permissions__codename="review_application") | Q(user_permissions__codename="review_application"),
        is_active=True,
    )
    if programme_id is not None:
        reviewers = staff_working_on(programme_id, reviewers)
    return reviewers.distinct().order_by("last_name", "first_name", "email")


class ReviewerField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.email} ({user.email})"


class AssignReviewersForm(UserTextFormMixin, forms.Form):
    def __init__(self, *args, count=1, programme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in range(1, count + 1):
            self.fields[f"reviewer_{slot}"] = ReviewerField(
                label=_("Reviewer %(number)s") % {"number": slot}, queryset=reviewer_choices(programme_id)
            )

    def reviewers(self):
        return [self.cleaned_data[name] for name in self.fields]


class ReassignReviewerForm(UserTextFormMixin, forms.Form):
    reviewer = ReviewerField(label=_("New reviewer"), queryset=reviewer_choices())

    def __init__(self, *args, programme_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_choices(programme_id)


class ConflictForm(UserTextFormMixin, forms.Form):
    NONE = "none"
    CONFLICT = "conflict"
    declaration = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[
            (NONE, _("I have no conflict of interest with this organisation or its project.")),
            (CONFLICT, _("I have a conflict of interest (for example, I am a member, a relative or a partner).")),
        ],
        widget=forms.RadioSelect,
    )
    conflict_note = forms.CharField(
        label=_("About the conflict"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        data = super().clean()
        require_text_when(
            self, data, "declaration", self.CONFLICT, "conflict_note", _("Say briefly what the conflict is.")
        )
        return data


YES_NO = [("yes", _("yes")), ("no", _("no"))]


class ReviewForm(UserTextFormMixin, forms.Form):
    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(criterion)s (weight %(weight)s)")
                % {"criterion": criterion.name, "weight": criterion.weight},
                choices=[(n, str(n)) for n in range(6)],
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("0 = not met at all, 5 = fully met"),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on %(criterion)s") % {"criterion": criterion.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["memo"] = forms.CharField(
            label=_("Review memo (Prüfvermerk)"), widget=forms.Textarea(attrs={"rows": 6})
        )
        self.fields["own_funds_counted"] = forms.ChoiceField(
            label=_("Are the own funds counted correctly in the financing plan?"),
            choices=YES_NO,
            widget=forms.RadioSelect,
        )
        self.fields["double_funding"] = forms.ChoiceField(
            label=_("Are there signs of double funding (the same costs funded twice)?"),
            choices=YES_NO,
            widget=forms.RadioSelect,
        )
        self.fields["double_funding_note"] = forms.CharField(
            label=_("About double funding"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def clean(self):
        data = super().clean()
        require_text_when(
            self, data, "double_funding", "yes", "double_funding_note", _("Describe the signs of double funding.")
        )
        return data

    def scores(self):
        return {c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"]) for c in self.criteria}


class EarlyStartDecisionForm(UserTextFormMixin, forms.Form):
    GRANT = "grant"
    REFUSE = "refuse"
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[(GRANT, _("Grant the early start")), (REFUSE, _("Refuse the early start"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a refusal. With a grant, say that it gives no claim to a grant."),
    )

    def clean(self):
        data = super().clean()
        require_text_when(
            self,
            data,
            "decision",
            self.REFUSE,
            "note",
            _("Give the reason for the refusal; the organisation reads it."),
        )
        return data


class PaymentDecisionForm(UserTextFormMixin, forms.Form):
    """Certify (or release) a payment request, or refuse it with the reason the organisation reads."""

    ACCEPT = "accept"
    REFUSE = "refuse"
    action = forms.ChoiceField(
        label=_("Your decision"),
        choices=[(ACCEPT, _("Certify as correct")), (REFUSE, _("Refuse the request"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason for the organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a refusal."),
    )

    def clean(self):
        data = super().clean()
        require_text_when(
            self, data, "action", self.REFUSE, "note", _("Say why the request is refused; the organisation reads it.")
        )
        return data


class AppealRecordForm(UserTextFormMixin, forms.Form):
    """The office records an objection or action against a decision."""

    kind = forms.ChoiceField(label=_("Remedy"), choices=AppealKind.choices, widget=forms.RadioSelect)
    lodged_on = forms.DateField(label=_("Lodged on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AppealEndForm(UserTextFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("How the appeal ended"),
        choices=[c for c in AppealOutcome.choices if c[0] != AppealOutcome.PENDING],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PaidForm(forms.Form):
    """The finance office paid the selected released payments on one day."""

    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    payments = forms.TypedMultipleChoiceField(coerce=int, choices=[], widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, payments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payments"].choices = [(p.pk, str(p)) for p in payments]
        self.fields["payments"].label = _("Payments made")


class WorklistFilterForm(UserTextFormMixin, forms.Form):
    """The filters above every work list (a GET form; each invalid value gets its message, the rest apply)."""

    DUE_CHOICES = [("", _("any")), ("overdue", _("overdue")), ("soon", _("overdue or due within 3 days"))]
    SORT_CHOICES = [("due", _("deadline, most urgent first")), ("newest", _("newest first"))]

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False, empty_label=_("all"))
    call = forms.ModelChoiceField(label=_("Call"), queryset=None, required=False, empty_label=_("all"))
    step = forms.ChoiceField(label=_("Step"), required=False)
    due = forms.ChoiceField(label=_("Deadline"), choices=DUE_CHOICES, required=False)
    organisation = forms.CharField(label=_("Organisation name contains"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, data=None, *, programmes, **kwargs):
        from applications.models import Call
        from workflow.worklists import STEPS

        super().__init__(data, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["call"].queryset = Call.objects.filter(programme__in=programmes).select_related("programme")
        self.fields["step"].choices = [("", _("all"))] + [(name, node.task_title) for name, node in STEPS.items()]

    def task_filter(self):
        """The filter from the valid fields; invalid ones are left out (and shown with their message)."""
        from workflow.worklists import TaskFilter

        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return TaskFilter(
            programme=data.get("programme"),
            call=data.get("call"),
            step=data.get("step") or "",
            due=data.get("due") or "",
            organisation=(data.get("organisation") or "").strip(),
            sort=data.get("sort") or "due",
        )


class IdListField(forms.Field):
    """The ids of the rows ticked in a list (which of them the user may act on is the service's business)."""

    widget = forms.MultipleHiddenInput

    MAX = 200

    def to_python(self, value):
        try:
            ids = sorted({int(item) for item in value or []})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Select tasks from the list.")) from None
        if len(ids) > self.MAX or any(not 0 < pk < 2**63 for pk in ids):
            raise forms.ValidationError(_("Select tasks from the list.")) from None
        return ids


class TaskSelectionForm(UserTextFormMixin, forms.Form):
    """The tasks ticked in a work list for a batch action."""

    tasks = IdListField(label=_("Tasks"), error_messages={"required": _("Select at least one task.")})


class BatchReviewersForm(TaskSelectionForm):
    reviewer_1 = ReviewerField(label=_("Reviewer 1"), queryset=None)
    reviewer_2 = ReviewerField(
        label=_("Reviewer 2"), queryset=None, required=False, help_text=_("For programmes that need two reviews.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer_1"].queryset = reviewer_choices()
        self.fields["reviewer_2"].queryset = reviewer_choices()

    def clean(self):
        data = super().clean()
        if data.get("reviewer_1") and data.get("reviewer_1") == data.get("reviewer_2"):
            self.add_error("reviewer_2", _("Choose two different reviewers."))
        return data

    def reviewers(self) -> list:
        return [r for r in (self.cleaned_data.get("reviewer_1"), self.cleaned_data.get("reviewer_2")) if r]
