"""The organisation reports a change during the project (ANBest-P Nr. 5): costs, period, partners or purpose."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.fields import DateInput, MoneyField
from grants.changes import current_plan
from grants.models import ChangeKind
from organisations.selectors import is_representative
from portal.grant_views import _grant_of, attempt, grant_context
from portal.views import _posted, error_list
from usertext.forms import UserTextFormMixin
from workflow.change_services import change_report_and_start


class ChangeReportForm(UserTextFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What changes?"),
        choices=[(value, label) for value, label in ChangeKind.choices if value != ChangeKind.APPEAL],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what changes.")},
    )
    description = forms.CharField(
        label=gettext_lazy("What changes, and why?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("For example: the hall costs more than planned, so we spend less on materials."),
        error_messages={"required": gettext_lazy("Say what changes and why.")},
    )
    new_period_end = forms.DateField(
        label=gettext_lazy("New end of the project (only if it takes longer)"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": gettext_lazy("Enter a date, for example 31.03.2027.")},
    )

    def __init__(self, data=None, *, plan_lines=()):
        super().__init__(data)
        self.plan_lines = list(plan_lines)
        for line in self.plan_lines:
            self.fields[f"line_{line.pk}"] = MoneyField(
                label=_("%(position)s. %(description)s: new amount (EUR)")
                % {"position": line.position, "description": line.description},
                min_value=0,
                initial=line.amount,
                help_text=_("Approved: %(amount)s EUR") % {"amount": f"{line.amount:.2f}".replace(".", ",")},
                error_messages={"required": _("Enter the amount; keep the approved one if it does not change.")},
            )

    def new_amounts(self) -> dict:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.plan_lines}


@login_required
def change_report(request, pk):
    grant = _grant_of(request, pk)  # 404 for anyone outside the organisation
    plan_lines = current_plan(grant).lines.all()
    form = ChangeReportForm(_posted(request), plan_lines=plan_lines)
    status = 200
    if not is_representative(request.user, grant.organisation):
        status = 403  # the page says why, and shows no form
    elif request.method == "POST" and form.is_valid():
        status = attempt(
            form,
            lambda: change_report_and_start(
                grant=grant,
                by=request.user,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                new_amounts=form.new_amounts(),
                new_period_end=form.cleaned_data["new_period_end"],
            ),
        )
        if status is None:
            messages.success(request, _("Your report was sent. The office checks it and tells you."))
            return redirect("portal:application_detail", pk=pk)
    if form.errors and status == 200:
        status = 400
    context = {"application": grant.application, "form": form, "errors": error_list(form)}
    context.update(grant_context(grant, request.user))
    return render(request, "portal/change_report.html", context, status=status)
