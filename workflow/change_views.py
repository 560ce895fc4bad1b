"""Staff pages of the change procedure: assessing a reported change, and approving an amendment (four eyes)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.fields import DateInput, MoneyField
from grants.changes import change_approve, change_assessment, change_note, change_propose, change_refuse, current_plan
from usertext.forms import UserTextFormMixin
from workflow.forms import DATE_ERRORS, require_text_when
from workflow.views import HumanTaskView


class AssessChangeForm(UserTextFormMixin, forms.Form):
    NOTE = "note"
    PROPOSE = "propose"
    REFUSE = "refuse"
    action = forms.ChoiceField(
        label=_("Your assessment"),
        choices=[
            (NOTE, gettext_lazy("Within the tolerance: note the change (no letter)")),
            (PROPOSE, gettext_lazy("Beyond the tolerance: propose an amendment decision")),
            (REFUSE, gettext_lazy("Refuse the change")),
        ],
        widget=forms.RadioSelect,
    )
    amount = MoneyField(
        label=gettext_lazy("Amended grant (EUR)"), required=False, help_text=gettext_lazy("For an amendment.")
    )
    period_end = forms.DateField(
        label=gettext_lazy("Approval period until"),
        required=False,
        widget=DateInput(),
        error_messages=DATE_ERRORS,
        help_text=gettext_lazy("For an amendment; leave empty to keep the reported or current end."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required for a refusal."),
    )

    def clean(self):
        data = super().clean()
        require_text_when(self, data, "action", self.REFUSE, "note", _("Say why; the organisation reads it."))
        if data.get("action") == self.PROPOSE and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amended grant."))
        return data


class ApproveChangeForm(UserTextFormMixin, forms.Form):
    APPROVE = "approve"
    REFUSE = "refuse"
    action = forms.ChoiceField(
        label=gettext_lazy("Your decision"),
        choices=[
            (APPROVE, gettext_lazy("Approve and issue the amendment decision")),
            (REFUSE, gettext_lazy("Refuse the change")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Reason for the organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required for a refusal."),
    )

    def clean(self):
        data = super().clean()
        require_text_when(self, data, "action", self.REFUSE, "note", _("Say why; the organisation reads it."))
        return data


class _ChangeTaskView(HumanTaskView):
    template_name = "workflow/change_task.html"

    def context(self, task, form):
        context = super().context(task, form)
        report = task.process.coerced.report
        changes = {change.plan_line_id: change.amount for change in report.lines.all()}
        context["report"] = report
        context["grant"] = report.grant
        context["assessment"] = change_assessment(report)
        context["plan_rows"] = [
            {"line": line, "new": changes.get(line.pk, line.amount)} for line in current_plan(report.grant).lines.all()
        ]
        return context


class AssessChangeView(_ChangeTaskView):
    form_class = AssessChangeForm
    success_message = gettext_lazy("Your assessment was recorded.")

    def complete(self, process, form):
        data, by = form.cleaned_data, self.request.user
        if data["action"] == AssessChangeForm.NOTE:
            return change_note(report=process.report, by=by, note=data["note"])
        if data["action"] == AssessChangeForm.REFUSE:
            return change_refuse(report=process.report, by=by, note=data["note"])
        return change_propose(
            report=process.report, by=by, amount=data["amount"], period_end=data["period_end"], note=data["note"]
        )


class ApproveChangeView(_ChangeTaskView):
    form_class = ApproveChangeForm
    success_message = gettext_lazy("Your decision was recorded.")

    def check_permission(self, request, task):
        if task.flow_task.is_excluded(request.user, task):
            raise PermissionDenied(_("You proposed this amendment, so a second person must approve it."))
        super().check_permission(request, task)

    def complete(self, process, form):
        if form.cleaned_data["action"] == ApproveChangeForm.APPROVE:
            return change_approve(report=process.report, by=self.request.user)
        return change_refuse(report=process.report, by=self.request.user, note=form.cleaned_data["note"])
