"""Staff pages after the decision: the payment procedure's tasks, appeals, and the payment orders."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from applications.errors import ApplicationError, NotAllowed
from applications.selectors import applications_for_staff
from grants.models import AppealOutcome, Grant, GrantStatus
from grants.selectors import grant_letters_for_staff, money_position
from grants.services import expected_final_on, payment_certify, payment_refuse, payment_release
from workflow.errors import ProcessBusy
from workflow.forms import AppealEndForm, AppealRecordForm, PaymentDecisionForm
from workflow.grant_services import appeal_end_and_continue
from workflow.views import HumanTaskView


class _PaymentTaskView(HumanTaskView):
    form_class = PaymentDecisionForm
    success_message = gettext_lazy("Your decision on the payment was recorded.")

    def context(self, task, form):
        context = super().context(task, form)
        payment = task.process.coerced.payment
        context["payment"] = payment
        context["grant"] = payment.grant
        context["money"] = money_position(payment.grant)
        context["earlier_payments"] = payment.grant.payment_requests.exclude(pk=payment.pk).order_by("number")
        return context


class CertifyPaymentView(_PaymentTaskView):
    template_name = "workflow/payment_certify.html"

    def complete(self, process, form):
        if form.cleaned_data["action"] == PaymentDecisionForm.ACCEPT:
            return payment_certify(payment=process.payment, by=self.request.user)
        return payment_refuse(payment=process.payment, by=self.request.user, note=form.cleaned_data["note"])


class ReleasePaymentView(_PaymentTaskView):
    template_name = "workflow/payment_release.html"

    def check_permission(self, request, task):
        if task.flow_task.is_excluded(request.user, task):
            raise PermissionDenied(
                _("You certified this payment as factually correct, so a second person must release it.")
            )
        super().check_permission(request, task)

    def complete(self, process, form):
        if form.cleaned_data["action"] == PaymentDecisionForm.ACCEPT:
            return payment_release(payment=process.payment, by=self.request.user)
        return payment_refuse(payment=process.payment, by=self.request.user, note=form.cleaned_data["note"])


class AppealView(LoginRequiredMixin, View):
    """The office records an appeal against a decision, or its end (POST from the staff application page)."""

    def post(self, request, pk):
        from grants.services import appeal_record
        from workflow.views import ApplicationView, require_staff

        require_staff(request.user)
        application = get_object_or_404(applications_for_staff(request.user), pk=pk)
        grant = get_object_or_404(Grant, application=application)
        pending = grant.appeals.filter(outcome=AppealOutcome.PENDING).first()
        form = (AppealEndForm if pending else AppealRecordForm)(request.POST)
        if form.is_valid():
            try:
                if pending:
                    appeal_end_and_continue(appeal=pending, by=request.user, **form.cleaned_data)
                else:
                    appeal_record(grant=grant, by=request.user, **form.cleaned_data)
            except NotAllowed as error:
                raise PermissionDenied(error.message) from None
            except (ApplicationError, ProcessBusy) as error:
                form.add_error(
                    getattr(error, "field", None) if getattr(error, "field", None) in form.fields else None,
                    error.message,
                )
            else:
                messages.success(request, _("The appeal was recorded."))
                return redirect("workflow:application", pk=pk)
        page = ApplicationView()
        page.request = request
        context = page.context(request, application)
        context["appeal_form"] = form
        return render(request, "workflow/application.html", context, status=400)


class GrantLetterView(LoginRequiredMixin, View):
    """Staff read a letter after the decision (their reading delivers nothing)."""

    def get(self, request, pk):
        from workflow.views import require_staff

        require_staff(request.user)
        letter = get_object_or_404(grant_letters_for_staff(request.user).filter(rendered_at__isnull=False), pk=pk)
        filename = letter.file.name.rsplit("/", 1)[-1]
        return FileResponse(letter.file.open("rb"), filename=filename, content_type="application/pdf")


def grant_section(request, application) -> dict:
    """What the staff application page shows of the grant: money, payments, appeals, and the appeal form."""
    grant = Grant.objects.filter(application=application).first()
    if grant is None:
        return {}
    pending = grant.appeals.filter(outcome=AppealOutcome.PENDING).first()
    may_record = request.user.has_perm("grants.record_appeal") and grant.status != GrantStatus.CLOSED
    return {
        "grant_record": grant,
        "money": money_position(grant),
        "grant_payments": grant.payment_requests.select_related("certified_by", "released_by").order_by("number"),
        "appeals": grant.appeals.all(),
        "grant_letters": grant.letters.select_related("retrieved_by").order_by("created"),
        "change_reports": grant.change_reports.select_related("proposed_by", "approved_by").order_by("reported_at"),
        "final_on": expected_final_on(grant),
        "appeal_form": ((AppealEndForm() if pending else AppealRecordForm()) if may_record else None),
    }
